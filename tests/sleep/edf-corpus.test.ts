/**
 * Every file of the real-world corpus against the corpus's own independent decode in
 * expected.json: header as written, per-signal rates, the first ordinary signal, and the spec
 * reading of the annotations (negative onsets, multi-line and Latin-1 texts, EDF+D gaps kept,
 * which MNE drops). The BDF file must be refused clearly.
 *
 * The corpus has third-party licenses, so it is not in the repository: the suite reads the folder
 * named by HYPNOGRAD_EDF_CORPUS (`.ci/run` sets it where the corpus exists). Without it, the
 * files listed in tests/fixtures/edf-corpus-manifest.json are reported as not run, by name.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseEdfHeader,
  readDigitalSamples,
  readEdf,
  readEdfAnnotations,
  readPhysicalSamples,
} from '../../sleep/edf/index.ts';
import { CORPUS_ENV, edfCorpusDir } from '../helpers/data.ts';
import { catchEdfError, readShared } from './edf-data.ts';

interface ExpectedHeader {
  version: string;
  patient: string;
  recording: string;
  startdate: string;
  starttime: string;
  header_bytes: string;
  reserved: string;
  n_records: string;
  record_duration: string;
  n_signals: string;
  labels: string[];
  physical_dimension: string[];
  physical_min: string[];
  physical_max: string[];
  digital_min: string[];
  digital_max: string[];
  samples_per_record: string[];
  whole_records_in_file: number;
  trailing_bytes: number;
  annotation_signals: number[];
  sfreq_per_signal: (number | null)[];
}
interface ExpectedFile {
  file: string;
  size: number;
  header: ExpectedHeader;
  native_first_signal: { index: number; label: string; unit?: string; n_samples: number; mean_digital?: number; mean: number | null } | null;
  spec_annotations: {
    n: number;
    first: [number, number | null, string][];
    negative_onsets: number;
    with_duration: number;
    texts_with_newline: number;
    first_record_start: number;
    n_record_starts: number;
    n_gaps: number;
    first_gaps: [number, number][];
  } | null;
  mne: { reads: boolean; meas_date?: string | null };
}

interface Manifest {
  files: { file: string; size: number; sha256: string }[];
}

const manifest = JSON.parse(readFileSync(new URL('../fixtures/edf-corpus-manifest.json', import.meta.url), 'utf8')) as Manifest;
const corpusDir = edfCorpusDir();
const CORPUS_DIR = corpusDir ?? '';
const expected: { files: ExpectedFile[] } = corpusDir ? JSON.parse(readFileSync(`${corpusDir}expected.json`, 'utf8')) : { files: [] };
const edfFiles = expected.files.filter((f) => f.header.version === '0       ');
const bdfFiles = expected.files.filter((f) => f.header.version !== '0       ');

if (!corpusDir) {
  const names = manifest.files.map((f) => f.file);
  console.log(
    `EDF corpus: ${names.length} third-party files not run (${names.join(', ')}). They are not in the repository ` +
      `(their licenses differ). To run them: ${CORPUS_ENV}=/path/to/edf-corpus npm test`,
  );
}

describe.skipIf(!corpusDir)('EDF corpus', () => {
  it('is the corpus the manifest lists: 27 EDF files and 1 BDF file, byte for byte', () => {
    expect([edfFiles.length, bdfFiles.length]).toEqual([27, 1]);
    expect(expected.files.map((f) => f.file).sort()).toEqual(manifest.files.map((f) => f.file));
    for (const f of manifest.files) {
      const bytes = readFileSync(CORPUS_DIR + f.file);
      expect([f.file, bytes.length, createHash('sha256').update(bytes).digest('hex')]).toEqual([f.file, f.size, f.sha256]);
    }
  });

  describe.each(edfFiles)('$file', (entry) => {
    const bytes = readShared(CORPUS_DIR, entry.file);
    const x = entry.header;

    it('header fields as written', () => {
      expect(bytes.length).toBe(entry.size);
      const h = parseEdfHeader(bytes, entry.file);
      expect([h.version, h.patientId, h.recordingId, h.startDate, h.startTime, h.reserved]).toEqual([
        x.version, x.patient, x.recording, x.startdate, x.starttime, x.reserved,
      ]);
      expect([h.headerBytes, h.recordDuration, h.numSignals]).toEqual([Number(x.header_bytes), Number(x.record_duration), Number(x.n_signals)]);
      expect(h.numRecords).toBe(x.whole_records_in_file);
      expect(h.numRecordsWritten ?? h.numRecords).toBe(Number(x.n_records));
      expect(h.variant).toBe(x.reserved.startsWith('EDF+C') ? 'EDF+C' : x.reserved.startsWith('EDF+D') ? 'EDF+D' : '');
      expect(h.signals.map((s) => s.label)).toEqual(x.labels);
      expect(h.signals.map((s) => s.physicalDimension)).toEqual(x.physical_dimension);
      expect(h.signals.map((s) => s.physicalMin)).toEqual(x.physical_min.map(Number));
      expect(h.signals.map((s) => s.physicalMax)).toEqual(x.physical_max.map(Number));
      expect(h.signals.map((s) => s.digitalMin)).toEqual(x.digital_min.map(Number));
      expect(h.signals.map((s) => s.digitalMax)).toEqual(x.digital_max.map(Number));
      expect(h.signals.map((s) => s.samplesPerRecord)).toEqual(x.samples_per_record.map(Number));
      expect(h.signals.map((s) => s.sampleRate)).toEqual(x.sfreq_per_signal.map((r) => r ?? NaN));
      expect(h.signals.flatMap((s, i) => (s.isAnnotation ? [i] : []))).toEqual(x.annotation_signals);
      // MNE's meas_date where it has one; it gives None for digits that form no date ("42.00.00").
      if (entry.mne.reads && entry.mne.meas_date) expect(h.start.toISOString()).toBe(new Date(entry.mne.meas_date).toISOString());
      if (entry.mne.reads && entry.mne.meas_date === null) expect(Number.isNaN(h.start.getTime())).toBe(true);
    });

    it('first ordinary signal (first 1000 samples) as the independent decode', () => {
      const h = parseEdfHeader(bytes, entry.file);
      const ref = entry.native_first_signal;
      const index = h.signals.findIndex((s) => !s.isAnnotation);
      if (ref === null) {
        expect(index).toBe(-1);
        return;
      }
      expect([index, h.signals[index].label]).toEqual([ref.index, ref.label]);
      const digital = readDigitalSamples(bytes, h, index, entry.file);
      const physical = readPhysicalSamples(bytes, h, index, entry.file);
      const n = Math.min(1000, physical.length);
      expect(n).toBe(ref.n_samples);
      if (n === 0) {
        expect(ref.mean).toBeNull();
        return;
      }
      let digitalSum = 0;
      let physicalSum = 0;
      for (let i = 0; i < n; i++) {
        digitalSum += digital[i];
        physicalSum += physical[i];
      }
      expect(digitalSum / n).toBeCloseTo(ref.mean_digital ?? NaN, 9);
      // float32 output: relative rounding 6e-8 of the largest physical value.
      const scale = Math.max(Math.abs(h.signals[index].physicalMin), Math.abs(h.signals[index].physicalMax));
      expect(Math.abs(physicalSum / n - (ref.mean ?? NaN))).toBeLessThan(1e-6 * scale);
    });

    it('annotations and record timing as the spec reading', () => {
      const reading = readEdfAnnotations(bytes, entry.file);
      const ref = entry.spec_annotations;
      if (ref === null) {
        expect(x.annotation_signals).toEqual([]);
        expect(reading.annotations).toEqual([]);
        expect(reading.gaps).toEqual([]);
        return;
      }
      const a = reading.annotations;
      expect(a.length).toBe(ref.n);
      expect(a.slice(0, ref.first.length).map((e) => [e.onset, e.hasDuration ? e.duration : null, e.description])).toEqual(ref.first);
      expect(a.filter((e) => e.onset < 0).length).toBe(ref.negative_onsets);
      expect(a.filter((e) => e.hasDuration).length).toBe(ref.with_duration);
      expect(a.filter((e) => /[\r\n]/.test(e.description)).length).toBe(ref.texts_with_newline);
      expect(reading.recordStarts.length).toBe(ref.n_record_starts);
      expect(reading.recordStarts[0]).toBe(ref.first_record_start);
      expect(reading.gaps.length).toBe(ref.n_gaps);
      expect(reading.gaps.slice(0, ref.first_gaps.length).map((g) => [reading.recordStarts[g.afterRecord], g.end])).toEqual(ref.first_gaps);
      for (const g of reading.gaps) expect(g.start).toBe(reading.recordStarts[g.afterRecord] + reading.header.recordDuration);
    });

    it('readEdf keeps the first signal or refuses with a clear EdfError', () => {
      const h = parseEdfHeader(bytes, entry.file);
      const index = h.signals.findIndex((s) => !s.isAnnotation);
      if (index < 0) return;
      const label = h.signals[index].label;
      const read = () => readEdf(bytes, entry.file, { channels: [label] });
      const duplicates = h.signals.filter((s) => s.label === label).length;
      const refusal = h.numRecords === 0 ? 'numRecords' : duplicates > 1 ? 'channels' : !(h.recordDuration > 0) ? 'recordDuration' : null;
      if (refusal !== null) {
        const error = catchEdfError(read);
        expect([error.file, error.field]).toEqual([entry.file, refusal]);
        expect(error.message).toContain(entry.file);
        return;
      }
      const recording = read();
      expect(recording.channels).toHaveLength(1);
      expect(recording.channels[0].data).toEqual(readPhysicalSamples(bytes, h, index, entry.file));
      expect(recording.channels[0].sampleRate).toBe(h.signals[index].sampleRate);
      expect(recording.annotations).toEqual(readEdfAnnotations(bytes, entry.file).annotations);
      expect(recording.recordStarts?.length).toBe(h.numRecords);
    });
  });

  it.each(bdfFiles)('refuses the BDF file $file, saying BDF is not supported', (entry) => {
    const bytes = readShared(CORPUS_DIR, entry.file);
    for (const read of [() => parseEdfHeader(bytes, entry.file), () => readEdf(bytes, entry.file), () => readEdfAnnotations(bytes, entry.file)]) {
      const error = catchEdfError(read);
      expect([error.file, error.field]).toEqual([entry.file, 'version']);
      expect(error.message).toMatch(/BDF.*not supported/);
    }
  });
});
