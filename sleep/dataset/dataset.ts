/**
 * Shuffled mini-batches over the windows of several recordings, streamed from the host
 * EpochSets: a batch is a fresh copy of just its windows, [batch][channel][sample] float32.
 * Shuffling draws one permutation per pass from the Generator given (torch DataLoader with
 * shuffle=True and a seeded generator), so the same seed gives the same batches.
 */
import { Generator } from '../../engine/index.ts';
import type { EpochSet } from '../epochs/epochs.ts';

export interface Batch {
  x: Float32Array;
  y: Int32Array;
  /** Windows in this batch (the last batch may be smaller unless dropLast). */
  size: number;
  nChannels: number;
  nSamples: number;
}

export interface WindowDatasetOptions {
  batchSize?: number;
  shuffle?: boolean;
  dropLast?: boolean;
}

export class WindowDataset {
  readonly length: number;
  readonly nChannels: number;
  readonly nSamples: number;
  readonly batchSize: number;
  private readonly offsets: Int32Array;

  constructor(
    readonly sets: readonly EpochSet[],
    private readonly generator: Generator,
    private readonly options: WindowDatasetOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 128;
    if (!(this.batchSize >= 1)) throw new Error(`WindowDataset: batchSize must be >= 1, got ${this.batchSize}`);
    this.nChannels = sets[0]?.nChannels ?? 0;
    this.nSamples = sets[0]?.nSamples ?? 0;
    this.offsets = new Int32Array(sets.length + 1);
    sets.forEach((s, i) => {
      if (s.nChannels !== this.nChannels || s.nSamples !== this.nSamples) {
        throw new Error(`WindowDataset: recording ${i} has ${s.nChannels} x ${s.nSamples} windows, expected ${this.nChannels} x ${this.nSamples}`);
      }
      this.offsets[i + 1] = this.offsets[i] + s.nEpochs;
    });
    this.length = this.offsets[sets.length];
  }

  /** Batches per pass. */
  get numBatches(): number {
    return this.options.dropLast ? Math.floor(this.length / this.batchSize) : Math.ceil(this.length / this.batchSize);
  }

  /** Recording and window of a global index. */
  locate(index: number): [set: number, window: number] {
    let lo = 0;
    let hi = this.sets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return [lo, index - this.offsets[lo]];
  }

  label(index: number): number {
    const [s, w] = this.locate(index);
    return this.sets[s].labels[w];
  }

  /** Copies the given windows into one batch. */
  gather(indices: ArrayLike<number>): Batch {
    const size = indices.length;
    const win = this.nChannels * this.nSamples;
    const x = new Float32Array(size * win);
    const y = new Int32Array(size);
    for (let b = 0; b < size; b++) {
      const [s, w] = this.locate(indices[b]);
      const set = this.sets[s];
      x.set(set.data.subarray(w * win, (w + 1) * win), b * win);
      y[b] = set.labels[w];
    }
    return { x, y, size, nChannels: this.nChannels, nSamples: this.nSamples };
  }

  /** One pass over the data (a training epoch): a new permutation when shuffling. */
  *batches(): IterableIterator<Batch> {
    const order = this.options.shuffle === false ? Int32Array.from({ length: this.length }, (_, i) => i) : this.generator.randperm(this.length);
    const n = this.numBatches;
    for (let b = 0; b < n; b++) {
      yield this.gather(order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, this.length)));
    }
  }
}
