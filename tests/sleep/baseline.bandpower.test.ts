import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEdf } from '../../sleep/edf/index.ts';
import { extractEpochs } from '../../sleep/epochs/index.ts';
import { welch } from '../../sleep/preprocess/index.ts';
import { FREQ_BANDS, bandPowerFeatures, windowBandPowers } from '../../sleep/baseline/index.ts';

interface BandpowerFixture {
  channels: string[];
  sfreq: number;
  windowSamples: number;
  windowStarts: number[];
  featureNames: string[];
  psdFreqs: number[];
  psdWindow0Channel0: number[];
  features: number[][];
  featuresScipy: number[][];
}

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/mne/bandpower.json', import.meta.url)), 'utf8')) as BandpowerFixture;
const edf = new Uint8Array(readFileSync(fileURLToPath(new URL('../fixtures/sleep-edf/edf/short_psg.edf', import.meta.url))));

function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  return m;
}

describe('relative band powers vs MNE on the real short_psg.edf', () => {
  const rec = readEdf(edf, 'short_psg.edf', { channels: fixture.channels });
  const set = extractEpochs(
    rec.channels.map((c) => c.data),
    fixture.sfreq,
    Int32Array.from(fixture.windowStarts),
    new Int32Array(fixture.windowStarts.length),
    fixture.windowSamples,
  );

  it('the Welch PSD of window 0 equals MNE psd_array_welch over 0.5-30 Hz (uV^2/Hz vs V^2/Hz)', () => {
    const ch0 = Float64Array.from(set.data.subarray(0, fixture.windowSamples));
    const { freqs, psd } = welch(ch0, fixture.sfreq);
    const keep = [...freqs.keys()].filter((k) => freqs[k] >= 0.5 && freqs[k] <= 30);
    expect(keep.map((k) => freqs[k])).toEqual(fixture.psdFreqs);
    const ours = keep.map((k) => psd[k] * 1e-12);
    expect(maxRelative(ours, fixture.psdWindow0Channel0)).toBeLessThan(1e-6);
  });

  it('features of all 10 windows match eeg_power_band to 1e-6 relative, band-major', () => {
    const x = bandPowerFeatures(set, { channelNames: fixture.channels });
    expect(x.nRows).toBe(10);
    expect(x.nFeatures).toBe(10);
    expect(x.names).toEqual(fixture.featureNames);
    const rel = maxRelative(x.values, fixture.features.flat());
    expect(rel).toBeLessThan(1e-6);
    expect(maxRelative(x.values, fixture.featuresScipy.flat())).toBeLessThan(1e-6);
    console.log(`band powers vs MNE: max relative error ${rel.toExponential(2)}`);
  });

  it('log option is the log of the features; a pure 10 Hz tone lands in alpha', () => {
    const plain = windowBandPowers(set.data.subarray(0, 6000), 2, 3000, 100);
    const logged = windowBandPowers(set.data.subarray(0, 6000), 2, 3000, 100, { log: true });
    plain.forEach((v, i) => expect(logged[i]).toBeCloseTo(Math.log(v), 12));
    const tone = Float64Array.from({ length: 3000 }, (_, t) => Math.sin((2 * Math.PI * 10 * t) / 100));
    const f = windowBandPowers(tone, 1, 3000, 100);
    const alpha = FREQ_BANDS.findIndex((b) => b.name === 'alpha');
    expect(f.indexOf(Math.max(...f))).toBe(alpha);
    expect(f[alpha]).toBeGreaterThan(100 * f[0]);
  });
});
