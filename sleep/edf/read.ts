/**
 * Reading one PSG night: the picked channels in physical units, plus annotations and record
 * timing.
 *
 * Memory: one Sleep-EDF night (SC4001E0-PSG.edf: 2650 records of 18,240 bytes, 48.3 MB) with
 * the two EEG channels picked peaks at the file bytes plus two Float32Arrays:
 * 48.3 MB + 2 x 7.95 M samples x 4 B = 48.3 + 63.6 = about 112 MB (the longest cassette nights,
 * 2880 epochs, 8.64 M samples: 52.5 + 69.1 = about 122 MB). Measured: array buffers go from
 * 48.5 MB to 112.2 MB while reading SC4001's size. Nothing else scales with the night: the other
 * 5 signals are never decoded. Once the caller drops the file bytes, a night costs only its
 * two channels (64-69 MB); 30 full nights would be ~2 GB, so a 30-night pipeline should reduce
 * each night (crop wake, cut epochs) before reading the next: the batch readers' `keep` option
 * does exactly that.
 */
import type { Channel, EdfHeader, Recording } from '../types.ts';
import { readEdfAnnotations } from './annotations.ts';
import { EdfError } from './errors.ts';
import { asBytes, parseEdfHeader } from './header.ts';
import { readPhysicalSamples } from './samples.ts';

/** The tutorial's two EEG derivations, picked when no channels are asked for. */
export const DEFAULT_EEG_CHANNELS: readonly string[] = ['EEG Fpz-Cz', 'EEG Pz-Oz'];

export interface ReadEdfOptions {
  /** Signal labels to keep, in this order (exact match, trailing spaces ignored). */
  channels?: readonly string[];
}

/**
 * Index of each requested label among the ordinary signals. Throws EdfError (field `channels`)
 * when a label is missing (listing the labels the file has), names an annotation signal, or is
 * ambiguous because two signals share it.
 */
export function pickSignals(header: EdfHeader, labels: readonly string[], file: string): number[] {
  const available = () => header.signals.filter((s) => !s.isAnnotation).map((s) => JSON.stringify(s.label)).join(', ');
  return labels.map((wanted) => {
    const label = wanted.trimEnd();
    const matches = header.signals.flatMap((s, i) => (s.label === label ? [i] : []));
    if (matches.length === 0) {
      throw new EdfError(file, 'channels', `no signal labelled ${JSON.stringify(label)}; available: ${available()}`);
    }
    if (matches.length > 1) {
      throw new EdfError(file, 'channels', `${matches.length} signals are labelled ${JSON.stringify(label)} (signals ${matches.join(', ')}); cannot tell which is meant`);
    }
    if (header.signals[matches[0]].isAnnotation) {
      throw new EdfError(file, 'channels', `${JSON.stringify(label)} is an annotation signal, not a channel of samples`);
    }
    return matches[0];
  });
}

/** Refuses a header whose file holds no samples to read (numRecords -1 with no data). */
export function requireRecords(header: EdfHeader, file: string): void {
  if (header.numRecords === 0) {
    throw new EdfError(file, 'numRecords', `the file holds no data records (header says ${header.numRecordsWritten ?? header.numRecords})`);
  }
}

/**
 * Decodes the picked channels of an EDF/EDF+ file (default: DEFAULT_EEG_CHANNELS) in physical
 * units as Float32Array, with the file's annotations and per-record start times (gaps of EDF+D
 * kept as gaps, see Recording.recordStarts). Throws EdfError for any malformed header or data,
 * a file without data records, a missing/ambiguous channel, or channels whose sampling rate is
 * undefined (record duration 0).
 */
export function readEdf(input: ArrayBuffer | Uint8Array, file: string, opts: ReadEdfOptions = {}): Recording {
  const bytes = asBytes(input);
  const header = parseEdfHeader(bytes, file);
  requireRecords(header, file);
  const picked = pickSignals(header, opts.channels ?? DEFAULT_EEG_CHANNELS, file);
  if (picked.length > 0 && !(header.recordDuration > 0)) {
    throw new EdfError(file, 'recordDuration', 'is 0, so the channels have no sampling rate (a file of annotations only?)');
  }
  // Annotations first: a malformed annotation signal fails before the big allocations.
  const timing = readEdfAnnotations(bytes, file, header);
  const channels: Channel[] = picked.map((index) => {
    const s = header.signals[index];
    return { label: s.label, unit: s.physicalDimension, sampleRate: s.sampleRate, data: readPhysicalSamples(bytes, header, index, file) };
  });
  return { file, header, channels, annotations: timing.annotations, recordStarts: timing.recordStarts, gaps: timing.gaps };
}
