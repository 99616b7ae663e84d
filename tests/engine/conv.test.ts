/**
 * conv1d / conv2d on the float64 CPU backend: PyTorch reference cases (forward and every
 * gradient), finite-difference gradient checks, and the errors bad shapes get.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { F, Generator, Tensor, gradcheck, noGrad, randn, tensor } from '../../engine/index.ts';
import type { Conv2dOptions } from '../../engine/ops/conv.ts';
import { runTorchCase, type TorchFixture } from '../helpers/torchCases.ts';
import { expectClose } from '../helpers/expectClose.ts';
import { OP_RUNNERS } from '../helpers/opRunners.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch/conv_pool.json', import.meta.url), 'utf8')) as TorchFixture;
const convCases = fixture.cases.filter((c) => c.op === 'conv2d' || c.op === 'conv1d');

describe('conv vs PyTorch', () => {
  it('has the reference cases', () => {
    expect(convCases.length).toBeGreaterThanOrEqual(15);
  });
  for (const c of convCases) {
    it(c.name, async () => {
      const r = await runTorchCase(c, OP_RUNNERS[c.op]);
      expect(r.outputShape).toEqual(c.output.shape);
      expectClose(r.output, c.output.data, 1e-9, 1e-12, `${c.name}: output`);
      for (const [k, g] of Object.entries(c.grads)) expectClose(r.grads[k], g.data, 1e-9, 1e-12, `${c.name}: grad ${k}`);
    });
  }
});

describe('conv2d by hand', () => {
  it('is a cross-correlation (the kernel is not flipped)', async () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
    const w = tensor([1, 0, 0, -1], [1, 1, 2, 2]);
    // out[i, j] = x[i, j] - x[i + 1, j + 1] = -4 everywhere, plus the bias
    const out = F.conv2d(x, w, tensor([0.5], [1]));
    expect(out.shape).toEqual([1, 1, 2, 2]);
    expect(Array.from(await out.data())).toEqual([-3.5, -3.5, -3.5, -3.5]);
  });

  it('gives the bias the sum of gradOut over batch and positions', async () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 1, 4]);
    const w = tensor([1, 1], [2, 1, 1, 1]);
    const b = tensor([0, 0], [2], { requiresGrad: true });
    F.conv2d(x, w, b).mul(tensor([1, 2], [1, 2, 1, 1])).sum().backward();
    expect(Array.from(await b.grad!.data())).toEqual([8, 16]);
  });

  it('takes unbatched input', async () => {
    const g = new Generator(3);
    const x = randn([2, 5, 6], { generator: g });
    const w = randn([3, 2, 2, 3], { generator: g });
    const batched = await F.conv2d(x.reshape([1, 2, 5, 6]), w).data();
    const out = F.conv2d(x, w);
    expect(out.shape).toEqual([3, 4, 4]);
    expect(Array.from(await out.data())).toEqual(Array.from(batched));
    const out1 = F.conv1d(randn([2, 7], { generator: g }), randn([4, 2, 3], { generator: g }));
    expect(out1.shape).toEqual([4, 5]);
  });

  it('keeps the Chambon temporal length: 3000 samples, kernel 50, padding 25 give 3001', () => {
    const out = noGrad(() => F.conv2d(tensor(new Float64Array(2 * 3000), [1, 1, 2, 3000]), tensor(new Float64Array(8 * 50), [8, 1, 1, 50]), null, { padding: [0, 25] }));
    expect(out.shape).toEqual([1, 8, 2, 3001]);
  });
});

/**
 * Gradient check of a conv reduced to a scalar through fixed random weights: one backward
 * instead of one per output element, and every output element still matters.
 */
async function checkConvGrad(op: (...xs: Tensor[]) => Tensor, inputs: Tensor[], seed: number): Promise<void> {
  const probe = noGrad(() => op(...inputs));
  const weighting = randn(probe.shape, { generator: new Generator(seed) });
  const r = await gradcheck((...xs) => op(...xs).mul(weighting).sum(), inputs, { eps: 1e-6, atol: 1e-6, rtol: 1e-5 });
  expect(r.failures, `worst excess ${r.worstExcess}`).toEqual([]);
  expect(r.ok).toBe(true);
  expect(r.checked).toBe(inputs.filter((t) => t.requiresGrad).reduce((n, t) => n + t.size, 0));
}

function leaves(seed: number, ...shapes: number[][]): Tensor[] {
  const g = new Generator(seed);
  return shapes.map((s) => randn(s, { generator: g, requiresGrad: true }));
}

describe('conv gradcheck (finite differences, float64)', () => {
  const cases: [string, number[], number[], Conv2dOptions, boolean][] = [
    ['basic with bias', [2, 3, 5, 6], [4, 3, 3, 2], {}, true],
    ['batch 1, one channel, half-kernel padding', [1, 1, 6, 7], [2, 1, 3, 5], { padding: [1, 2] }, true],
    ['stride and dilation, non-square kernel', [2, 2, 9, 10], [3, 2, 3, 2], { stride: [2, 3], padding: [1, 2], dilation: [2, 3] }, true],
    ['no bias, stride 2', [2, 2, 7, 7], [2, 2, 3, 3], { stride: 2, padding: 1 }, false],
    ['groups 2', [1, 4, 5, 5], [6, 2, 3, 3], { groups: 2, padding: 1 }, true],
    ['kernel as large as the input', [2, 2, 3, 5], [2, 2, 3, 5], {}, true],
    ['kernel larger than the input, covered by padding', [1, 1, 2, 4], [2, 1, 3, 6], { padding: [1, 1] }, true],
    ['Chambon temporal block shape', [2, 1, 2, 30], [3, 1, 1, 10], { padding: [0, 5] }, true],
  ];
  for (const [name, xShape, wShape, opts, withBias] of cases) {
    it(name, async () => {
      const inputs = leaves(xShape.length + wShape[0], xShape, wShape, ...(withBias ? [[wShape[0]]] : []));
      await checkConvGrad((x, w, b) => F.conv2d(x, w, b ?? null, opts), inputs, 11);
    });
  }

  it('input that needs no gradient (a data batch)', async () => {
    const [x, w, b] = leaves(5, [2, 2, 4, 5], [3, 2, 2, 2], [3]);
    x.requiresGrad = false;
    await checkConvGrad((xx, ww, bb) => F.conv2d(xx, ww, bb), [x, w, b], 12);
  });

  it('conv1d with stride, padding and dilation', async () => {
    await checkConvGrad((x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 3, dilation: 2 }), leaves(7, [2, 2, 15], [3, 2, 4], [3]), 13);
  });

  it('conv1d with groups, no bias', async () => {
    await checkConvGrad((x, w) => F.conv1d(x, w, null, { groups: 2, padding: 'same' }), leaves(8, [1, 4, 9], [4, 2, 3]), 14);
  });
});

describe('conv errors', () => {
  const x = tensor(new Float64Array(2 * 3 * 4 * 5), [2, 3, 4, 5]);
  it('names both shapes on a channel mismatch', () => {
    expect(() => F.conv2d(x, tensor(new Float64Array(4 * 2 * 3 * 3), [4, 2, 3, 3]))).toThrow(
      /conv2d: input \[2, 3, 4, 5\] has 3 channels but weight \[4, 2, 3, 3\] expects 2/,
    );
    expect(() => F.conv1d(tensor(new Float64Array(12), [1, 3, 4]), tensor(new Float64Array(4), [2, 2, 1]))).toThrow(
      /conv1d: input \[1, 3, 4\] has 3 channels but weight \[2, 2, 1\]/,
    );
  });
  it('rejects a kernel larger than the padded input', () => {
    expect(() => F.conv2d(x, tensor(new Float64Array(3 * 6), [1, 3, 1, 6]))).toThrow(/kernel \(1 x 6, dilated\) is larger than the padded input \(4 x 5\)/);
    expect(() => F.conv2d(x, tensor(new Float64Array(3 * 9), [1, 3, 3, 3]), null, { dilation: 2 })).toThrow(/kernel \(5 x 5, dilated\)/);
    expect(() => F.conv1d(tensor(new Float64Array(10), [1, 1, 10]), tensor(new Float64Array(50), [1, 1, 50]))).toThrow(
      /conv1d: kernel \(50, dilated\) is larger than the padded input \(10\) of input \[1, 1, 10\]/,
    );
  });
  it('rejects bad ranks, biases, groups and options', () => {
    expect(() => F.conv2d(tensor(new Float64Array(20), [4, 5]), tensor(new Float64Array(1), [1, 1, 1, 1]))).toThrow(/conv2d: input must be \[N, C, H, W\]/);
    expect(() => F.conv2d(x, tensor(new Float64Array(3), [1, 3, 1]))).toThrow(/conv2d: weight must be/);
    expect(() => F.conv2d(x, tensor(new Float64Array(6), [2, 3, 1, 1]), tensor([1, 2, 3], [3]))).toThrow(/bias must be \[2\].*got \[3\]/);
    expect(() => F.conv2d(x, tensor(new Float64Array(6), [2, 3, 1, 1]), null, { groups: 2 })).toThrow(/input channels \(3, input \[2, 3, 4, 5\]\) must be divisible by groups \(2\)/);
    expect(() => F.conv2d(x, tensor(new Float64Array(6), [2, 3, 1, 1]), null, { stride: 0 })).toThrow(/conv2d: stride must be an integer >= 1/);
    expect(() => F.conv2d(x, tensor(new Float64Array(6), [2, 3, 1, 1]), null, { padding: -1 })).toThrow(/conv2d: padding must be an integer >= 0/);
    expect(() => F.conv2d(x, tensor(new Float64Array(27), [1, 3, 3, 3]), null, { padding: 'same', stride: 2 })).toThrow(/'same' is not supported for strided/);
    expect(() => F.conv2d(x, tensor(new Float64Array(12), [1, 3, 2, 2]), null, { padding: 'same' })).toThrow(/needs asymmetric padding/);
  });
});
