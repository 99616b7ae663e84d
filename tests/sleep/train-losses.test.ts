/**
 * Training losses: focal loss against the formula evaluated directly in float64, gradchecks of
 * focal and label-smoothed cross-entropy (finite differences), and focal with gamma = 0 equal
 * to the weighted cross-entropy bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { F, Generator, gradcheck, liveTensorCount, tensor, tidy } from '../../engine/index.ts';
import { focalLoss, makeLoss } from '../../sleep/train/losses.ts';
import { resolveTrainConfig } from '../../sleep/train/config.ts';

const N = 6;
const C = 5;
const targets = [0, 4, 2, 2, 1, 3];
const weight = [0.7, 2.5, 0.9, 1.3, 1.8];

function logitsValues(seed: number): Float64Array {
  const g = new Generator(seed);
  return Float64Array.from({ length: N * C }, () => 2 * g.normal());
}

/** FL by the definition, in plain float64 arithmetic: log-sum-exp softmax, then the weighted mean. */
function focalByHand(x: Float64Array, y: readonly number[], gamma: number, w: readonly number[] | null): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < y.length; i++) {
    const row = x.subarray(i * C, (i + 1) * C);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    const logPt = row[y[i]] - lse;
    const wt = w ? w[y[i]] : 1;
    num += -((1 - Math.exp(logPt)) ** gamma) * wt * logPt;
    den += wt;
  }
  return num / den;
}

describe('focal loss', () => {
  it('equals -(1 - p_t)^gamma w_t log p_t averaged by the weights', async () => {
    const x = logitsValues(1);
    for (const gamma of [0.5, 1, 2, 3.5]) {
      for (const w of [null, weight]) {
        const loss = focalLoss(tensor(x, [N, C]), targets, { gamma, weight: w });
        expect(await loss.item()).toBeCloseTo(focalByHand(x, targets, gamma, w), 13);
      }
    }
    // 'sum' and 'none' against the same terms.
    const none = await focalLoss(tensor(x, [N, C]), targets, { gamma: 2, weight, reduction: 'none' }).data();
    const sum = await focalLoss(tensor(x, [N, C]), targets, { gamma: 2, weight, reduction: 'sum' }).item();
    expect(none.length).toBe(N);
    expect(sum).toBeCloseTo(none.reduce((a, b) => a + b, 0), 13);
  });

  it('with gamma = 0 is exactly the weighted cross-entropy (value and gradient)', async () => {
    const x = logitsValues(2);
    const a = tensor(x, [N, C], { requiresGrad: true });
    const b = tensor(x, [N, C], { requiresGrad: true });
    const fl = focalLoss(a, targets, { gamma: 0, weight });
    const ce = F.crossEntropy(b, targets, { weight });
    expect(await fl.item()).toBe(await ce.item());
    fl.backward();
    ce.backward();
    expect(Array.from(await a.grad!.data())).toEqual(Array.from(await b.grad!.data()));
  });

  it('passes gradcheck for several gamma, weighted and not', async () => {
    for (const [gamma, w] of [[2, weight], [0.5, null], [1, weight]] as const) {
      const x = tensor(logitsValues(3), [N, C], { requiresGrad: true });
      const r = await gradcheck((z) => focalLoss(z, targets, { gamma, weight: w }), [x], { eps: 1e-6, atol: 1e-7, rtol: 1e-5 });
      expect(r.ok, JSON.stringify(r.failures)).toBe(true);
      expect(r.checked).toBe(N * C);
    }
  });

  it('refuses bad targets and gamma naming the problem', () => {
    const x = tensor(logitsValues(4), [N, C]);
    expect(() => focalLoss(x, [0, 1, 2, 3, 4, 5], {})).toThrow(/target\[5\] = 5 is not a class index in \[0, 5\)/);
    expect(() => focalLoss(x, [0, 1], {})).toThrow(/2 targets for 6 samples/);
    expect(() => focalLoss(x, targets, { gamma: -1 })).toThrow(/gamma must be >= 0/);
    expect(() => focalLoss(x, targets, { weight: [1, 2] })).toThrow(/one value per class \(5\)/);
  });
});

describe('makeLoss', () => {
  it('cross-entropy with label smoothing passes gradcheck and matches F.crossEntropy', async () => {
    const cfg = resolveTrainConfig({ loss: { labelSmoothing: 0.1 } }).loss;
    const lossFn = makeLoss(cfg, Float64Array.from(weight));
    const x = logitsValues(5);
    expect(await lossFn(tensor(x, [N, C]), targets).item()).toBe(await F.crossEntropy(tensor(x, [N, C]), targets, { weight, labelSmoothing: 0.1 }).item());
    const r = await gradcheck((z) => lossFn(z, targets), [tensor(x, [N, C], { requiresGrad: true })], { eps: 1e-6, atol: 1e-7, rtol: 1e-5 });
    expect(r.ok, JSON.stringify(r.failures)).toBe(true);
  });

  it('label smoothing moves the loss as the closed form says for uniform logits', async () => {
    // Uniform logits: every log p = -log C, so the loss is log C whatever the smoothing.
    const lossFn = makeLoss(resolveTrainConfig({ loss: { labelSmoothing: 0.3, classWeights: 'none' } }).loss, null);
    expect(await lossFn(tensor(new Float64Array(N * C), [N, C]), targets).item()).toBeCloseTo(Math.log(C), 14);
  });

  it('focal from the config uses the balanced weights; unweighted ignores them', async () => {
    const x = logitsValues(6);
    const focal = makeLoss(resolveTrainConfig({ loss: { name: 'focal', gamma: 2 } }).loss, Float64Array.from(weight));
    expect(await focal(tensor(x, [N, C]), targets).item()).toBeCloseTo(focalByHand(x, targets, 2, weight), 13);
    const plain = makeLoss(resolveTrainConfig({ loss: { name: 'focal', gamma: 2, classWeights: 'none' } }).loss, Float64Array.from(weight));
    expect(await plain(tensor(x, [N, C]), targets).item()).toBeCloseTo(focalByHand(x, targets, 2, null), 13);
  });

  it('a loss inside tidy leaves no tensors behind', () => {
    const before = liveTensorCount();
    const x = tensor(logitsValues(7), [N, C], { requiresGrad: true });
    tidy(() => {
      focalLoss(x, targets, { gamma: 2, weight }).backward();
    });
    x.grad!.dispose();
    x.dispose();
    expect(liveTensorCount()).toBe(before);
  });
});
