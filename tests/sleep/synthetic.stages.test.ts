/**
 * The synthetic EEG looks like its stages (band powers computed here with a plain periodogram)
 * without being trivially separable: N1 stays the hard class, as in real data.
 */
import { describe, expect, it } from 'vitest';
import { synthesizeRecording } from '../../sleep/synthetic/index.ts';
import { bandPower, epochBandShares, peakToPeak, periodogram, type Band } from './synthetic.spectral.ts';

const night = synthesizeRecording({ subject: 4, night: 1, seed: 11, hours: 8, channels: ['EEG Fpz-Cz', 'EEG Pz-Oz', 'EOG horizontal', 'EMG submental'] });
const stages = night.stages.replace(/4/g, '3');
const [fpz, pz, eog, emg] = night.recording.channels;
const BANDS: Band[] = ['delta', 'theta', 'alpha', 'sigma', 'beta'];
const sharesF = epochBandShares(fpz.data, BANDS);
const sharesP = epochBandShares(pz.data, BANDS);

function meanOver(stage: string, values: (e: number) => number): number {
  let s = 0;
  let n = 0;
  for (let e = 0; e < stages.length; e++) {
    if (stages[e] !== stage) continue;
    s += values(e);
    n++;
  }
  return s / n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const epoch = (x: Float32Array, e: number) => x.subarray(e * 3000, (e + 1) * 3000);
const band = (b: Band) => BANDS.indexOf(b);

describe('synthetic stages have their textbook features', () => {
  it('covers every stage', () => {
    for (const s of ['W', '1', '2', '3', 'R']) expect(stages.split(s).length - 1, s).toBeGreaterThan(20);
  });

  it('N3: delta dominates, slow waves > 75 uV peak to peak', () => {
    const delta = (st: string) => meanOver(st, (e) => sharesF[e][band('delta')]);
    expect(delta('3')).toBeGreaterThan(delta('W') + 0.1);
    expect(delta('3')).toBeGreaterThan(delta('2'));
    expect(delta('3')).toBeGreaterThan(delta('R'));
    const ptp = (st: string) => median([...stages].flatMap((c, e) => (c === st ? [peakToPeak(epoch(fpz.data, e))] : [])));
    expect(ptp('3')).toBeGreaterThan(75);
    expect(ptp('3')).toBeGreaterThan(1.5 * ptp('R'));
  });

  it('W: posterior alpha, stronger on Pz-Oz than on Fpz-Cz and than in N2', () => {
    const alphaP = (st: string) => meanOver(st, (e) => sharesP[e][band('alpha')]);
    expect(alphaP('W')).toBeGreaterThan(2 * alphaP('2'));
    expect(alphaP('W')).toBeGreaterThan(2 * meanOver('W', (e) => sharesF[e][band('alpha')]));
  });

  it('N2: spindle band above REM; N1 and REM: theta above W', () => {
    const sigma = (st: string, s: number[][]) => meanOver(st, (e) => s[e][band('sigma')]);
    expect(sigma('2', sharesF)).toBeGreaterThan(1.5 * sigma('R', sharesF));
    expect(sigma('2', sharesP)).toBeGreaterThan(1.5 * sigma('R', sharesP));
    const theta = (st: string) => meanOver(st, (e) => sharesF[e][band('theta')]);
    expect(theta('1')).toBeGreaterThan(1.5 * theta('W'));
    expect(theta('R')).toBeGreaterThan(1.5 * theta('W'));
  });

  it('REM: rapid eye movements on the EOG and the lowest chin EMG', () => {
    // Time with the eyes turned (|EOG| > 40 uV): saccades in REM; N2 has only EEG leaking in.
    const turned = (e: number) => epoch(eog.data, e).reduce((s, v) => s + (Math.abs(v) > 40 ? 1 : 0), 0) / 3000;
    expect(meanOver('R', turned)).toBeGreaterThan(0.05);
    expect(meanOver('R', turned)).toBeGreaterThan(3 * meanOver('2', turned));
    const chin = (st: string) => meanOver(st, (e) => emg.data.subarray(e * 30, (e + 1) * 30).reduce((a, b) => a + b, 0) / 30);
    expect(chin('R')).toBeLessThan(chin('2'));
    expect(chin('2')).toBeLessThan(chin('W'));
  });

  it('differs between subjects: each has its own alpha peak frequency', () => {
    const peaks = [0, 5, 9].map((subject) => {
      const r = synthesizeRecording({ subject, night: 1, seed: 11, hours: 1, channels: ['EEG Pz-Oz'] });
      const mean = new Float64Array(2048);
      let n = 0;
      for (let e = 0; e < r.stages.length; e++) {
        if (r.stages[e] !== 'W') continue;
        periodogram(epoch(r.recording.channels[0].data, e)).forEach((v, k) => (mean[k] += v));
        n++;
      }
      expect(n).toBeGreaterThan(10);
      let best = 0;
      for (let k = Math.ceil(7 / (100 / 4096)); k * (100 / 4096) < 13; k++) if (mean[k] > mean[best]) best = k;
      return best * (100 / 4096);
    });
    for (const p of peaks) expect(p).toBeGreaterThan(8);
    expect(Math.max(...peaks) - Math.min(...peaks)).toBeGreaterThan(0.5);
  });
});

describe('synthetic stages are not trivially separable', () => {
  it('a nearest-centroid classifier on log band powers learns something, but not everything, and N1 is its worst class', () => {
    const classes = ['W', '1', '2', '3', 'R'];
    const feats: number[][] = [];
    const labels: string[] = [];
    for (let e = 0; e < stages.length; e++) {
      if (!classes.includes(stages[e])) continue;
      const f: number[] = [];
      for (const x of [fpz.data, pz.data]) {
        const p = periodogram(epoch(x, e));
        for (const b of BANDS) f.push(Math.log(bandPower(p, b)));
      }
      feats.push(f);
      labels.push(stages[e]);
    }
    // Standardize, fit centroids on even epochs, score odd ones.
    const d = feats[0].length;
    const mu = Array.from({ length: d }, (_, j) => feats.reduce((s, f) => s + f[j], 0) / feats.length);
    const sd = Array.from({ length: d }, (_, j) => Math.sqrt(feats.reduce((s, f) => s + (f[j] - mu[j]) ** 2, 0) / feats.length));
    const z = feats.map((f) => f.map((v, j) => (v - mu[j]) / sd[j]));
    const centroid = Object.fromEntries(
      classes.map((c) => {
        const rows = z.filter((_, i) => i % 2 === 0 && labels[i] === c);
        return [c, Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length)];
      }),
    );
    const hits: Record<string, number[]> = Object.fromEntries(classes.map((c) => [c, [0, 0]]));
    z.forEach((f, i) => {
      if (i % 2 === 0) return;
      const predicted = classes.reduce((best, c) =>
        f.reduce((s, v, j) => s + (v - centroid[c][j]) ** 2, 0) < f.reduce((s, v, j) => s + (v - centroid[best][j]) ** 2, 0) ? c : best,
      );
      hits[labels[i]][0] += predicted === labels[i] ? 1 : 0;
      hits[labels[i]][1] += 1;
    });
    const recall = Object.fromEntries(classes.map((c) => [c, hits[c][0] / hits[c][1]]));
    const balanced = classes.reduce((s, c) => s + recall[c], 0) / classes.length;
    expect(balanced).toBeGreaterThan(0.5);
    expect(balanced).toBeLessThan(0.9);
    expect(recall['1']).toBeLessThan(0.6);
    for (const c of ['W', '2', '3', 'R']) expect(recall['1'], `N1 vs ${c}`).toBeLessThan(recall[c]);
  });
});
