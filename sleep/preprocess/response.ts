/**
 * Frequency response of an FIR filter for plotting: |H(f)| in dB at nFreqs frequencies from 0
 * up to (not including) Nyquist, as scipy.signal.freqz(h, worN=nFreqs, fs=sfreq).
 */
export interface FrequencyResponse {
  freqs: Float64Array;
  magnitudeDb: Float64Array;
}

export function frequencyResponse(h: ArrayLike<number>, sfreq: number, nFreqs = 512): FrequencyResponse {
  const freqs = new Float64Array(nFreqs);
  const magnitudeDb = new Float64Array(nFreqs);
  for (let i = 0; i < nFreqs; i++) {
    const w = (Math.PI * i) / nFreqs;
    let re = 0;
    let im = 0;
    for (let k = 0; k < h.length; k++) {
      re += h[k] * Math.cos(w * k);
      im -= h[k] * Math.sin(w * k);
    }
    freqs[i] = (sfreq / 2) * (i / nFreqs);
    // 1e-20 floor as MNE's attenuation report uses, so a perfect zero stays finite (-400 dB).
    magnitudeDb[i] = 20 * Math.log10(Math.max(Math.hypot(re, im), 1e-20));
  }
  return { freqs, magnitudeDb };
}
