/**
 * windows.bin: a training run's preprocessed data in one file, for another framework to train on
 * exactly the same windows and split.
 *
 *   8 bytes   little-endian uint64 N, the header's length
 *   N bytes   UTF-8 JSON header (padded with spaces to a multiple of 8): format, version, the
 *             run's config and model, class weights, stages, recordings (file, subject, night,
 *             split, first window, windows) and `arrays`, each {dtype, shape, offset} with the
 *             offset in bytes from the end of the header
 *   rest      the arrays, little-endian, row-major, in this order:
 *               x        F32 [windows, channels, samples]  the z-scored windows
 *               y        I32 [windows]                      stage index (header.stages)
 *               subject  I32 [windows]
 *               split    I32 [windows]                      0 train, 1 valid, 2 test
 *
 * Windows are grouped by split (train, valid, test) and within a split in the run's recording
 * order, so the train windows are the run's training set, index for index.
 */
import type { EpochSet } from '../../sleep/epochs/epochs.ts';
import type { TrainConfig } from '../../sleep/train/config.ts';
import { STAGES } from '../../sleep/types.ts';

export const WINDOWS_FORMAT = 'hypnograd-windows';
export const SPLITS = ['train', 'valid', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

export interface WindowsFileRecording {
  file: string;
  subject: number;
  night: number;
  split: SplitName;
  epochs: EpochSet;
}

export interface WindowsFileInput {
  synthetic: boolean;
  source: string;
  note: string;
  config: TrainConfig;
  model: { name: string; options: Record<string, unknown>; parameters: number };
  /** The balanced class weights of the training split (null: unweighted). */
  classWeights: number[] | null;
  sfreq: number;
  recordings: readonly WindowsFileRecording[];
}

export interface ArraySpec {
  dtype: 'F32' | 'I32';
  shape: number[];
  offset: number;
}

export interface WindowsFileHeader {
  format: typeof WINDOWS_FORMAT;
  version: 1;
  synthetic: boolean;
  source: string;
  note: string;
  stages: string[];
  splits: string[];
  config: TrainConfig;
  model: WindowsFileInput['model'];
  classWeights: number[] | null;
  sfreq: number;
  nChannels: number;
  nSamples: number;
  windows: number;
  recordings: { file: string; subject: number; night: number; split: SplitName; start: number; windows: number }[];
  arrays: { x: ArraySpec; y: ArraySpec; subject: ArraySpec; split: ArraySpec };
}

export interface WindowsFile {
  header: WindowsFileHeader;
  x: Float32Array;
  y: Int32Array;
  subject: Int32Array;
  split: Int32Array;
}

export function encodeWindowsFile(input: WindowsFileInput): Uint8Array {
  const recs = [...input.recordings].sort((a, b) => SPLITS.indexOf(a.split) - SPLITS.indexOf(b.split));
  if (recs.length === 0) throw new Error('encodeWindowsFile: no recordings');
  const { nChannels, nSamples } = recs[0].epochs;
  const n = recs.reduce((s, r) => s + r.epochs.nEpochs, 0);
  const win = nChannels * nSamples;
  const recordings: WindowsFileHeader['recordings'] = [];
  let start = 0;
  for (const r of recs) {
    if (r.epochs.nChannels !== nChannels || r.epochs.nSamples !== nSamples) throw new Error(`encodeWindowsFile: ${r.file}: windows are ${r.epochs.nChannels} x ${r.epochs.nSamples}, expected ${nChannels} x ${nSamples}`);
    recordings.push({ file: r.file, subject: r.subject, night: r.night, split: r.split, start, windows: r.epochs.nEpochs });
    start += r.epochs.nEpochs;
  }
  const xBytes = n * win * 4;
  const arrays = {
    x: { dtype: 'F32', shape: [n, nChannels, nSamples], offset: 0 },
    y: { dtype: 'I32', shape: [n], offset: xBytes },
    subject: { dtype: 'I32', shape: [n], offset: xBytes + 4 * n },
    split: { dtype: 'I32', shape: [n], offset: xBytes + 8 * n },
  } satisfies WindowsFileHeader['arrays'];
  const header: WindowsFileHeader = {
    format: WINDOWS_FORMAT,
    version: 1,
    synthetic: input.synthetic,
    source: input.source,
    note: input.note,
    stages: [...STAGES],
    splits: [...SPLITS],
    config: input.config,
    model: input.model,
    classWeights: input.classWeights,
    sfreq: input.sfreq,
    nChannels,
    nSamples,
    windows: n,
    recordings,
    arrays,
  };
  let json = JSON.stringify(header);
  const raw = new TextEncoder().encode(json);
  json += ' '.repeat(Math.ceil(raw.length / 8) * 8 - raw.length);
  const headerBytes = new TextEncoder().encode(json);
  const dataStart = 8 + headerBytes.length;
  const out = new Uint8Array(dataStart + xBytes + 12 * n);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 0;
  for (const r of recs) {
    const split = SPLITS.indexOf(r.split);
    const data = r.epochs.data;
    for (let i = 0; i < data.length; i++) view.setFloat32(dataStart + (at * win + i) * 4, data[i], true);
    for (let w = 0; w < r.epochs.nEpochs; w++, at++) {
      view.setInt32(dataStart + arrays.y.offset + 4 * at, r.epochs.labels[w], true);
      view.setInt32(dataStart + arrays.subject.offset + 4 * at, r.subject, true);
      view.setInt32(dataStart + arrays.split.offset + 4 * at, split, true);
    }
  }
  return out;
}

/** Reads a windows.bin; `file` names it in every error. */
export function decodeWindowsFile(bytes: Uint8Array, file = 'windows file'): WindowsFile {
  const fail = (detail: string): never => {
    throw new Error(`${file}: ${detail}`);
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short for the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > bytes.length - 8) fail(`header length ${headerLen} exceeds the file (${bytes.length} bytes)`);
  let header: WindowsFileHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen))) as WindowsFileHeader;
  } catch (e) {
    return fail(`header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (header.format !== WINDOWS_FORMAT) fail(`format: '${String(header.format)}' is not '${WINDOWS_FORMAT}'`);
  if (header.version !== 1) fail(`version: ${String(header.version)} is not 1`);
  const dataStart = 8 + headerLen;
  const read = <T extends Float32Array | Int32Array>(name: keyof WindowsFileHeader['arrays'], make: (n: number) => T): T => {
    const spec = header.arrays?.[name];
    if (!spec) return fail(`arrays.${name}: missing`);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const begin = dataStart + spec.offset;
    if (begin + 4 * count > bytes.length) fail(`arrays.${name}: ${spec.dtype} [${spec.shape}] at offset ${spec.offset} runs past the end of the file`);
    const out = make(count);
    for (let i = 0; i < count; i++) out[i] = spec.dtype === 'F32' ? view.getFloat32(begin + 4 * i, true) : view.getInt32(begin + 4 * i, true);
    return out;
  };
  return {
    header,
    x: read('x', (n) => new Float32Array(n)),
    y: read('y', (n) => new Int32Array(n)),
    subject: read('subject', (n) => new Int32Array(n)),
    split: read('split', (n) => new Int32Array(n)),
  };
}
