/**
 * Zero-phase FIR filtering equal to MNE-Python 1.3's `raw.filter(l_freq, h_freq)`:
 * the signal is extended at both ends by `len(h) - 1` samples of odd reflection about the end
 * values (MNE's `_smart_pad(..., 'reflect_limited')`: 2*x[0] - x[k]), convolved with the
 * symmetric impulse response, and the output is read with the filter's delay removed.
 *
 * Two ways to compute the same linear convolution: overlap-add FFT (MNE's method; the default,
 * fast for long filters) or direct summation. Both work in float64 and read the padded signal
 * virtually, so the only full-length allocation is the output (float32 by default).
 */
import { createFilter, type FilterOptions, type FirFilter } from './design.ts';
import { Fft, nextPowerOfTwo } from './fft.ts';

export type Signal = ArrayLike<number>;

export interface ApplyOptions {
  method?: 'fft' | 'direct';
  /** FFT length (power of two >= 2 * taps - 1); default follows MNE's cost heuristic. */
  nFft?: number;
}

/**
 * Reader for the reflect_limited-padded signal: index 0 is x[-nEdge]. The right padding comes
 * from a copy of x's last nEdge + 1 samples, so in-place filtering may overwrite them first.
 */
function paddedReader(x: Signal, nEdge: number): (i: number) => number {
  const n = x.length;
  const first = x[0];
  const end = Float64Array.from({ length: nEdge + 1 }, (_, k) => x[n - 1 - nEdge + k]);
  const last = end[nEdge];
  return (i: number) => {
    const j = i - nEdge;
    if (j < 0) return 2 * first - x[-j];
    if (j >= n) return 2 * last - end[nEdge - (j - (n - 1))];
    return x[j];
  };
}

/** MNE `_overlap_add_filter`'s choice of FFT length (restricted to powers of two). */
function chooseNFft(nTaps: number, nExt: number): number {
  const minFft = 2 * nTaps - 1;
  if (nExt < minFft) return nextPowerOfTwo(minFft);
  let best = 0;
  let bestCost = Infinity;
  for (let p = Math.ceil(Math.log2(minFft)); p <= Math.ceil(Math.log2(nExt)); p++) {
    const nf = 2 ** p;
    const cost = Math.ceil(nExt / (nf - nTaps + 1)) * nf * (p + 1) + 4e-5 * nf * nExt;
    if (cost < bestCost) {
      bestCost = cost;
      best = nf;
    }
  }
  return best;
}

/**
 * Applies a symmetric odd-length FIR `h` with zero phase and MNE's edge handling.
 * Returns a new array of x's length; `out` may be given (and may be x itself only for
 * method 'fft' when x is not needed afterwards: it is read ahead of where it is written).
 */
export function applyZeroPhaseFir(
  x: Signal,
  h: Float64Array,
  options: ApplyOptions = {},
  out: Float32Array | Float64Array = new Float32Array(x.length),
): Float32Array | Float64Array {
  const n = x.length;
  const nh = h.length;
  if (nh % 2 !== 1) throw new Error(`filter: zero-phase FIR needs an odd number of taps, got ${nh}`);
  if (out.length !== n) throw new Error(`filter: output length ${out.length} differs from input ${n}`);
  if (n === 0) return out;
  if (nh === 1) {
    for (let i = 0; i < n; i++) out[i] = x[i] * h[0];
    return out;
  }
  const nEdge = Math.max(Math.min(nh, n) - 1, 0);
  const nExt = n + 2 * nEdge;
  const shift = (nh - 1) / 2 + nEdge;
  const ext = paddedReader(x, nEdge);

  if (options.method === 'direct') {
    if (out === (x as unknown)) throw new Error('filter: direct method cannot filter in place');
    for (let j = 0; j < n; j++) {
      const m = j + shift;
      let acc = 0;
      const kLo = Math.max(0, m - (nExt - 1));
      const kHi = Math.min(nh - 1, m);
      for (let k = kLo; k <= kHi; k++) acc += h[k] * ext(m - k);
      out[j] = acc;
    }
    return out;
  }

  const nFft = options.nFft ?? chooseNFft(nh, nExt);
  if (nFft < 2 * nh - 1 || (nFft & (nFft - 1)) !== 0) {
    throw new Error(`filter: nFft must be a power of two >= ${2 * nh - 1}, got ${nFft}`);
  }
  const fft = new Fft(nFft);
  const hRe = new Float64Array(nFft);
  const hIm = new Float64Array(nFft);
  hRe.set(h);
  fft.transform(hRe, hIm);
  const nSeg = nFft - nh + 1;
  const re = new Float64Array(nFft);
  const im = new Float64Array(nFft);
  // Convolution tail carried from one block into the next (nh - 1 samples).
  const tail = new Float64Array(nh - 1);
  const emit = (m: number, v: number) => {
    const j = m - shift;
    if (j >= 0 && j < n) out[j] = v;
  };
  // Two real blocks per complex FFT: h is real, so the real and imaginary parts of the
  // product's inverse are the two blocks' convolutions.
  for (let start = 0; start < nExt; start += 2 * nSeg) {
    const start2 = start + nSeg;
    re.fill(0);
    im.fill(0);
    for (let t = 0; t < nSeg && start + t < nExt; t++) re[t] = ext(start + t);
    for (let t = 0; t < nSeg && start2 + t < nExt; t++) im[t] = ext(start2 + t);
    fft.transform(re, im);
    for (let k = 0; k < nFft; k++) {
      const a = re[k];
      const b = im[k];
      re[k] = a * hRe[k] - b * hIm[k];
      im[k] = a * hIm[k] + b * hRe[k];
    }
    fft.transform(re, im, true);
    for (const [blockStart, part] of [[start, re], [start2, im]] as const) {
      if (blockStart >= nExt) break;
      for (let t = 0; t < nSeg; t++) {
        let v = part[t] / nFft;
        if (t < nh - 1) v += tail[t];
        emit(blockStart + t, v);
      }
      for (let t = 0; t < nh - 1; t++) tail[t] = part[nSeg + t] / nFft;
    }
  }
  // Samples of the full convolution past the last block: only the carried tail remains.
  const lastBlockEnd = Math.ceil(nExt / nSeg) * nSeg;
  for (let t = 0; t < nh - 1; t++) emit(lastBlockEnd + t, tail[t]);
  return out;
}

/**
 * `raw.filter(lFreq, hFreq)` on one channel with MNE 1.3's defaults (see design.ts): designs
 * the filter for this sample rate and applies it with zero phase. Returns float32 samples.
 */
export function filterSignal(
  x: Signal,
  sfreq: number,
  lFreq: number | null,
  hFreq: number | null,
  options: FilterOptions & ApplyOptions = {},
): Float32Array {
  const filter = createFilter(sfreq, lFreq, hFreq, options);
  return applyZeroPhaseFir(x, filter.coefficients, options) as Float32Array;
}

/** Filters every channel of a recording-like list in place (one channel buffer at a time). */
export function filterChannelsInPlace(
  channels: { label: string; sampleRate: number; data: Float32Array }[],
  lFreq: number | null,
  hFreq: number | null,
  options: FilterOptions & ApplyOptions = {},
): FirFilter[] {
  const designs = new Map<number, FirFilter>();
  const used: FirFilter[] = [];
  for (const ch of channels) {
    let f = designs.get(ch.sampleRate);
    if (!f) {
      f = createFilter(ch.sampleRate, lFreq, hFreq, options);
      designs.set(ch.sampleRate, f);
    }
    used.push(f);
    // The FFT path reads each input sample before the output index that overwrites it.
    applyZeroPhaseFir(ch.data, f.coefficients, { ...options, method: 'fft' }, ch.data);
  }
  return used;
}
