/**
 * maxPool1d / maxPool2d / avgPool2d on the float64 CPU backend: PyTorch reference cases
 * (forward and gradient), finite-difference gradient checks, hand-derived values, errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { F, Generator, Tensor, gradcheck, liveTensorCount, noGrad, randn, tensor } from '../../engine/index.ts';
import { runTorchCase, type TorchFixture } from '../helpers/torchCases.ts';
import { expectClose } from '../helpers/expectClose.ts';
import { OP_RUNNERS } from '../helpers/opRunners.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch/conv_pool.json', import.meta.url), 'utf8')) as TorchFixture;
const poolCases = fixture.cases.filter((c) => c.op.includes('Pool'));

describe('pooling vs PyTorch', () => {
  it('has the reference cases', () => {
    expect(poolCases.length).toBeGreaterThanOrEqual(15);
  });
  for (const c of poolCases) {
    it(c.name, async () => {
      const r = await runTorchCase(c, OP_RUNNERS[c.op]);
      expect(r.outputShape).toEqual(c.output.shape);
      expectClose(r.output, c.output.data, 1e-9, 1e-12, `${c.name}: output`);
      expectClose(r.grads.x, c.grads.x.data, 1e-9, 1e-12, `${c.name}: grad x`);
    });
  }
});

describe('pooling by hand', () => {
  it('floors the length: 3001 with kernel 12 gives 250, 3000 gives 250, ceil mode 251', () => {
    const x = tensor(new Float64Array(3001), [1, 1, 3001]);
    expect(F.maxPool1d(x, 12).shape).toEqual([1, 1, 250]);
    expect(F.maxPool1d(x, 12, { ceilMode: true }).shape).toEqual([1, 1, 251]);
    expect(F.maxPool2d(tensor(new Float64Array(3000), [1, 1, 1, 3000]), [1, 12]).shape).toEqual([1, 1, 1, 250]);
    expect(F.avgPool2d(x.reshape([1, 1, 3001]), [1, 12]).shape).toEqual([1, 1, 250]);
  });

  it('gives a tie to the first maximum and accumulates overlapping windows', async () => {
    const x = tensor([1, 1, 0, 1, 1, 0], [1, 1, 6], { requiresGrad: true });
    // windows [0,1,2], [1,2,3], [2,3,4], [3,4,5] (stride 1): winners 0, 1, 3, 3
    const out = F.maxPool1d(x, 3, { stride: 1 });
    out.mul(tensor([1, 10, 100, 1000], [1, 1, 4])).sum().backward();
    expect(Array.from(await out.data())).toEqual([1, 1, 1, 1]);
    expect(Array.from(await x.grad!.data())).toEqual([1, 10, 0, 1100, 0, 0]);
  });

  it('pads max with -inf and avg with zeros, and propagates NaN', async () => {
    const x = tensor([-5, -6, -7, -8], [1, 1, 4]);
    expect(Array.from(await F.maxPool1d(x, 2, { stride: 2, padding: 1 }).data())).toEqual([-5, -6, -8]);
    const avg = F.avgPool2d(tensor([2, 4, 6, 8], [1, 1, 1, 4]), [1, 2], { padding: [0, 1] });
    expect(Array.from(await avg.data())).toEqual([1, 5, 4]);
    const avgExcl = F.avgPool2d(tensor([2, 4, 6, 8], [1, 1, 1, 4]), [1, 2], { padding: [0, 1], countIncludePad: false });
    expect(Array.from(await avgExcl.data())).toEqual([2, 5, 8]);
    const nan = F.maxPool1d(tensor([1, NaN, 3, 4], [1, 1, 4]), 2);
    expect(Array.from(await nan.data())).toEqual([NaN, 4]);
  });

  it('takes unbatched input', async () => {
    const x = randn([2, 4, 6], { generator: new Generator(1) });
    expect(F.maxPool2d(x, 2).shape).toEqual([2, 2, 3]);
    expect(Array.from(await F.avgPool2d(x, 2).data())).toEqual(Array.from(await F.avgPool2d(x.reshape([1, 2, 4, 6]), 2).data()));
    expect(F.maxPool1d(tensor([1, 2, 3, 4], [1, 4]), 2).shape).toEqual([1, 2]);
  });

  it('keeps no winner indices when no gradient is recorded', () => {
    const x = randn([1, 2, 8, 8], { generator: new Generator(2) });
    const before = liveTensorCount();
    const out = noGrad(() => F.maxPool2d(x, 2));
    expect(liveTensorCount()).toBe(before + 1);
    expect(out.gradFn).toBeNull();
  });
});

/** Gradient check reduced to a scalar through fixed random weights (one backward per check). */
async function checkPoolGrad(op: (x: Tensor) => Tensor, shape: number[], seed: number): Promise<void> {
  const g = new Generator(seed);
  const x = randn(shape, { generator: g, requiresGrad: true });
  const probe = noGrad(() => op(x));
  const weighting = randn(probe.shape, { generator: g });
  const r = await gradcheck((xx) => op(xx).mul(weighting).sum(), [x], { eps: 1e-6, atol: 1e-6, rtol: 1e-5 });
  expect(r.failures, `worst excess ${r.worstExcess}`).toEqual([]);
  expect(r.ok).toBe(true);
  expect(r.checked).toBe(x.size);
}

describe('pooling gradcheck (finite differences, float64)', () => {
  it('maxPool2d, batch 1, one channel', () => checkPoolGrad((x) => F.maxPool2d(x, 2), [1, 1, 6, 8], 1));
  it('maxPool2d overlapping windows (stride < kernel), padded', () => checkPoolGrad((x) => F.maxPool2d(x, 3, { stride: 1, padding: 1 }), [2, 2, 5, 6], 2));
  it('maxPool2d non-square kernel and stride, ceil mode', () =>
    checkPoolGrad((x) => F.maxPool2d(x, [2, 3], { stride: [1, 2], padding: [1, 1], ceilMode: true }), [1, 3, 5, 8], 3));
  it('maxPool2d kernel as large as the input', () => checkPoolGrad((x) => F.maxPool2d(x, [4, 5]), [2, 2, 4, 5], 4));
  it('maxPool1d with a remainder: 3001 with kernel 12', () => checkPoolGrad((x) => F.maxPool1d(x, 12), [1, 1, 3001], 5));
  it('maxPool1d overlapping, ceil mode', () => checkPoolGrad((x) => F.maxPool1d(x, 5, { stride: 2, padding: 2, ceilMode: true }), [2, 2, 14], 6));
  it('avgPool2d', () => checkPoolGrad((x) => F.avgPool2d(x, 2), [2, 2, 4, 7], 7));
  it('avgPool2d overlapping, padded, non-square', () => checkPoolGrad((x) => F.avgPool2d(x, [3, 2], { stride: [1, 2], padding: [1, 1] }), [1, 2, 5, 6], 8));
  it('avgPool2d ceil mode, last window clipped to the padded input', () => checkPoolGrad((x) => F.avgPool2d(x, 3, { stride: 2, ceilMode: true }), [1, 2, 5, 8], 11));
  it('avgPool2d without padding in the count, ceil mode', () =>
    checkPoolGrad((x) => F.avgPool2d(x, [3, 4], { stride: [2, 3], padding: [1, 2], ceilMode: true, countIncludePad: false }), [1, 2, 6, 9], 9));
  it('avgPool2d with a remainder: 3001 with kernel (1, 12)', () => checkPoolGrad((x) => F.avgPool2d(x, [1, 12]), [1, 1, 1, 3001], 10));
});

describe('pooling errors', () => {
  const x = tensor(new Float64Array(2 * 3 * 4 * 5), [2, 3, 4, 5]);
  it('rejects a kernel larger than the padded input', () => {
    expect(() => F.maxPool2d(x, [5, 2])).toThrow(/maxPool2d: kernel \(5 x 2\) is larger than the padded input \(4 x 5\) of input \[2, 3, 4, 5\]/);
    expect(() => F.maxPool1d(tensor(new Float64Array(10), [1, 1, 10]), 12)).toThrow(/maxPool1d: kernel \(12\) is larger than the padded input \(10\)/);
    expect(() => F.avgPool2d(x, 6)).toThrow(/avgPool2d: kernel \(6 x 6\)/);
  });
  it('rejects padding above half the kernel, bad sizes and ranks', () => {
    expect(() => F.maxPool2d(x, 2, { padding: 2 })).toThrow(/maxPool2d: padding \(2 x 2\) must be at most half the kernel size \(2 x 2\)/);
    expect(() => F.maxPool2d(x, 0)).toThrow(/maxPool2d: kernelSize must be an integer >= 1/);
    expect(() => F.avgPool2d(x, 2, { stride: [1, 0] })).toThrow(/avgPool2d: stride must be an integer >= 1/);
    expect(() => F.maxPool2d(tensor([1, 2], [2]), 1)).toThrow(/maxPool2d: input must be \[N, C, H, W\]/);
    expect(() => F.maxPool1d(x, 2)).toThrow(/maxPool1d: input must be \[N, C, L\]/);
  });
});
