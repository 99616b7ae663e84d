import { describe, expect, it } from 'vitest';
import { Generator } from '../../engine/index.ts';
import type { EpochSet } from '../../sleep/epochs/index.ts';
import { decodeSafetensors } from '../../sleep/model/index.ts';
import { bandPowerFeatures, predict, runBandPowerBaseline, transformStandard } from '../../sleep/baseline/index.ts';
import { compareRuns, decodeRunsFile, encodeRunsFile, validateRunRecord, type RunEpoch } from '../../sleep/runs/index.ts';

/** Windows whose stage k is a tone in band k (2, 6, 10, 13, 20 Hz) over white noise. */
function toneSet(seed: number, perClass: number): EpochSet {
  const g = new Generator(seed);
  const tones = [2, 6, 10, 13, 20];
  const n = perClass * 5;
  const data = new Float32Array(n * 2 * 3000);
  const labels = new Int32Array(n);
  for (let e = 0; e < n; e++) {
    const k = e % 5;
    labels[e] = k;
    const phase = g.uniform(0, 2 * Math.PI);
    for (let c = 0; c < 2; c++) for (let t = 0; t < 3000; t++) data[(e * 2 + c) * 3000 + t] = 2 * Math.sin((2 * Math.PI * tones[k] * t) / 100 + phase) + g.normal();
  }
  return { data, labels, starts: new Int32Array(n), nEpochs: n, nChannels: 2, nSamples: 3000, sfreq: 100 };
}

describe('band-power baseline run', () => {
  const splits = { train: [toneSet(1, 8), toneSet(2, 4)], valid: [toneSet(3, 4)], test: [toneSet(4, 6)] };
  const data = { trainSubjects: [14, 15], validSubjects: [10], testSubjects: [0], synthetic: true };
  const rows: RunEpoch[] = [];
  const result = runBandPowerBaseline(splits, data, { iterations: 300, reportEvery: 50, name: 'tones', created: new Date('2024-01-02T03:04:05Z'), onEpoch: (r) => rows.push(r) });

  it('learns the tones and records a run like the ConvNet\'s', () => {
    expect(result.test.balancedAccuracy).toBe(1);
    expect(result.valid.kappa).toBe(1);
    const r = result.record;
    validateRunRecord(r);
    expect(r).toMatchObject({ name: 'tones', model: 'logistic-regression', created: '2024-01-02T03:04:05.000Z', status: 'completed' });
    expect(r.data.windows).toEqual({ train: 60, valid: 20, test: 30 });
    expect(r.history.map((h) => h.step)).toEqual([50, 100, 150, 200, 250, 300]);
    expect(rows).toEqual(r.history);
    expect(r.history[5].trainLoss as number).toBeLessThan(r.history[0].trainLoss as number);
    expect(r.confusion.test).toEqual([0, 1, 2, 3, 4].map((i) => [0, 1, 2, 3, 4].map((j) => (i === j ? 6 : 0))));
    expect(r.metrics.test).toMatchObject({ accuracy: 1, balancedAccuracy: 1, kappa: 1, macroF1: 1 });
  });

  it('stores weights and scaler that reproduce the predictions, and survives export/import and comparison', () => {
    const r = result.record;
    const st = decodeSafetensors((r.weights as { bytes: Uint8Array }).bytes);
    expect([...st.tensors.keys()]).toEqual(['linear.weight', 'linear.bias', 'scaler.mean', 'scaler.scale']);
    expect(JSON.parse(st.metadata.features)).toEqual(result.featureNames);
    const w = st.tensors.get('linear.weight')!;
    expect(w.shape).toEqual([5, 10]);
    const model = { coef: w.data, intercept: st.tensors.get('linear.bias')!.data, nClasses: 5, nFeatures: 10, objective: 0, classWeights: null };
    const scaler = { mean: st.tensors.get('scaler.mean')!.data, scale: st.tensors.get('scaler.scale')!.data };
    const xt = transformStandard(bandPowerFeatures(splits.test), scaler);
    expect([...predict(model, xt)]).toEqual([...splits.test[0].labels]);
    const back = decodeRunsFile(encodeRunsFile([r]));
    expect(back.runs[0]).toEqual(r);
    const other = runBandPowerBaseline(splits, data, { iterations: 100, reportEvery: 50, C: 0.01 }).record;
    const cmp = compareRuns([r, other]);
    expect(cmp.differences.map((d) => d.key)).toEqual(['config.C', 'config.iterations']);
    expect(cmp.curves.validBalancedAccuracy[1].slice(2)).toEqual([null, null, null, null]);
  });
});
