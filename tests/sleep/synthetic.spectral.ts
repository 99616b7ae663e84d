/** Shared helpers for the synthetic-recording tests: a periodogram and per-epoch band powers. */

/** In-place radix-2 FFT on (re, im). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const ar = re[i + k + len / 2] * wr - im[i + k + len / 2] * wi;
        const ai = re[i + k + len / 2] * wi + im[i + k + len / 2] * wr;
        re[i + k + len / 2] = re[i + k] - ar;
        im[i + k + len / 2] = im[i + k] - ai;
        re[i + k] += ar;
        im[i + k] += ai;
      }
    }
  }
}

/** Periodogram of x (mean removed, zero-padded to 4096) at 100 Hz: power per 100/4096 Hz bin. */
export function periodogram(x: Float32Array): Float64Array {
  const n = 4096;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  let mean = 0;
  for (const v of x) mean += v / x.length;
  for (let i = 0; i < x.length; i++) re[i] = x[i] - mean;
  fft(re, im);
  const p = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) p[k] = re[k] * re[k] + im[k] * im[k];
  return p;
}

export const BANDS = { delta: [0.5, 2], theta: [4, 7], alpha: [8, 12], sigma: [11, 16], beta: [16, 30], total: [0.5, 30] } as const;
export type Band = keyof typeof BANDS;

export function bandPower(p: Float64Array, band: Band): number {
  const [lo, hi] = BANDS[band];
  const df = 100 / 4096;
  let s = 0;
  for (let k = Math.ceil(lo / df); k * df < hi; k++) s += p[k];
  return s;
}

/** Relative band powers of each 30-s epoch of a 100 Hz signal. */
export function epochBandShares(x: Float32Array, bands: readonly Band[]): number[][] {
  const out: number[][] = [];
  for (let e = 0; e * 3000 < x.length; e++) {
    const p = periodogram(x.subarray(e * 3000, (e + 1) * 3000));
    const total = bandPower(p, 'total');
    out.push(bands.map((b) => bandPower(p, b) / total));
  }
  return out;
}

export function peakToPeak(x: Float32Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return hi - lo;
}
