/**
 * Bad input: each malformed case gives an EdfError naming file and field; a seeded fuzz of
 * mutated/truncated headers and annotation bytes ends only in EdfError or a sane parse.
 */
import { describe, expect, it } from 'vitest';
import { Generator } from '../../engine/random.ts';
import {
  EdfError,
  parseEdfHeader,
  readAnnotations,
  readEdf,
  readEdfAnnotations,
  readPsgWithHypnogram,
} from '../../sleep/edf/index.ts';
import type { Recording } from '../../sleep/types.ts';
import { FIELD, HYPNOGRAM_FILE, SHORT_PSG_FILE, SLEEP_EDF_DIR, catchEdfError, readShared, setField, signalField } from './edf-data.ts';

const psg = () => readShared(SLEEP_EDF_DIR, SHORT_PSG_FILE);
const hypnogram = () => readShared(SLEEP_EDF_DIR, HYPNOGRAM_FILE);
const NS = 7;
const HYPNOGRAM_HEADER = 512;

/** The real hypnogram's header with its annotation bytes replaced by `tals` (Latin-1), zero padded. */
function hypnogramWith(tals: string | Uint8Array): Uint8Array {
  const bytes = hypnogram();
  bytes.fill(0, HYPNOGRAM_HEADER);
  const raw = typeof tals === 'string' ? Uint8Array.from(tals, (c) => c.charCodeAt(0)) : tals;
  bytes.set(raw, HYPNOGRAM_HEADER);
  return bytes;
}

function expectRefusal(run: () => unknown, file: string, field: string): EdfError {
  const error = catchEdfError(run);
  expect(error.file).toBe(file);
  expect(error.field).toBe(field);
  expect(error.message).toContain(file);
  expect(error.message).toContain(field);
  return error;
}

describe('malformed PSG headers and data', () => {
  const f = 'bad.edf';
  const patched = (offset: readonly [number, number] | [number, number], text: string) => setField(psg(), offset[0], offset[1], text);
  const cases: [string, () => Uint8Array, string, RegExp?][] = [
    ['shorter than a header', () => psg().slice(0, 100), 'header'],
    ['not an EDF (text file)', () => new TextEncoder().encode('hello, this is not an EDF file at all. '.repeat(10)), 'version', /not an EDF/],
    ['version other than 0', () => patched(FIELD.version, '1'), 'version'],
    ['header size not 256 x (signals + 1)', () => patched(FIELD.headerBytes, '2304'), 'headerBytes', /256 x \(7 \+ 1\) = 2048/],
    ['signal count disagreeing with header size', () => patched(FIELD.numSignals, '8'), 'headerBytes'],
    ['header cut short', () => psg().slice(0, 1000), 'headerBytes', /truncated/],
    ['non-numeric header size', () => patched(FIELD.headerBytes, '2O48'), 'headerBytes', /integer/],
    ['non-numeric record count', () => patched(FIELD.numRecords, 'ten'), 'numRecords', /"ten     "/],
    ['non-numeric record duration', () => patched(FIELD.recordDuration, '30s'), 'recordDuration'],
    ['non-numeric signal count', () => patched(FIELD.numSignals, 'x'), 'numSignals'],
    ['zero signals', () => patched(FIELD.numSignals, '0'), 'numSignals'],
    ['zero records', () => patched(FIELD.numRecords, '0'), 'numRecords'],
    ['negative records', () => patched(FIELD.numRecords, '-5'), 'numRecords'],
    ['negative record duration', () => patched(FIELD.recordDuration, '-30'), 'recordDuration'],
    ['more records than the file holds', () => patched(FIELD.numRecords, '11'), 'numRecords', /truncated/],
    ['data cut one byte short', () => psg().slice(0, -1), 'numRecords', /truncated; 9 whole records/],
    ['start date not dd.mm.yy', () => patched(FIELD.startDate, '24/04/89'), 'startDate'],
    ['start time not hh.mm.ss', () => patched(FIELD.startTime, '16:13:00'), 'startTime'],
    ['non-numeric physical minimum', () => patched(signalField(NS, 0, 'physicalMin'), 'abc'), 'signals[0].physicalMin ("EEG Fpz-Cz")'],
    ['physical range of zero width', () => patched(signalField(NS, 0, 'physicalMax'), '-192'), 'signals[0].physicalMax ("EEG Fpz-Cz")'],
    ['digital minimum above maximum', () => patched(signalField(NS, 1, 'digitalMin'), '3000'), 'signals[1].digitalMax ("EEG Pz-Oz")'],
    ['digital range beyond 16 bits', () => patched(signalField(NS, 1, 'digitalMax'), '40000'), 'signals[1].digitalMax ("EEG Pz-Oz")'],
    ['fractional sample count', () => patched(signalField(NS, 2, 'samplesPerRecord'), '3000.5'), 'signals[2].samplesPerRecord ("EOG horizontal")'],
    ['negative sample count', () => patched(signalField(NS, 3, 'samplesPerRecord'), '-30'), 'signals[3].samplesPerRecord ("Resp oro-nasal")'],
  ];

  it.each(cases)('%s', (_name, make, field, message) => {
    const bytes = make();
    const error = expectRefusal(() => readEdf(bytes, f), f, field);
    if (message) expect(error.message).toMatch(message);
    expectRefusal(() => parseEdfHeader(bytes, f), f, field);
  });

  it('reads numRecords -1 by counting whole records, and refuses a header-only file', () => {
    const recording = readEdf(patched(FIELD.numRecords, '-1'), f);
    expect([recording.header.numRecords, recording.header.numRecordsWritten]).toEqual([10, -1]);
    expect(recording.channels[0].data).toEqual(readEdf(psg(), f).channels[0].data);
    const headerOnly = patched(FIELD.numRecords, '-1').slice(0, 2048);
    expect(parseEdfHeader(headerOnly, f).numRecords).toBe(0);
    expectRefusal(() => readEdf(headerOnly, f), f, 'numRecords');
  });

  it('ignores bytes after the last record, as MNE does', () => {
    const bytes = new Uint8Array(psg().length + 3);
    bytes.set(psg());
    expect(readEdf(bytes, f).channels[1].data).toEqual(readEdf(psg(), f).channels[1].data);
  });

  it('names the available labels when a requested channel is missing', () => {
    const error = expectRefusal(() => readEdf(psg(), f, { channels: ['EEG Fpz-Cz', 'EEG C3-A2'] }), f, 'channels');
    expect(error.message).toContain('"EEG C3-A2"');
    for (const label of ['"EEG Fpz-Cz"', '"EEG Pz-Oz"', '"EOG horizontal"', '"Event marker"']) expect(error.message).toContain(label);
  });

  it('refuses to read annotations from a file without an annotation signal', () => {
    expectRefusal(() => readAnnotations(psg(), f), f, 'signals');
  });

  it('refuses a BDF file with a clear message', () => {
    const bytes = psg();
    bytes[0] = 0xff;
    setField(bytes, 1, 7, 'BIOSEMI');
    expect(expectRefusal(() => readEdf(bytes, 'x.bdf'), 'x.bdf', 'version').message).toMatch(/BDF.*not supported/);
  });
});

describe('annotation bytes', () => {
  const f = 'hyp.edf';
  const read = (tals: string) => readAnnotations(hypnogramWith(tals), f);

  it('parses durations, several texts per TAL, negative onsets and multi-line texts', () => {
    expect(read('+0\x14\x14\x00+5\x1510\x14Sleep stage W\x14\x00-2.5\x14a\x14b\r\nc\x14\x00')).toEqual([
      { onset: 5, duration: 10, description: 'Sleep stage W', hasDuration: true },
      { onset: -2.5, duration: 0, description: 'a', hasDuration: false },
      { onset: -2.5, duration: 0, description: 'b\r\nc', hasDuration: false },
    ]);
  });

  it('decodes UTF-8 text, and Latin-1 where the bytes are not UTF-8', () => {
    const utf8 = [...new TextEncoder().encode('é ±')].map((b) => String.fromCharCode(b)).join('');
    expect(read(`+0\x14\x14\x00+1\x14${utf8}\x14\x00+2\x14\xe9 \xb1 \xff\x14\x00`).map((a) => a.description)).toEqual(['é ±', 'é ± ÿ']);
  });

  const bad: [string, string, RegExp][] = [
    ['plain text instead of TALs', 'hello world', /not a signed number|not followed/],
    ['onset without sign', '+0\x14\x14\x005\x14x\x14\x00', /"5" is not a signed number/],
    ['negative duration', '+0\x14\x14\x00+5\x15-1\x14x\x14\x00', /duration "-1"/],
    ['text not closed by 0x14', '+0\x14\x14\x00+5\x14abc\x00', /text not closed/],
    ['no time-keeping TAL', '+5\x14Sleep stage W\x14\x00', /time-keeping TAL/],
    ['TAL running to the end of the signal', '+0\x14\x14\x00+5\x14' + 'a\x14'.repeat(2050), /not closed by 0x00/],
  ];
  it.each(bad)('refuses %s', (_name, tals, message) => {
    expect(expectRefusal(() => read(tals), f, 'annotations').message).toMatch(message);
  });

  it('refuses a hypnogram whose start date differs from the PSG', () => {
    const other = setField(hypnogram(), ...FIELD.startDate, '25.04.89');
    expectRefusal(() => readPsgWithHypnogram({ file: 'psg.edf', bytes: psg() }, { file: f, bytes: other }), f, 'startDate');
  });

  it('refuses to pair a PSG whose start is no real date', () => {
    const bad = setField(psg(), ...FIELD.startDate, '42.00.00');
    expect(Number.isNaN(parseEdfHeader(bad, 'psg.edf').start.getTime())).toBe(true);
    const error = expectRefusal(() => readPsgWithHypnogram({ file: 'psg.edf', bytes: bad }, { file: f, bytes: hypnogram() }), 'psg.edf', 'startDate');
    expect(error.message).toContain('42.00.00');
  });
});

describe('seeded fuzz of headers and annotation bytes', () => {
  /** short_psg.edf cut to 2 records, so each of thousands of reads is cheap. */
  function twoRecordPsg(): Uint8Array {
    const full = psg();
    const bytes = full.slice(0, 2048 + 2 * 18240);
    return setField(bytes, ...FIELD.numRecords, '2');
  }
  const ALPHABET = '0123456789 +-.eExX\x14\x15\x00\xff';
  const FIXED_FIELDS: [number, number][] = [[0, 8], [8, 80], [88, 80], [168, 8], [176, 8], [184, 8], [192, 44], [236, 8], [244, 8], [252, 4]];

  function mutate(gen: Generator, base: Uint8Array, headerEnd: number, signals: number): Uint8Array {
    let bytes = base.slice();
    const pick = (s: string) => s.charCodeAt(gen.randint(s.length));
    for (let m = 1 + gen.randint(3); m > 0; m--) {
      switch (gen.randint(6)) {
        case 0:
          bytes[gen.randint(headerEnd)] = gen.randint(256);
          break;
        case 1:
          bytes[gen.randint(headerEnd)] = pick(ALPHABET);
          break;
        case 2: {
          const fieldNames = ['label', 'physicalMin', 'physicalMax', 'digitalMin', 'digitalMax', 'samplesPerRecord'] as const;
          const [offset, width] = gen.random() < 0.5
            ? FIXED_FIELDS[gen.randint(FIXED_FIELDS.length)]
            : signalField(signals, gen.randint(signals), fieldNames[gen.randint(fieldNames.length)]);
          let text = '';
          for (let k = gen.randint(width + 1); k > 0; k--) text += String.fromCharCode(pick(ALPHABET));
          setField(bytes, offset, width, text);
          break;
        }
        case 3:
          bytes = bytes.slice(0, gen.randint(bytes.length + 1));
          break;
        default:
          if (bytes.length > headerEnd) bytes[headerEnd + gen.randint(bytes.length - headerEnd)] = gen.random() < 0.5 ? pick(ALPHABET) : gen.randint(256);
      }
    }
    return bytes;
  }

  function expectSane(recording: Recording): void {
    const h = recording.header;
    expect(Number.isInteger(h.numRecords) && h.numRecords > 0).toBe(true);
    expect(Number.isFinite(h.recordDuration) && h.recordDuration >= 0).toBe(true);
    for (const c of recording.channels) {
      const s = h.signals.find((x) => x.label === c.label);
      expect(c.data.length).toBe(h.numRecords * (s?.samplesPerRecord ?? NaN));
      for (const v of c.data) if (!Number.isFinite(v)) throw new Error(`non-finite sample in ${c.label}`);
    }
    for (const a of recording.annotations) {
      expect(Number.isFinite(a.onset) && Number.isFinite(a.duration) && a.duration >= 0).toBe(true);
    }
    for (const t of recording.recordStarts ?? []) expect(Number.isFinite(t)).toBe(true);
  }

  it('ends in EdfError or a sane reading, 4000 cases', () => {
    const gen = new Generator(20250601);
    const bases = [
      { file: 'fuzz-psg.edf', bytes: twoRecordPsg(), headerEnd: 2048, signals: 7, read: (b: Uint8Array, f: string) => readEdf(b, f, { channels: ['EEG Fpz-Cz', 'Temp rectal'] }) },
      {
        file: 'fuzz-hypnogram.edf', bytes: hypnogram(), headerEnd: HYPNOGRAM_HEADER, signals: 1,
        read: (b: Uint8Array, f: string): Recording => {
          const reading = readEdfAnnotations(b, f);
          expect(readAnnotations(b, f)).toEqual(reading.annotations);
          return { file: f, header: reading.header, channels: [], annotations: reading.annotations, recordStarts: reading.recordStarts };
        },
      },
    ];
    const outcomes = { read: 0, refused: 0 };
    const fields = new Set<string>();
    for (let i = 0; i < 4000; i++) {
      const base = bases[i % 2];
      const bytes = mutate(gen, base.bytes, base.headerEnd, base.signals);
      let recording: Recording | null = null;
      try {
        recording = base.read(bytes, base.file);
      } catch (error) {
        if (!(error instanceof EdfError)) throw new Error(`case ${i}: ${String(error)} is not an EdfError`);
        expect(error.file).toBe(base.file);
        fields.add(error.field.replace(/\[\d+\].*/, '[i]'));
        outcomes.refused++;
      }
      if (recording) {
        if (recording.header.numRecords > 0) expectSane(recording);
        outcomes.read++;
      }
    }
    // Both outcomes occur often, and refusals come from many different fields.
    expect(outcomes.read).toBeGreaterThan(400);
    expect(outcomes.refused).toBeGreaterThan(400);
    expect(fields.size).toBeGreaterThan(8);
  });
});
