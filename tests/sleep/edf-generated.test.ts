/**
 * EDF/EDF+ features that real writers use, on files generated here with hand-derived expected
 * values, so a fresh clone tests them without the third-party corpus: EDF+D record starts and
 * gaps, several sampling rates and a non-integer record duration in one file, negative onsets,
 * multi-line, UTF-8 and Latin-1 texts, two annotation signals, an annotation-only file with
 * record duration 0, a header that says -1 records, a stray trailing byte, duplicate labels and
 * a BDF file.
 */
import { describe, expect, it } from 'vitest';
import { parseEdfHeader, readAnnotations, readEdf, readEdfAnnotations, readPhysicalSamples } from '../../sleep/edf/index.ts';
import { buildEdf, samples, tal } from './edfBuilder.ts';
import { catchEdfError } from './edf-data.ts';

const ANN = 'EDF Annotations';

describe('EDF+D: record starts from the time-keeping TALs, gaps kept as gaps', () => {
  // Records of 2 s at 0, 2 (contiguous), 10 and 13.5 s: gaps [4, 10) and [12, 13.5).
  const starts = ['+0', '+2', '+10', '+13.5'];
  const bytes = buildEdf({
    reserved: 'EDF+D',
    recordDuration: '2',
    signals: [{ label: 'EEG', samplesPerRecord: 4 }, { label: ANN, samplesPerRecord: 30 }],
    records: starts.map((s, r) => [samples(4, (i) => 100 * r + i), tal(s, null, ['']) + (r === 2 ? tal('+11', '0.5', ['spike']) : '')]),
  });

  it('reads the starts, the two gaps and the annotation inside the third record', () => {
    const reading = readEdfAnnotations(bytes, 'd.edf');
    expect(reading.header.variant).toBe('EDF+D');
    expect(Array.from(reading.recordStarts)).toEqual([0, 2, 10, 13.5]);
    expect(reading.gaps).toEqual([
      { afterRecord: 1, start: 4, end: 10 },
      { afterRecord: 2, start: 12, end: 13.5 },
    ]);
    expect(reading.annotations).toEqual([{ onset: 11, duration: 0.5, description: 'spike', hasDuration: true }]);
  });

  it('decodes the records back to back (no samples invented for the gaps) and keeps the gaps on the recording', () => {
    const recording = readEdf(bytes, 'd.edf', { channels: ['EEG'] });
    // 16 samples, digital 0..3, 100..103, 200..203, 300..303; gain 200 / 65535 uV per step.
    const gain = 200 / 65535;
    const expected = [0, 1, 2, 3, 100, 101, 102, 103, 200, 201, 202, 203, 300, 301, 302, 303].map((d) => Math.fround(-100 + (d + 32768) * gain));
    expect(Array.from(recording.channels[0].data)).toEqual(expected);
    expect(recording.gaps).toHaveLength(2);
  });

  it('refuses records that overlap in time', () => {
    const overlapping = buildEdf({
      reserved: 'EDF+D',
      recordDuration: '2',
      signals: [{ label: 'EEG', samplesPerRecord: 2 }, { label: ANN, samplesPerRecord: 10 }],
      records: ['+0', '+1'].map((s) => [samples(2, () => 0), tal(s, null, [''])]),
    });
    const error = catchEdfError(() => readEdfAnnotations(overlapping, 'o.edf'));
    expect([error.file, error.field]).toEqual(['o.edf', 'annotations']);
    expect(error.message).toContain('record 1 starts at 1 s, before record 0 ends at 2 s');
  });
});

describe('several sampling rates and a non-integer record duration', () => {
  // 9.59375 s records (307 / 32): 307 samples at 32 Hz, 1 sample at 1/9.59375 Hz.
  const bytes = buildEdf({
    recordDuration: '9.59375',
    signals: [
      { label: 'fast', samplesPerRecord: 307, physicalMin: -1, physicalMax: 1, digitalMin: -1, digitalMax: 1 },
      { label: 'slow', samplesPerRecord: 1, physicalMin: 0, physicalMax: 10, digitalMin: 0, digitalMax: 10 },
    ],
    records: [0, 1].map((r) => [samples(307, (i) => ((i + r) % 3) - 1), samples(1, () => 7 + r)]),
  });

  it('gives each signal its own rate', () => {
    const h = parseEdfHeader(bytes, 'rates.edf');
    expect(h.recordDuration).toBe(9.59375);
    expect(h.signals.map((s) => s.sampleRate)).toEqual([32, 1 / 9.59375]);
  });

  it('decodes each signal from its own place in every record', () => {
    const h = parseEdfHeader(bytes, 'rates.edf');
    const fast = readPhysicalSamples(bytes, h, 0, 'rates.edf');
    expect(fast.length).toBe(614);
    // Record r, sample i holds ((i + r) mod 3) - 1: samples 305, 306 of record 0, then 0..2 of record 1.
    expect(Array.from(fast.subarray(305, 310))).toEqual([1, -1, 0, 1, -1]);
    expect(Array.from(readPhysicalSamples(bytes, h, 1, 'rates.edf'))).toEqual([7, 8]);
  });
});

describe('annotation texts and signals', () => {
  const hypnogramLike = (annotationRecords: (string | Uint8Array)[][], ns = 1) =>
    buildEdf({
      reserved: 'EDF+C',
      recordDuration: '0',
      signals: Array.from({ length: ns }, () => ({ label: ANN, samplesPerRecord: 60 })),
      records: annotationRecords,
    });

  it('reads negative onsets, multi-line (CRLF) and UTF-8 texts, and several texts in one TAL', () => {
    // 'Schlaf ü' as UTF-8 bytes spliced in where the placeholder X is (the builder writes char codes as bytes).
    const utf8 = new TextEncoder().encode('Schlaf ü');
    const raw = Uint8Array.from(tal('+0', null, ['']) + tal('-0.5', null, ['before start']) + tal('+3', '1.25', ['line 1\r\nline 2', 'X']), (c) => c.charCodeAt(0));
    const x = raw.lastIndexOf('X'.charCodeAt(0));
    const tals = new Uint8Array(raw.length - 1 + utf8.length);
    tals.set(raw.subarray(0, x));
    tals.set(utf8, x);
    tals.set(raw.subarray(x + 1), x + utf8.length);
    const withUtf8 = hypnogramLike([[tals]]);
    expect(readAnnotations(withUtf8, 'texts.edf')).toEqual([
      { onset: -0.5, duration: 0, description: 'before start', hasDuration: false },
      { onset: 3, duration: 1.25, description: 'line 1\r\nline 2', hasDuration: true },
      { onset: 3, duration: 1.25, description: 'Schlaf ü', hasDuration: true },
    ]);
  });

  it('reads text that is not valid UTF-8 as Latin-1 (0xE9 is é), as some writers produce', () => {
    const raw = Uint8Array.from(tal('+0', null, ['']) + tal('+1', null, ['caf\xe9']), (c) => c.charCodeAt(0));
    expect(readAnnotations(hypnogramLike([[raw]]), 'latin1.edf').map((a) => a.description)).toEqual(['café']);
  });

  it('reads both annotation signals; the first one keeps the time', () => {
    const bytes = hypnogramLike([[tal('+0', null, ['']) + tal('+1', null, ['a']), tal('+2', null, ['b'])]], 2);
    const reading = readEdfAnnotations(bytes, 'two.edf');
    expect(reading.annotations.map((a) => [a.onset, a.description])).toEqual([[1, 'a'], [2, 'b']]);
    expect(Array.from(reading.recordStarts)).toEqual([0]);
  });

  it('an annotation-only file (record duration 0) has annotations but no channels to read', () => {
    const bytes = hypnogramLike([[tal('+0', null, ['']) + tal('+0', '30630', ['Sleep stage W'])]]);
    const stageW = { onset: 0, duration: 30630, description: 'Sleep stage W', hasDuration: true };
    expect(readAnnotations(bytes, 'hyp.edf')).toEqual([stageW]);
    const recording = readEdf(bytes, 'hyp.edf', { channels: [] });
    expect([recording.channels, recording.annotations]).toEqual([[], [stageW]]);
    const error = catchEdfError(() => readEdf(bytes, 'hyp.edf'));
    expect([error.file, error.field]).toEqual(['hyp.edf', 'channels']);
  });

  it('refuses a record without its time-keeping TAL, naming record and signal', () => {
    const error = catchEdfError(() => readAnnotations(hypnogramLike([[tal('+1', null, ['no keeper'])]]), 'nokeeper.edf'));
    expect([error.file, error.field]).toEqual(['nokeeper.edf', 'annotations']);
    expect(error.message).toContain('record 0, signal 0');
  });
});

describe('header oddities', () => {
  const plain = (extra: Partial<Parameters<typeof buildEdf>[0]> = {}) =>
    buildEdf({
      recordDuration: '1',
      signals: [{ label: 'A', samplesPerRecord: 2 }, { label: 'B', samplesPerRecord: 2 }],
      records: [0, 1, 2].map(() => [samples(2, () => 0), samples(2, () => 0)]),
      ...extra,
    });

  it('counts whole records when the header says -1, ignoring a stray trailing byte', () => {
    const h = parseEdfHeader(plain({ numRecordsField: '-1', trailing: new Uint8Array([7]) }), 'minus1.edf');
    expect([h.numRecords, h.numRecordsWritten]).toEqual([3, -1]);
  });

  it('refuses an ambiguous channel when two signals share a label', () => {
    const bytes = buildEdf({
      recordDuration: '1',
      signals: [{ label: 'EEG', samplesPerRecord: 1 }, { label: 'EEG', samplesPerRecord: 1 }],
      records: [[samples(1, () => 0), samples(1, () => 0)]],
    });
    const error = catchEdfError(() => readEdf(bytes, 'dup.edf', { channels: ['EEG'] }));
    expect([error.file, error.field]).toEqual(['dup.edf', 'channels']);
    expect(error.message).toContain('2 signals are labelled "EEG"');
  });

  it('refuses a BDF file, saying BDF is not supported', () => {
    const bytes = plain();
    bytes.set([0xff, ...Array.from('BIOSEMI', (c) => c.charCodeAt(0))], 0);
    const error = catchEdfError(() => parseEdfHeader(bytes, 'x.bdf'));
    expect([error.file, error.field]).toEqual(['x.bdf', 'version']);
    expect(error.message).toMatch(/BDF.*not supported/);
  });
});
