/**
 * FIR filter design equal to MNE-Python 1.3's `mne.filter.create_filter(data, sfreq, l_freq,
 * h_freq)` with its defaults: method='fir', fir_design='firwin', fir_window='hamming',
 * phase='zero', l/h_trans_bandwidth='auto', filter_length='auto'.
 *
 * MNE builds the filter from gain breakpoints: for each edge where the gain changes it designs a
 * scipy `firwin` low-pass whose length fits that edge's transition band, centred at the middle
 * of the band, and adds or subtracts it (centred) into an odd-length impulse response.
 */

/** Window length factors per transition band (MNE's `_length_factors`). */
const LENGTH_FACTORS = { hamming: 3.3, hann: 3.1, blackman: 5.0 } as const;
export type FirWindow = keyof typeof LENGTH_FACTORS;

export type FilterKind = 'lowpass' | 'highpass' | 'bandpass';

export interface FilterOptions {
  /** Hz, or 'auto' = min(max(0.25 * lFreq, 2), lFreq). */
  lTransBandwidth?: number | 'auto';
  /** Hz, or 'auto' = min(max(0.25 * hFreq, 2), sfreq / 2 - hFreq). */
  hTransBandwidth?: number | 'auto';
  /** Taps, or 'auto' = ceil(factor / min transition bandwidth * sfreq), made odd. */
  filterLength?: number | 'auto';
  window?: FirWindow;
}

export interface FirFilter {
  kind: FilterKind;
  sfreq: number;
  lFreq: number | null;
  hFreq: number | null;
  lTransBandwidth: number | null;
  hTransBandwidth: number | null;
  window: FirWindow;
  /** Gain breakpoints (Hz, from 0 to Nyquist) and the gains there (0 or 1). */
  freq: number[];
  gain: number[];
  /** Symmetric, odd-length impulse response; applied with zero phase (centred). */
  coefficients: Float64Array;
}

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Symmetric window of length m, as scipy.signal.get_window(name, m, fftbins=False). */
export function symmetricWindow(name: FirWindow, m: number): Float64Array {
  const w = new Float64Array(m);
  if (m === 1) {
    w[0] = 1;
    return w;
  }
  // scipy's general_cosine evaluates cos(k * fac) with fac = linspace(-pi, pi, m).
  const a = name === 'hamming' ? [0.54, 0.46] : name === 'hann' ? [0.5, 0.5] : [0.42, 0.5, 0.08];
  for (let n = 0; n < m; n++) {
    const fac = -Math.PI + (2 * Math.PI * n) / (m - 1);
    let v = 0;
    for (let k = 0; k < a.length; k++) v += a[k] * Math.cos(k * fac);
    w[n] = v;
  }
  return w;
}

/** Periodic window (scipy get_window(name, m), fftbins=True), as Welch uses. */
export function periodicWindow(name: FirWindow, m: number): Float64Array {
  return symmetricWindow(name, m + 1).subarray(0, m).slice();
}

const sinc = (x: number) => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));

/**
 * scipy.signal.firwin(numtaps, cutoff, window, pass_zero=True, scale=True, fs=2): a windowed-
 * sinc low-pass with cutoff given as a fraction of Nyquist, scaled to unit gain at DC.
 */
export function firwinLowpass(numtaps: number, cutoff: number, window: FirWindow): Float64Array {
  const alpha = 0.5 * (numtaps - 1);
  const win = symmetricWindow(window, numtaps);
  const h = new Float64Array(numtaps);
  let sum = 0;
  for (let i = 0; i < numtaps; i++) {
    h[i] = cutoff * sinc(cutoff * (i - alpha)) * win[i];
    sum += h[i];
  }
  for (let i = 0; i < numtaps; i++) h[i] /= sum;
  return h;
}

/** MNE's `_firwin_design(N, freq, gain, window)`; freq normalized to Nyquist = 1. */
function firwinDesign(n: number, freq: number[], gain: number[], window: FirWindow, sfreq: number): Float64Array {
  const h = new Float64Array(n);
  let prevFreq = freq[freq.length - 1];
  let prevGain = gain[gain.length - 1];
  if (prevGain === 1) h[(n - 1) / 2] = 1;
  for (let i = freq.length - 2; i >= 0; i--) {
    const thisFreq = freq[i];
    const thisGain = gain[i];
    if (thisGain !== prevGain) {
      const transition = (prevFreq - thisFreq) / 2;
      let thisN = roundHalfEven(LENGTH_FACTORS[window] / transition);
      thisN += 1 - (thisN % 2);
      if (thisN > n) {
        throw new Error(
          `filter: the requested filter length ${n} is too short for the ${(transition * sfreq / 2).toFixed(2)} Hz ` +
            `transition band, which requires ${thisN} samples`,
        );
      }
      const lp = firwinLowpass(thisN, (prevFreq + thisFreq) / 2, window);
      const offset = (n - thisN) / 2;
      const sign = thisGain === 0 ? -1 : 1;
      for (let k = 0; k < thisN; k++) h[offset + k] += sign * lp[k];
    }
    prevGain = thisGain;
    prevFreq = thisFreq;
  }
  return h;
}

/**
 * Designs the filter `raw.filter(lFreq, hFreq)` applies (MNE 1.3 defaults). lFreq null (or 0)
 * gives a low-pass, hFreq null a high-pass, both a band-pass (lFreq < hFreq).
 */
export function createFilter(
  sfreq: number,
  lFreq: number | null,
  hFreq: number | null,
  options: FilterOptions = {},
): FirFilter {
  const window = options.window ?? 'hamming';
  if (!(sfreq > 0)) throw new Error(`filter: sfreq must be positive, got ${sfreq}`);
  if (lFreq === 0) lFreq = null;
  if (lFreq === null && hFreq === null) throw new Error('filter: give lFreq, hFreq or both');
  const nyq = sfreq / 2;
  if (lFreq !== null && !(lFreq > 0)) throw new Error(`filter: lFreq must be > 0, got ${lFreq}`);
  if (hFreq !== null && !(hFreq < nyq)) throw new Error(`filter: hFreq (${hFreq}) must be less than Nyquist (${nyq})`);
  if (lFreq !== null && hFreq !== null && !(lFreq < hFreq)) {
    throw new Error(`filter: lFreq (${lFreq}) must be below hFreq (${hFreq}); band-stop is not supported`);
  }

  let lTrans: number | null = null;
  let hTrans: number | null = null;
  let lStop = 0;
  let hStop = nyq;
  if (lFreq !== null) {
    const t = options.lTransBandwidth ?? 'auto';
    lTrans = t === 'auto' ? Math.min(Math.max(0.25 * lFreq, 2), lFreq) : t;
    if (!(lTrans > 0)) throw new Error(`filter: lTransBandwidth must be positive, got ${lTrans}`);
    lStop = lFreq - lTrans;
    if (lStop < 0) throw new Error(`filter: lower stop frequency is negative (${lStop.toFixed(2)} Hz)`);
  }
  if (hFreq !== null) {
    const t = options.hTransBandwidth ?? 'auto';
    hTrans = t === 'auto' ? Math.min(Math.max(0.25 * hFreq, 2), nyq - hFreq) : t;
    if (!(hTrans > 0)) throw new Error(`filter: hTransBandwidth must be positive, got ${hTrans}`);
    hStop = hFreq + hTrans;
    if (hStop > nyq) throw new Error(`filter: upper stop frequency ${hStop} is above Nyquist ${nyq}`);
  }

  let length: number;
  if (options.filterLength === undefined || options.filterLength === 'auto') {
    const minTrans = Math.min(hTrans ?? Infinity, lTrans ?? Infinity);
    // MNE formats the length in seconds as a string ('%ss') and parses it back: a no-op for
    // doubles, then ceil(seconds * sfreq).
    length = Math.max(Math.ceil((LENGTH_FACTORS[window] / minTrans) * sfreq), 1);
  } else {
    length = Math.round(options.filterLength);
  }
  length += (length - 1) % 2;

  let freq: number[];
  let gain: number[];
  let kind: FilterKind;
  if (lFreq === null) {
    kind = 'lowpass';
    freq = [0, hFreq!, hStop];
    gain = [1, 1, 0];
    if (hStop !== nyq) {
      freq.push(nyq);
      gain.push(0);
    }
  } else if (hFreq === null) {
    kind = 'highpass';
    freq = [lStop, lFreq, nyq];
    gain = [0, 1, 1];
    if (lStop !== 0) {
      freq.unshift(0);
      gain.unshift(0);
    }
  } else {
    kind = 'bandpass';
    freq = [lStop, lFreq, hFreq, hStop];
    gain = [0, 1, 1, 0];
    if (hStop !== nyq) {
      freq.push(nyq);
      gain.push(0);
    }
    if (lStop !== 0) {
      freq.unshift(0);
      gain.unshift(0);
    }
  }
  const coefficients = firwinDesign(length, freq.map((f) => f / nyq), gain, window, sfreq);
  return { kind, sfreq, lFreq, hFreq, lTransBandwidth: lTrans, hTransBandwidth: hTrans, window, freq, gain, coefficients };
}
