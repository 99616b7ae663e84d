/**
 * Welch power spectral density. Defaults are MNE's `psd_array_welch` (n_fft=256, no overlap,
 * n_per_seg=n_fft, Hamming window, mean over segments), which equals
 * scipy.signal.welch(x, fs, window='hamming', nperseg=256, noverlap=0, nfft=256,
 * detrend='constant', scaling='density', average='mean'): one-sided density in units^2/Hz.
 */
import { periodicWindow, type FirWindow } from './design.ts';
import { Fft } from './fft.ts';

export interface WelchOptions {
  /** Segment length in samples (default 256, or the signal length if shorter). */
  nPerSeg?: number;
  /** Samples shared by consecutive segments (default 0). */
  nOverlap?: number;
  /** FFT length >= nPerSeg (default nPerSeg); segments are zero-padded. */
  nFft?: number;
  window?: FirWindow;
}

export interface Psd {
  freqs: Float64Array;
  psd: Float64Array;
}

/** Real DFT magnitudes squared for bins 0..nFft/2 of a zero-padded segment. */
function powerSpectrum(seg: Float64Array, nFft: number): Float64Array {
  const bins = Math.floor(nFft / 2) + 1;
  const out = new Float64Array(bins);
  if ((nFft & (nFft - 1)) === 0) {
    const fft = new Fft(nFft);
    const re = new Float64Array(nFft);
    const im = new Float64Array(nFft);
    re.set(seg);
    fft.transform(re, im);
    for (let k = 0; k < bins; k++) out[k] = re[k] * re[k] + im[k] * im[k];
    return out;
  }
  // Other lengths: plain DFT (segments are short; used only with non-power-of-two nFft).
  for (let k = 0; k < bins; k++) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < seg.length; t++) {
      const a = (2 * Math.PI * k * t) / nFft;
      re += seg[t] * Math.cos(a);
      im -= seg[t] * Math.sin(a);
    }
    out[k] = re * re + im * im;
  }
  return out;
}

export function welch(x: ArrayLike<number>, sfreq: number, options: WelchOptions = {}): Psd {
  const n = x.length;
  const nPerSeg = Math.min(options.nPerSeg ?? 256, n);
  const nOverlap = options.nOverlap ?? 0;
  const nFft = options.nFft ?? nPerSeg;
  if (nPerSeg < 1) throw new Error('welch: empty signal');
  if (nOverlap < 0 || nOverlap >= nPerSeg) throw new Error(`welch: nOverlap must be in [0, ${nPerSeg}), got ${nOverlap}`);
  if (nFft < nPerSeg) throw new Error(`welch: nFft (${nFft}) must be >= nPerSeg (${nPerSeg})`);
  const win = periodicWindow(options.window ?? 'hamming', nPerSeg);
  let winSq = 0;
  for (let i = 0; i < nPerSeg; i++) winSq += win[i] * win[i];
  const step = nPerSeg - nOverlap;
  const nSegments = Math.floor((n - nOverlap) / step);
  const bins = Math.floor(nFft / 2) + 1;
  const psd = new Float64Array(bins);
  const seg = new Float64Array(nPerSeg);
  for (let s = 0; s < nSegments; s++) {
    const start = s * step;
    let mean = 0;
    for (let i = 0; i < nPerSeg; i++) mean += x[start + i];
    mean /= nPerSeg;
    for (let i = 0; i < nPerSeg; i++) seg[i] = (x[start + i] - mean) * win[i];
    const p = powerSpectrum(seg, nFft);
    for (let k = 0; k < bins; k++) psd[k] += p[k];
  }
  const scale = 1 / (sfreq * winSq * nSegments);
  for (let k = 0; k < bins; k++) {
    // One-sided: double every bin but DC and (for even nFft) Nyquist.
    const doubled = k === 0 || (nFft % 2 === 0 && k === bins - 1) ? 1 : 2;
    psd[k] *= scale * doubled;
  }
  const freqs = Float64Array.from({ length: bins }, (_, k) => (k * sfreq) / nFft);
  return { freqs, psd };
}
