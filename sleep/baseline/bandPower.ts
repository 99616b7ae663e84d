/**
 * The MNE sleep tutorial's hand-made features (tutorials/clinical/60_sleep.py, eeg_power_band):
 * per window and channel, the Welch PSD over 0.5-30 Hz (MNE's psd_array_welch defaults: 256
 * samples, Hamming, no overlap; bins 0.5 <= f <= 30), divided by its sum, then the mean of the
 * bins in each band (fmin <= f < fmax). Relative powers, no logarithm, as the tutorial.
 * Features are band-major: [delta ch0, delta ch1, theta ch0, ...] (its np.concatenate order).
 *
 * The tutorial's current text calls epochs.compute_psd(), whose default for Epochs became
 * multitaper in MNE 1.2; before that it called psd_welch. This is the Welch version.
 */
import type { EpochSet } from '../epochs/epochs.ts';
import { welch } from '../preprocess/welch.ts';

export interface FrequencyBand {
  name: string;
  fmin: number;
  fmax: number;
}

export const FREQ_BANDS: readonly FrequencyBand[] = [
  { name: 'delta', fmin: 0.5, fmax: 4.5 },
  { name: 'theta', fmin: 4.5, fmax: 8.5 },
  { name: 'alpha', fmin: 8.5, fmax: 11.5 },
  { name: 'sigma', fmin: 11.5, fmax: 15.5 },
  { name: 'beta', fmin: 15.5, fmax: 30 },
];

export interface BandPowerOptions {
  bands?: readonly FrequencyBand[];
  /** PSD range normalised over (default 0.5-30 Hz, inclusive as MNE's fmin/fmax). */
  fmin?: number;
  fmax?: number;
  /** Welch segment length (default 256, MNE's n_fft). */
  nPerSeg?: number;
  /** Natural log of each feature (not in the tutorial; handy for linear models). */
  log?: boolean;
  channelNames?: readonly string[];
}

export interface FeatureMatrix {
  /** [nRows][nFeatures], row-major. */
  values: Float64Array;
  nRows: number;
  nFeatures: number;
  names: string[];
}

/** Relative band powers of one window's channels ([channel][sample] values), band-major. */
export function windowBandPowers(window: ArrayLike<number>, nChannels: number, nSamples: number, sfreq: number, opts: BandPowerOptions = {}): Float64Array {
  const bands = opts.bands ?? FREQ_BANDS;
  const fmin = opts.fmin ?? 0.5;
  const fmax = opts.fmax ?? 30;
  const out = new Float64Array(bands.length * nChannels);
  const channel = new Float64Array(nSamples);
  for (let c = 0; c < nChannels; c++) {
    for (let t = 0; t < nSamples; t++) channel[t] = window[c * nSamples + t];
    const { freqs, psd } = welch(channel, sfreq, { nPerSeg: opts.nPerSeg ?? 256 });
    let total = 0;
    for (let k = 0; k < freqs.length; k++) if (freqs[k] >= fmin && freqs[k] <= fmax) total += psd[k];
    bands.forEach((band, b) => {
      let s = 0;
      let n = 0;
      for (let k = 0; k < freqs.length; k++) {
        if (freqs[k] >= fmin && freqs[k] <= fmax && freqs[k] >= band.fmin && freqs[k] < band.fmax) {
          s += psd[k];
          n++;
        }
      }
      if (n === 0) throw new Error(`bandPowers: band ${band.name} (${band.fmin}-${band.fmax} Hz) holds no PSD bin at ${sfreq} Hz with ${opts.nPerSeg ?? 256}-sample segments`);
      const v = s / n / total;
      out[b * nChannels + c] = opts.log ? Math.log(v) : v;
    });
  }
  return out;
}

export function bandFeatureNames(nChannels: number, opts: BandPowerOptions = {}): string[] {
  const bands = opts.bands ?? FREQ_BANDS;
  const ch = opts.channelNames ?? Array.from({ length: nChannels }, (_, c) => `ch${c}`);
  return bands.flatMap((b) => ch.map((c) => `${opts.log ? 'log ' : ''}${b.name} ${c}`));
}

/** Features of every window of the given recordings, in order. */
export function bandPowerFeatures(sets: EpochSet | readonly EpochSet[], opts: BandPowerOptions = {}): FeatureMatrix {
  const list = Array.isArray(sets) ? (sets as readonly EpochSet[]) : [sets as EpochSet];
  const nChannels = list[0]?.nChannels ?? 0;
  const nFeatures = (opts.bands ?? FREQ_BANDS).length * nChannels;
  const nRows = list.reduce((n, s) => n + s.nEpochs, 0);
  const values = new Float64Array(nRows * nFeatures);
  let row = 0;
  list.forEach((set, i) => {
    if (set.nChannels !== nChannels) throw new Error(`bandPowerFeatures: recording ${i} has ${set.nChannels} channels, the first ${nChannels}`);
    const size = set.nChannels * set.nSamples;
    for (let e = 0; e < set.nEpochs; e++) {
      values.set(windowBandPowers(set.data.subarray(e * size, (e + 1) * size), set.nChannels, set.nSamples, set.sfreq, opts), row * nFeatures);
      row++;
    }
  });
  return { values, nRows, nFeatures, names: bandFeatureNames(nChannels, opts) };
}

/** Labels of every window of the given recordings, in the order of bandPowerFeatures. */
export function concatLabels(sets: readonly EpochSet[]): Int32Array {
  const out = new Int32Array(sets.reduce((n, s) => n + s.nEpochs, 0));
  let at = 0;
  for (const s of sets) {
    out.set(s.labels, at);
    at += s.nEpochs;
  }
  return out;
}
