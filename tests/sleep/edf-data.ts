/** Data locations (the repository's Sleep-EDF copy) and byte helpers for the EDF reader tests. */
import { readFileSync } from 'node:fs';
import { EdfError } from '../../sleep/edf/index.ts';
import { sleepEdfPath } from '../helpers/data.ts';

export const SLEEP_EDF_DIR = sleepEdfPath('edf/');
export const LABELS_DIR = sleepEdfPath('labels/');
export const HYPNOGRAM_FILE = 'SC4001EC-Hypnogram.edf';
export const SHORT_PSG_FILE = 'short_psg.edf';

/** A fresh copy, so a test may mutate it. */
export function readShared(dir: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(dir + file));
}

/** Overwrites a header field with text padded by spaces to its width (as a writer would). */
export function setField(bytes: Uint8Array, offset: number, width: number, text: string): Uint8Array {
  if (text.length > width) throw new Error(`"${text}" is wider than ${width}`);
  const padded = text.padEnd(width, ' ');
  for (let i = 0; i < width; i++) bytes[offset + i] = padded.charCodeAt(i);
  return bytes;
}

/** Byte offsets of the fixed header fields. */
export const FIELD = {
  version: [0, 8],
  startDate: [168, 8],
  startTime: [176, 8],
  headerBytes: [184, 8],
  reserved: [192, 44],
  numRecords: [236, 8],
  recordDuration: [244, 8],
  numSignals: [252, 4],
} as const satisfies Record<string, readonly [number, number]>;

/** Offset of signal i's field in a header with ns signals (EDF lays them out field by field). */
export function signalField(ns: number, i: number, field: 'label' | 'physicalMin' | 'physicalMax' | 'digitalMin' | 'digitalMax' | 'samplesPerRecord'): [number, number] {
  const widths = { label: 16, transducer: 80, physicalDimension: 8, physicalMin: 8, physicalMax: 8, digitalMin: 8, digitalMax: 8, prefiltering: 80, samplesPerRecord: 8 };
  let offset = 256;
  for (const [name, width] of Object.entries(widths)) {
    if (name === field) return [offset + i * width, width];
    offset += ns * width;
  }
  throw new Error(field);
}

/** Runs a reader expected to refuse its input; returns the EdfError (any other throw propagates). */
export function catchEdfError(run: () => unknown): EdfError {
  try {
    run();
  } catch (error) {
    if (error instanceof EdfError) return error;
    throw error;
  }
  throw new Error('expected an EdfError, but nothing was thrown');
}
