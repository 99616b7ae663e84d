/**
 * Small models and data for the trainer tests: windows whose class sets a frequency, so a tiny
 * conv net learns them in a few epochs on the float64 CPU backend in well under a second.
 */
import { Generator, manualSeed, nn } from '../../engine/index.ts';
import type { EpochSet } from '../../sleep/epochs/epochs.ts';

/** nEpochs windows of 2 channels x nSamples; class k is a sine of (k + 1) cycles per window plus noise. */
export function toyEpochSet(nEpochs: number, nSamples: number, seed: number, nClasses = 5): EpochSet {
  const g = new Generator(seed);
  const data = new Float32Array(nEpochs * 2 * nSamples);
  const labels = new Int32Array(nEpochs);
  for (let e = 0; e < nEpochs; e++) {
    const k = e % nClasses;
    labels[e] = k;
    const phase = g.uniform(0, 2 * Math.PI);
    for (let c = 0; c < 2; c++) {
      for (let t = 0; t < nSamples; t++) {
        data[(e * 2 + c) * nSamples + t] = Math.sin((2 * Math.PI * (k + 1) * t) / nSamples + phase + c) + 0.5 * g.normal();
      }
    }
  }
  return { data, labels, starts: Int32Array.from({ length: nEpochs }, (_, i) => i * nSamples), nEpochs, nChannels: 2, nSamples, sfreq: nSamples / 30 };
}

export function toySplits(nSamples = 64): { train: EpochSet[]; valid: EpochSet[]; test: EpochSet[] } {
  return {
    train: [toyEpochSet(40, nSamples, 1), toyEpochSet(35, nSamples, 2)],
    valid: [toyEpochSet(20, nSamples, 3)],
    test: [toyEpochSet(25, nSamples, 4)],
  };
}

/** Conv1d -> ReLU -> Flatten -> Dropout -> Linear, seeded through the default generator (as the CLI seeds the real model). */
export function tinyModel(seed: number, nSamples = 64, dropout = 0.25): nn.Module {
  manualSeed(seed);
  const kernel = 8;
  const stride = 4;
  const outLen = Math.floor((nSamples - kernel) / stride) + 1;
  return new nn.Sequential(new nn.Conv1d(2, 4, kernel, { stride }), new nn.ReLU(), new nn.Flatten(), new nn.Dropout(dropout), new nn.Linear(4 * outLen, 5));
}
