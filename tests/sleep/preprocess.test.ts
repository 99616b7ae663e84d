import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readEdf } from '../../sleep/edf/index.ts';
import { createFilter, roundHalfEven } from '../../sleep/preprocess/design.ts';
import { applyZeroPhaseFir, filterChannelsInPlace, filterSignal } from '../../sleep/preprocess/filter.ts';
import { frequencyResponse } from '../../sleep/preprocess/response.ts';
import { welch } from '../../sleep/preprocess/welch.ts';
import { decodeF32, loadFixture, maxAbsDiff, sharedPath } from './mneFixtures.ts';

interface FilterFixture {
  sfreq: number;
  lFreq: number | null;
  hFreq: number | null;
  channels: string[];
  nTimes: number;
  coefficients: number[];
  inputSums: number[];
  filtered: string[];
  filteredSums: number[];
  filteredSumsOfSquares: number[];
}
interface DesignFixture {
  designs: { sfreq: number; lFreq: number | null; hFreq: number | null; coefficients: number[]; responseFreqs: number[]; responseDb: number[] }[];
}

const psg = readEdf(readFileSync(sharedPath('sleep-edf/edf/short_psg.edf')), 'short_psg.edf', {
  channels: ['EEG Fpz-Cz', 'EEG Pz-Oz'],
});

describe('FIR design equals mne.filter.create_filter (MNE 1.3 defaults)', () => {
  const { designs } = loadFixture<DesignFixture>('filter-designs.json');
  for (const d of designs) {
    it(`sfreq ${d.sfreq}, l_freq ${d.lFreq}, h_freq ${d.hFreq}: ${d.coefficients.length} taps`, () => {
      const f = createFilter(d.sfreq, d.lFreq, d.hFreq);
      expect(f.coefficients.length).toBe(d.coefficients.length);
      expect(maxAbsDiff(f.coefficients, d.coefficients)).toBeLessThan(1e-15);
      const r = frequencyResponse(f.coefficients, d.sfreq, d.responseFreqs.length);
      expect(maxAbsDiff(r.freqs, d.responseFreqs)).toBeLessThan(1e-12);
      // dB of near-zero gains is ill-conditioned; compare where the gain is above -200 dB.
      for (let i = 0; i < r.magnitudeDb.length; i++) {
        if (d.responseDb[i] > -200) expect(Math.abs(r.magnitudeDb[i] - d.responseDb[i])).toBeLessThan(1e-6);
      }
    });
  }

  it('derives the tutorial low-pass by hand: 7.5 Hz transition, 3.3/7.5 s = 44 -> 45 taps', () => {
    const f = createFilter(100, null, 30);
    expect(f.hTransBandwidth).toBe(7.5);
    expect(f.coefficients.length).toBe(45);
    expect(f.freq).toEqual([0, 30, 37.5, 50]);
    let dc = 0;
    for (const c of f.coefficients) dc += c;
    expect(dc).toBeCloseTo(1, 14);
  });

  it('rejects bad specifications with clear errors', () => {
    expect(() => createFilter(100, null, 50)).toThrow(/Nyquist/);
    expect(() => createFilter(100, 30, 10)).toThrow(/below hFreq/);
    expect(() => createFilter(100, null, null)).toThrow(/lFreq, hFreq/);
  });

  it('rounds halves to even as Python does', () => {
    expect([0.5, 1.5, 2.5, -0.5, 3.4].map(roundHalfEven)).toEqual([0, 2, 2, -0, 3]);
  });
});

describe('raw.filter on the real excerpt equals MNE (short_psg.edf, both EEG channels)', () => {
  for (const name of ['filter-lowpass-30.json', 'filter-bandpass-0.5-30.json']) {
    const fx = loadFixture<FilterFixture>(name);
    it(`${name}: FFT overlap-add and direct convolution within 1e-3 uV of MNE`, () => {
      expect(psg.channels.map((c) => c.label)).toEqual(fx.channels);
      const f = createFilter(fx.sfreq, fx.lFreq, fx.hFreq);
      expect(maxAbsDiff(f.coefficients, fx.coefficients)).toBeLessThan(1e-15);
      psg.channels.forEach((ch, c) => {
        expect(ch.data.length).toBe(fx.nTimes);
        let inSum = 0;
        for (const v of ch.data) inSum += v;
        expect(Math.abs(inSum - fx.inputSums[c])).toBeLessThan(1e-6 * Math.abs(fx.inputSums[c]) + 1e-2);
        const expected = decodeF32(fx.filtered[c]);
        const viaFft = filterSignal(ch.data, fx.sfreq, fx.lFreq, fx.hFreq);
        const viaDirect = applyZeroPhaseFir(ch.data, f.coefficients, { method: 'direct' });
        const errFft = maxAbsDiff(viaFft, expected);
        const errDirect = maxAbsDiff(viaDirect, expected);
        console.log(`${name} ${ch.label}: max abs error vs MNE fft ${errFft.toExponential(2)} uV, direct ${errDirect.toExponential(2)} uV`);
        expect(errFft).toBeLessThan(1e-3);
        expect(errDirect).toBeLessThan(1e-3);
        let sum = 0;
        let sumSq = 0;
        for (const v of viaFft) {
          sum += v;
          sumSq += v * v;
        }
        expect(Math.abs(sum - fx.filteredSums[c])).toBeLessThan(1e-2);
        expect(Math.abs(sumSq - fx.filteredSumsOfSquares[c]) / fx.filteredSumsOfSquares[c]).toBeLessThan(1e-6);
      });
    });
  }

  it('in-place filtering of channels gives the same result as filtering into a new array', () => {
    const fx = loadFixture<FilterFixture>('filter-bandpass-0.5-30.json');
    const channels = psg.channels.map((c) => ({ ...c, data: c.data.slice() }));
    filterChannelsInPlace(channels, 0.5, 30);
    channels.forEach((ch, c) => expect(maxAbsDiff(ch.data, decodeF32(fx.filtered[c]))).toBeLessThan(1e-3));
  });

  it('every FFT length gives the same convolution', () => {
    const h = createFilter(100, 0.5, 30).coefficients;
    const x = psg.channels[0].data.subarray(0, 5000);
    const ref = applyZeroPhaseFir(x, h, { method: 'direct' }, new Float64Array(x.length));
    for (const nFft of [2048, 4096, 8192, 16384]) {
      expect(maxAbsDiff(applyZeroPhaseFir(x, h, { nFft }, new Float64Array(x.length)), ref)).toBeLessThan(1e-9);
    }
  });

  it('handles signals shorter than the filter (MNE pads by len(x) - 1)', () => {
    const h = createFilter(100, 0.5, 30).coefficients; // 661 taps
    const x = psg.channels[0].data.subarray(0, 300);
    const a = applyZeroPhaseFir(x, h, { method: 'direct' }, new Float64Array(300));
    const b = applyZeroPhaseFir(x, h, {}, new Float64Array(300));
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-9);
  });
});

interface WelchFixture {
  sfreq: number;
  input: string;
  scipy: { options: { window: 'hamming' | 'hann'; nperseg: number; noverlap: number; nfft: number }; freqs: number[]; psd: number[] }[];
  mneDefaults: { freqs: number[]; psd: number[] };
}

describe('Welch PSD equals SciPy and MNE', () => {
  const fx = loadFixture<WelchFixture>('welch.json');
  const x = decodeF32(fx.input);
  for (const c of fx.scipy) {
    it(`scipy.signal.welch ${JSON.stringify(c.options)}`, () => {
      const r = welch(x, fx.sfreq, { window: c.options.window, nPerSeg: c.options.nperseg, nOverlap: c.options.noverlap, nFft: c.options.nfft });
      expect(maxAbsDiff(r.freqs, c.freqs)).toBeLessThan(1e-12);
      const peak = Math.max(...c.psd);
      expect(maxAbsDiff(r.psd, c.psd) / peak).toBeLessThan(1e-6);
    });
  }
  it('defaults equal mne.time_frequency.psd_array_welch defaults', () => {
    const r = welch(x, fx.sfreq);
    expect(maxAbsDiff(r.freqs, fx.mneDefaults.freqs)).toBeLessThan(1e-12);
    expect(maxAbsDiff(r.psd, fx.mneDefaults.psd) / Math.max(...fx.mneDefaults.psd)).toBeLessThan(1e-6);
  });
});
