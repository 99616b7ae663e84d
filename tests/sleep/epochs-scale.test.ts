import { describe, expect, it } from 'vitest';
import type { EpochSet } from '../../sleep/epochs/epochs.ts';
import { ChannelStandardScaler, zscoreWindowsInPlace } from '../../sleep/epochs/scale.ts';
import { decodeF32, loadFixture, maxAbsDiff } from './mneFixtures.ts';

interface ScaleFixture {
  windows: string;
  scaled: string;
  channelMean: number[];
  channelStd: number[];
}
const fx = loadFixture<ScaleFixture>('scale.json');
const makeSet = (): EpochSet => ({
  data: decodeF32(fx.windows),
  labels: new Int32Array(3),
  starts: Int32Array.from([0, 3000, 6000]),
  nEpochs: 3,
  nChannels: 2,
  nSamples: 3000,
  sfreq: 100,
});

describe('window scaling', () => {
  it('per-window per-channel z-score equals sklearn.preprocessing.scale', () => {
    const set = makeSet();
    zscoreWindowsInPlace(set);
    expect(maxAbsDiff(set.data, decodeF32(fx.scaled))).toBeLessThan(1e-5);
  });
  it('a flat channel becomes zeros, not NaN (sklearn keeps std 0 as 1)', () => {
    const set = makeSet();
    set.data.fill(7, 0, 3000);
    zscoreWindowsInPlace(set);
    expect(maxAbsDiff(set.data.subarray(0, 3000), new Float32Array(3000))).toBe(0);
  });
  it('the per-channel standard scaler fitted on training windows equals numpy mean/std', () => {
    const set = makeSet();
    const scaler = new ChannelStandardScaler().fit([set]);
    expect(maxAbsDiff(scaler.mean, fx.channelMean)).toBeLessThan(1e-4);
    expect(maxAbsDiff(scaler.std, fx.channelStd)).toBeLessThan(1e-4);
    scaler.transformInPlace(set);
    const again = new ChannelStandardScaler().fit([set]);
    expect(maxAbsDiff(again.mean, [0, 0])).toBeLessThan(1e-6);
    expect(maxAbsDiff(again.std, [1, 1])).toBeLessThan(1e-6);
  });
});
