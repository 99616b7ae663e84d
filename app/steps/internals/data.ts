/** Picking windows out of the epochs for the internals view. */
import type { EpochsState, RecordingEpochs, SplitState } from '../../state/types.ts';

export interface WindowRef {
  recording: RecordingEpochs;
  /** Window index in its recording. */
  index: number;
  label: number;
}

export interface Batch {
  x: Float32Array;
  y: Int32Array;
  n: number;
  nChannels: number;
  nSamples: number;
}

/** Every window of the given split ('train', 'valid', 'test'), recordings in split order. */
export function splitWindows(epochs: EpochsState, split: SplitState, which: 'train' | 'valid' | 'test'): WindowRef[] {
  const idx = split.split?.[which] ?? [];
  return idx.flatMap((r) => {
    const rec = epochs.recordings[r];
    return Array.from(rec.labels, (label, index) => ({ recording: rec, index, label }));
  });
}

/** `n` training windows spread evenly over the training set (deterministic). */
export function trainBatch(epochs: EpochsState, split: SplitState, n: number, offset = 0): Batch {
  const all = splitWindows(epochs, split, 'train');
  if (all.length === 0) throw new Error('there are no training windows (steps 1-5)');
  const take = Math.min(n, all.length);
  const { nChannels, nSamples } = all[0].recording;
  const size = nChannels * nSamples;
  const x = new Float32Array(take * size);
  const y = new Int32Array(take);
  for (let i = 0; i < take; i++) {
    const w = all[(Math.floor((i * all.length) / take) + offset) % all.length];
    x.set(w.recording.data.subarray(w.index * size, (w.index + 1) * size), i * size);
    y[i] = w.label;
  }
  return { x, y, n: take, nChannels, nSamples };
}

export function windowValues(w: WindowRef): Float32Array {
  const size = w.recording.nChannels * w.recording.nSamples;
  return w.recording.data.subarray(w.index * size, (w.index + 1) * size);
}
