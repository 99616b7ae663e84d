/**
 * The first temporal convolution's filters (feature_extractor.0.weight, [F, 1, 1, K]) as a
 * learner sees them: each filter's taps over time, and its magnitude response |H(f)| from a
 * direct DFT at evenly spaced frequencies from 0 to Nyquist. conv2d is a cross-correlation (the
 * kernel is not flipped), which changes the phase of H but not its magnitude.
 */
import type { Tensor } from '../../engine/index.ts';
import type { SleepStagerChambon2018 } from '../model/chambon.ts';

export interface TemporalFilter {
  /** Filter index (output channel). */
  index: number;
  /** The K taps. */
  taps: Float64Array;
  /** Time of each tap in seconds from the first (k / sfreq). */
  times: Float64Array;
  /** Frequencies in Hz, 0 to sfreq / 2 inclusive. */
  freqs: Float64Array;
  /** |sum_k taps[k] e^{-2 pi i f k / sfreq}| at each frequency. */
  magnitude: Float64Array;
  /** 20 log10(magnitude), floored at 1e-20 so a zero stays finite. */
  magnitudeDb: Float64Array;
  /** Frequency of the largest magnitude (the first one on ties). */
  peakHz: number;
}

export interface FilterResponseOptions {
  /** Frequencies evaluated, 0 and Nyquist included (default 256). */
  nFreqs?: number;
}

/** |H(f)| of a real FIR kernel at nFreqs frequencies from 0 to Nyquist inclusive. */
export function magnitudeResponse(taps: ArrayLike<number>, sfreq: number, nFreqs = 256): { freqs: Float64Array; magnitude: Float64Array } {
  if (!(sfreq > 0)) throw new Error(`magnitudeResponse: sfreq must be positive, got ${sfreq}`);
  if (!Number.isInteger(nFreqs) || nFreqs < 2) throw new Error(`magnitudeResponse: nFreqs must be an integer >= 2, got ${nFreqs}`);
  const freqs = new Float64Array(nFreqs);
  const magnitude = new Float64Array(nFreqs);
  for (let i = 0; i < nFreqs; i++) {
    const f = (i * sfreq) / 2 / (nFreqs - 1);
    const w = (2 * Math.PI * f) / sfreq;
    let re = 0;
    let im = 0;
    for (let k = 0; k < taps.length; k++) {
      re += taps[k] * Math.cos(w * k);
      im -= taps[k] * Math.sin(w * k);
    }
    freqs[i] = f;
    magnitude[i] = Math.hypot(re, im);
  }
  return { freqs, magnitude };
}

/**
 * Filters from a weight laid out [F, 1, 1, K] (or [F, K]) as flat values. Throws when the shape
 * is not that of a single-input temporal convolution.
 */
export function temporalFilters(values: ArrayLike<number>, shape: readonly number[], sfreq: number, opts: FilterResponseOptions = {}): TemporalFilter[] {
  const ok = (shape.length === 4 && shape[1] === 1 && shape[2] === 1) || shape.length === 2;
  if (!ok) throw new Error(`temporalFilters: expected a weight [F, 1, 1, K] or [F, K], got [${shape}]`);
  const nFilters = shape[0];
  const k = shape[shape.length - 1];
  if (values.length !== nFilters * k) throw new Error(`temporalFilters: ${values.length} values do not fill [${shape}]`);
  const times = Float64Array.from({ length: k }, (_, i) => i / sfreq);
  return Array.from({ length: nFilters }, (_, f) => {
    const taps = Float64Array.from({ length: k }, (_, i) => values[f * k + i]);
    const { freqs, magnitude } = magnitudeResponse(taps, sfreq, opts.nFreqs ?? 256);
    let peak = 0;
    for (let i = 1; i < magnitude.length; i++) if (magnitude[i] > magnitude[peak]) peak = i;
    const magnitudeDb = Float64Array.from(magnitude, (m) => 20 * Math.log10(Math.max(m, 1e-20)));
    return { index: f, taps, times, freqs, magnitude, magnitudeDb, peakHz: freqs[peak] };
  });
}

/** The model's first temporal convolution, read back from any device. */
export async function firstLayerFilters(model: SleepStagerChambon2018, opts: FilterResponseOptions = {}): Promise<TemporalFilter[]> {
  const weight = model.featureExtractor.at(0).getParameter('weight') as Tensor;
  return temporalFilters(await weight.data(), weight.shape, model.config.sfreq, opts);
}

/**
 * The spatial convolution's channel mix (spatial_conv.weight [C, 1, C, 1]) as a C x C matrix:
 * row = virtual channel out, column = EEG channel in. Null for a one-channel model.
 */
export async function spatialMix(model: SleepStagerChambon2018): Promise<number[][] | null> {
  const w = model.spatialConv?.getParameter('weight');
  if (!w) return null;
  const v = await w.data();
  const c = w.shape[0];
  return Array.from({ length: c }, (_, o) => Array.from({ length: c }, (_, i) => v[o * c + i]));
}
