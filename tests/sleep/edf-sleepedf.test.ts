/**
 * The reader on real Sleep-EDF bytes: the SC4001 hypnogram against its README and MNE, the
 * 5-minute PSG excerpt against its README and MNE (tests/fixtures/scripts/make_edf_fixtures.py),
 * and the PSG+hypnogram pairing rule.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  parseEdfHeader,
  readAnnotations,
  readDigitalSamples,
  readEdf,
  readPsgWithHypnogram,
  DEFAULT_EEG_CHANNELS,
} from '../../sleep/edf/index.ts';
import type { Recording } from '../../sleep/types.ts';
import { FIELD, HYPNOGRAM_FILE, LABELS_DIR, SHORT_PSG_FILE, SLEEP_EDF_DIR, catchEdfError, readShared, setField } from './edf-data.ts';

interface MneChannel {
  n_samples: number;
  first_samples: number[];
  strided_samples: number[];
  sum: number;
  mean: number;
  sum_of_squares: number;
  min: number;
  max: number;
}
interface MnePsg {
  sfreq: number;
  ch_names: string[];
  meas_date: string;
  n_times: number;
  first: number;
  stride: number;
  channels: Record<string, MneChannel>;
}
interface MneHypnogram {
  onset: number[];
  duration: number[];
  description: string[];
}
const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../fixtures/edf/${name}`, import.meta.url), 'utf8')) as T;

const STAGE_CODE: Record<string, string> = {
  'Sleep stage W': 'W', 'Sleep stage 1': '1', 'Sleep stage 2': '2', 'Sleep stage 3': '3',
  'Sleep stage 4': '4', 'Sleep stage R': 'R', 'Sleep stage ?': '?', 'Movement time': '?',
};

describe('SC4001EC-Hypnogram.edf', () => {
  const annotations = readAnnotations(readShared(SLEEP_EDF_DIR, HYPNOGRAM_FILE), HYPNOGRAM_FILE);

  it('has the 154 annotations, first and last as the README lists them', () => {
    expect(annotations).toHaveLength(154);
    const brief = (i: number) => [annotations[i].onset, annotations[i].duration, annotations[i].description];
    expect([0, 1, 2, 3].map(brief)).toEqual([
      [0, 30630, 'Sleep stage W'],
      [30630, 120, 'Sleep stage 1'],
      [30750, 390, 'Sleep stage 2'],
      [31140, 30, 'Sleep stage 3'],
    ]);
    expect([152, 153].map(brief)).toEqual([
      [52260, 27240, 'Sleep stage W'],
      [79500, 6900, 'Sleep stage ?'],
    ]);
    expect(annotations.every((a) => a.hasDuration)).toBe(true);
  });

  it('gives the README stage totals in 30-s epochs', () => {
    const totals: Record<string, number> = {};
    for (const a of annotations) {
      expect(a.duration % 30).toBe(0);
      totals[a.description] = (totals[a.description] ?? 0) + a.duration / 30;
    }
    expect(totals).toEqual({
      'Sleep stage W': 1997, 'Sleep stage 1': 58, 'Sleep stage 2': 250, 'Sleep stage 3': 101,
      'Sleep stage 4': 119, 'Sleep stage R': 125, 'Sleep stage ?': 230,
    });
  });

  it('equals MNE read_annotations, entry by entry', () => {
    const mne = fixture<MneHypnogram>('sc4001_hypnogram_mne.json');
    expect(annotations.map((a) => a.onset)).toEqual(mne.onset);
    expect(annotations.map((a) => a.duration)).toEqual(mne.duration);
    expect(annotations.map((a) => a.description)).toEqual(mne.description);
  });

  it('expands to the expert scoring string shipped under labels/', () => {
    const expected = readFileSync(`${LABELS_DIR}SC4001E0-PSG.stages.txt`, 'latin1').trim();
    let expanded = '';
    for (const a of annotations) expanded += STAGE_CODE[a.description].repeat(a.duration / 30);
    // The labels cover the PSG (2650 epochs); the hypnogram's final "?" runs 230 epochs beyond it.
    expect(expanded.slice(0, expected.length)).toBe(expected);
    expect(expanded.length - expected.length).toBe(230);
  });
});

describe('short_psg.edf', () => {
  const bytes = readShared(SLEEP_EDF_DIR, SHORT_PSG_FILE);
  const mne = fixture<MnePsg>('short_psg_mne.json');

  it('has every header field the README lists', () => {
    const h = parseEdfHeader(bytes, SHORT_PSG_FILE);
    expect([h.version, h.startDate, h.startTime, h.headerBytes, h.numRecords, h.recordDuration, h.numSignals, h.variant]).toEqual([
      '0       ', '24.04.89', '16.13.00', 2048, 10, 30, 7, '',
    ]);
    expect(h.start.toISOString()).toBe('1989-04-24T16:13:00.000Z');
    expect(h.start.toISOString()).toBe(new Date(mne.meas_date).toISOString());
    expect(h.numRecordsWritten).toBeUndefined();
    expect(h.signals.map((s) => s.label)).toEqual(mne.ch_names);
    expect(h.signals.map((s) => s.label)).toEqual([
      'EEG Fpz-Cz', 'EEG Pz-Oz', 'EOG horizontal', 'Resp oro-nasal', 'EMG submental', 'Temp rectal', 'Event marker',
    ]);
    expect(h.signals.map((s) => s.sampleRate)).toEqual([100, 100, 100, 1, 1, 1, 1]);
    expect(h.signals.map((s) => s.samplesPerRecord)).toEqual([3000, 3000, 3000, 30, 30, 30, 30]);
    for (const s of h.signals.slice(0, 3)) expect([s.digitalMin, s.digitalMax, s.physicalDimension]).toEqual([-2048, 2047, 'uV']);
    expect([h.signals[0].physicalMin, h.signals[0].physicalMax]).toEqual([-192, 192]);
    expect([h.signals[1].physicalMin, h.signals[1].physicalMax]).toEqual([-197, 196]);
    expect(h.signals.some((s) => s.isAnnotation)).toBe(false);
    // Header (2048) + 10 records x (3 x 3000 + 4 x 30 samples) x 2 bytes = the README's file size.
    expect(2048 + 10 * (3 * 3000 + 4 * 30) * 2).toBe(bytes.length);
  });

  it('decodes both EEG channels to MNE values within 1e-4 uV', () => {
    const recording = readEdf(bytes, SHORT_PSG_FILE);
    expect(recording.channels.map((c) => c.label)).toEqual([...DEFAULT_EEG_CHANNELS]);
    for (const channel of recording.channels) {
      const ref = mne.channels[channel.label];
      expect(channel.data).toBeInstanceOf(Float32Array);
      expect([channel.unit, channel.sampleRate, channel.data.length]).toEqual(['uV', mne.sfreq, ref.n_samples]);
      const first = Array.from(channel.data.subarray(0, mne.first));
      first.forEach((v, i) => expect(Math.abs(v - ref.first_samples[i])).toBeLessThan(1e-4));
      ref.strided_samples.forEach((v, k) => expect(Math.abs(channel.data[k * mne.stride] - v)).toBeLessThan(1e-4));
      let sum = 0;
      let squares = 0;
      let min = Infinity;
      let max = -Infinity;
      for (const v of channel.data) {
        sum += v;
        squares += v * v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      expect(Math.abs(sum - ref.sum)).toBeLessThan(1e-4 * ref.n_samples ** 0.5);
      expect(Math.abs(sum / channel.data.length - ref.mean)).toBeLessThan(1e-6);
      expect(Math.abs(squares - ref.sum_of_squares) / ref.sum_of_squares).toBeLessThan(1e-6);
      expect(Math.abs(min - ref.min)).toBeLessThan(1e-4);
      expect(Math.abs(max - ref.max)).toBeLessThan(1e-4);
    }
    expect(recording.annotations).toEqual([]);
    expect(Array.from(recording.recordStarts ?? [])).toEqual([0, 30, 60, 90, 120, 150, 180, 210, 240, 270]);
    expect(recording.gaps).toEqual([]);
  });

  it('reads the same from bytes at an odd address (Node Buffer slices) as from aligned bytes', () => {
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    expect(shifted.byteOffset % 2).toBe(1);
    const aligned = readEdf(bytes, SHORT_PSG_FILE, { channels: ['EEG Fpz-Cz', 'Event marker'] });
    const odd = readEdf(shifted, SHORT_PSG_FILE, { channels: ['EEG Fpz-Cz', 'Event marker'] });
    expect(odd.channels).toEqual(aligned.channels);
    expect(Math.abs(odd.channels[0].data[0] - mne.channels['EEG Fpz-Cz'].first_samples[0])).toBeLessThan(1e-4);
  });

  it('agrees sample for sample with edfdecoder (a second independent reader)', () => {
    const require = createRequire(import.meta.url);
    const { EdfDecoder } = require('edfdecoder') as {
      EdfDecoder: new () => {
        setInput(buffer: ArrayBuffer): void;
        decode(): void;
        getOutput(): { getPhysicalSignalConcatRecords(index: number): Float32Array; getRawSignal(index: number, record: number): Int16Array };
      };
    };
    const decoder = new EdfDecoder();
    decoder.setInput(bytes.slice().buffer);
    decoder.decode();
    const output = decoder.getOutput();
    const recording = readEdf(bytes, SHORT_PSG_FILE, { channels: ['EEG Pz-Oz', 'Temp rectal'] });
    const header = parseEdfHeader(bytes, SHORT_PSG_FILE);
    for (const [k, index] of [1, 5].entries()) {
      const theirs = output.getPhysicalSignalConcatRecords(index);
      const ours = recording.channels[k].data;
      expect(ours.length).toBe(theirs.length);
      let worst = 0;
      for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
      expect(worst).toBeLessThan(1e-4);
      expect(Array.from(readDigitalSamples(bytes, header, index, SHORT_PSG_FILE).subarray(0, 30))).toEqual(Array.from(output.getRawSignal(index, 0).subarray(0, 30)));
    }
  });
});

describe('PSG + hypnogram pairs', () => {
  const hypnogram = { file: HYPNOGRAM_FILE, bytes: readShared(SLEEP_EDF_DIR, HYPNOGRAM_FILE) };
  const excerpt = readShared(SLEEP_EDF_DIR, SHORT_PSG_FILE);

  /** A full-length SC4001E0 stand-in: the real header with 2650 records, the excerpt's 10 records repeated. */
  function fullNight(): Uint8Array {
    const records = 2650;
    const header = excerpt.subarray(0, 2048);
    const data = excerpt.subarray(2048);
    const night = new Uint8Array(2048 + (records / 10) * data.length);
    night.set(header);
    setField(night, ...FIELD.numRecords, String(records));
    for (let k = 0; k < records / 10; k++) night.set(data, 2048 + k * data.length);
    return night;
  }

  it('accepts the real SC4001 hypnogram on a 79500-s night (last "?" starts exactly at the PSG end)', () => {
    const night = fullNight();
    expect(night.length).toBe(48_338_048);
    const recording: Recording = readPsgWithHypnogram({ file: 'SC4001E0-PSG.edf', bytes: night }, hypnogram);
    expect(recording.header.numRecords * recording.header.recordDuration).toBe(79500);
    expect(recording.annotations).toHaveLength(154);
    expect(recording.annotations.at(-1)).toMatchObject({ onset: 79500, duration: 6900 });
    const short = readEdf(excerpt, SHORT_PSG_FILE);
    for (const [c, channel] of recording.channels.entries()) {
      expect(channel.data.length).toBe(2650 * 3000);
      for (const i of [0, 12345, 29999]) expect(channel.data[200 * 30000 + i]).toBe(short.channels[c].data[i]);
    }
  });

  it('refuses the hypnogram with a PSG that ends before its annotations start', () => {
    const error = catchEdfError(() => readPsgWithHypnogram({ file: SHORT_PSG_FILE, bytes: excerpt }, hypnogram));
    expect([error.file, error.field]).toEqual([HYPNOGRAM_FILE, 'annotations']);
    expect(error.message).toContain('30630');
    expect(error.message).toContain(SHORT_PSG_FILE);
  });

  it('refuses a hypnogram whose start time differs from the PSG', () => {
    const night = fullNight();
    setField(night, ...FIELD.startTime, '16.14.00');
    const error = catchEdfError(() => readPsgWithHypnogram({ file: 'SC4001E0-PSG.edf', bytes: night }, hypnogram));
    expect([error.file, error.field]).toEqual([HYPNOGRAM_FILE, 'startTime']);
    expect(error.message).toMatch(/16\.13\.00.*16\.14\.00/);
  });
});
