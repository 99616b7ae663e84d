/**
 * Scaling of windows. The tutorial applies sklearn.preprocessing.scale to every window and
 * channel separately (zero mean, unit population standard deviation; a constant channel
 * becomes all zeros, as sklearn leaves a zero std at 1). Both scalers work in place on an
 * EpochSet's one buffer, accumulating in float64.
 */
import type { EpochSet } from './epochs.ts';

/** Per window, per channel: (x - mean) / std (ddof 0). */
export function zscoreWindowsInPlace(set: EpochSet): void {
  const { data, nSamples } = set;
  const nRows = set.nEpochs * set.nChannels;
  for (let r = 0; r < nRows; r++) {
    const row = data.subarray(r * nSamples, (r + 1) * nSamples);
    let mean = 0;
    for (let t = 0; t < nSamples; t++) mean += row[t];
    mean /= nSamples;
    let ss = 0;
    for (let t = 0; t < nSamples; t++) ss += (row[t] - mean) ** 2;
    let std = Math.sqrt(ss / nSamples);
    if (!(std > 0)) std = 1;
    for (let t = 0; t < nSamples; t++) row[t] = (row[t] - mean) / std;
  }
}

/** Per-channel mean and population std over every sample of every window it was fitted on. */
export class ChannelStandardScaler {
  mean: Float64Array = new Float64Array(0);
  std: Float64Array = new Float64Array(0);

  /** Fits on the training recordings only (pass every training EpochSet). */
  fit(sets: readonly EpochSet[]): this {
    if (sets.length === 0) throw new Error('ChannelStandardScaler.fit: no epoch sets');
    const nChannels = sets[0].nChannels;
    const sum = new Float64Array(nChannels);
    const count = new Float64Array(nChannels);
    for (const s of sets) {
      if (s.nChannels !== nChannels) throw new Error(`ChannelStandardScaler.fit: ${s.nChannels} channels, expected ${nChannels}`);
      forEachRow(s, (c, row) => {
        for (let t = 0; t < row.length; t++) sum[c] += row[t];
        count[c] += row.length;
      });
    }
    this.mean = Float64Array.from(sum, (v, c) => v / count[c]);
    const ss = new Float64Array(nChannels);
    for (const s of sets) {
      forEachRow(s, (c, row) => {
        const m = this.mean[c];
        for (let t = 0; t < row.length; t++) ss[c] += (row[t] - m) ** 2;
      });
    }
    this.std = Float64Array.from(ss, (v, c) => {
      const sd = Math.sqrt(v / count[c]);
      return sd > 0 ? sd : 1;
    });
    return this;
  }

  transformInPlace(set: EpochSet): void {
    if (set.nChannels !== this.mean.length) {
      throw new Error(`ChannelStandardScaler: fitted on ${this.mean.length} channels, got ${set.nChannels}`);
    }
    forEachRow(set, (c, row) => {
      const m = this.mean[c];
      const sd = this.std[c];
      for (let t = 0; t < row.length; t++) row[t] = (row[t] - m) / sd;
    });
  }
}

function forEachRow(set: EpochSet, fn: (channel: number, row: Float32Array) => void): void {
  for (let e = 0; e < set.nEpochs; e++) {
    for (let c = 0; c < set.nChannels; c++) {
      const start = (e * set.nChannels + c) * set.nSamples;
      fn(c, set.data.subarray(start, start + set.nSamples));
    }
  }
}
