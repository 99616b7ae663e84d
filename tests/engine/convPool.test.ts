/**
 * F.conv2dReluMaxPool2d on the float64 CPU backend: values and gradients equal to the unfused
 * maxPool2d(conv2dRelu(...)) on the shapes that break index arithmetic (a pooling remainder,
 * pools of 3 and 4, a kernel as tall as the input, batch 1 with one channel, no bias, a strided
 * conv, overlapping and padded pools, ceil mode, a 3x3 conv), Chambon's two blocks, windows with
 * equal maxima (integer data, all-zero ReLU output), finite differences, one recorded op, and
 * the errors for bad input.
 */
import { describe, expect, it } from 'vitest';
import { F, Generator, Tensor, extractGraph, gradcheck, noGrad, randn, tensor } from '../../engine/index.ts';
import type { Conv2dOptions } from '../../engine/ops/conv.ts';
import type { Pool2dOptions } from '../../engine/ops/pool.ts';
import type { Size2 } from '../../engine/ops/spatial.ts';

type ConvOpts = Omit<Conv2dOptions, 'activation'>;

interface Case {
  name: string;
  x: number[];
  w: number[];
  bias: boolean;
  conv: ConvOpts;
  kernel: Size2;
  pool?: Pool2dOptions;
}

const CASES: Case[] = [
  { name: "Chambon conv 1 (2 x 1 x 2 x 3000, 50 taps, pool 12, remainder 1)", x: [2, 1, 2, 3000], w: [8, 1, 1, 50], bias: true, conv: { padding: [0, 25] }, kernel: [1, 12] },
  { name: 'Chambon conv 2 (8 -> 8 channels, 250 samples)', x: [2, 8, 2, 250], w: [8, 8, 1, 50], bias: true, conv: { padding: [0, 25] }, kernel: [1, 12] },
  { name: 'pooling remainder (22 outputs, pool 4)', x: [1, 2, 1, 23], w: [3, 2, 1, 4], bias: true, conv: { padding: [0, 1] }, kernel: [1, 4] },
  { name: 'pool 3 over three rows', x: [2, 2, 3, 14], w: [4, 2, 1, 3], bias: true, conv: {}, kernel: [1, 3] },
  { name: 'kernel as tall as the input, pool 4', x: [2, 3, 2, 12], w: [4, 3, 2, 5], bias: true, conv: { padding: [0, 2] }, kernel: [1, 4] },
  { name: 'batch 1, one channel in and out, pool 2', x: [1, 1, 1, 20], w: [1, 1, 1, 5], bias: true, conv: {}, kernel: [1, 2] },
  { name: 'no bias, pool 6', x: [2, 3, 2, 30], w: [5, 3, 1, 7], bias: false, conv: { padding: [0, 3] }, kernel: [1, 6] },
  { name: 'stride-2 conv with padding, 2x2 pool', x: [2, 2, 5, 17], w: [3, 2, 2, 3], bias: true, conv: { stride: 2, padding: 1 }, kernel: 2 },
  { name: 'overlapping pool (1 x 3, stride 2)', x: [2, 2, 2, 19], w: [3, 2, 1, 4], bias: true, conv: { padding: [0, 2] }, kernel: [1, 3], pool: { stride: [1, 2] } },
  { name: 'pool padding (2 x 3, pad 1)', x: [1, 2, 4, 11], w: [3, 2, 1, 3], bias: true, conv: {}, kernel: [2, 3], pool: { padding: 1 } },
  { name: 'ceil mode (3 x 3 stride 2, pad 1)', x: [2, 1, 6, 10], w: [2, 1, 2, 2], bias: true, conv: {}, kernel: 3, pool: { stride: 2, padding: 1, ceilMode: true } },
  { name: '3x3 conv pad 1, 2x2 pool', x: [2, 3, 7, 9], w: [4, 3, 3, 3], bias: true, conv: { padding: 1 }, kernel: 2 },
  { name: 'groups 2 and dilation 2', x: [1, 4, 3, 16], w: [4, 2, 1, 3], bias: true, conv: { groups: 2, dilation: 2, padding: [0, 2] }, kernel: [1, 4] },
];

function leaves(seed: number, c: Case, requiresGrad: [boolean, boolean, boolean] = [true, true, true]): Tensor[] {
  const g = new Generator(seed);
  const xs = [randn(c.x, { generator: g, requiresGrad: requiresGrad[0] }), randn(c.w, { generator: g, requiresGrad: requiresGrad[1] })];
  if (c.bias) xs.push(randn([c.w[0]], { generator: g, requiresGrad: requiresGrad[2] }));
  return xs;
}

const fused = (c: Case) => (x: Tensor, w: Tensor, b?: Tensor) => F.conv2dReluMaxPool2d(x, w, b ?? null, c.conv, c.kernel, c.pool);
const composed = (c: Case) => (x: Tensor, w: Tensor, b?: Tensor) => F.maxPool2d(F.conv2dRelu(x, w, b ?? null, c.conv), c.kernel, c.pool);

/** The output, then each input's gradient of sum(op(...) * r) (null where it needs none), r fixed by `seed`. */
async function valuesAndGrads(op: (...xs: Tensor[]) => Tensor, inputs: Tensor[], seed: number): Promise<(number[] | null)[]> {
  for (const t of inputs) t.grad = null;
  const out = op(...inputs);
  const r = randn(out.shape, { generator: new Generator(seed) });
  out.mul(r).sum().backward();
  const got: (number[] | null)[] = [Array.from(await out.data())];
  for (const t of inputs) got.push(t.grad ? Array.from(await t.grad.data()) : null);
  return got;
}

function expectClose(actual: (number[] | null)[], expected: (number[] | null)[], what: string): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i];
    const label = `${what}: ${i === 0 ? 'output' : `grad of input ${i - 1}`}`;
    if (e === null || a === null) {
      expect(a, label).toBe(e);
      return;
    }
    expect(a.length, label).toBe(e.length);
    // The CPU path runs its parts' kernels, so agreement is exact in practice; 1e-12 leaves room
    // for a backend that sums in another order without hiding a wrong index (errors of order 1).
    let worst = 0;
    for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - e[j]) / (1 + Math.abs(e[j])));
    expect(worst, label).toBeLessThanOrEqual(1e-12);
  });
}

describe('conv2dReluMaxPool2d on the CPU equals maxPool2d(conv2dRelu(...))', () => {
  CASES.forEach((c, i) => {
    it(`${c.name}: values and gradients of x, weight${c.bias ? ', bias' : ''}`, async () => {
      const inputs = leaves(100 + i, c);
      const got = await valuesAndGrads(fused(c), inputs, 7 + i);
      const want = await valuesAndGrads(composed(c), inputs, 7 + i);
      const out = noGrad(() => fused(c)(inputs[0], inputs[1], inputs[2]));
      expect(out.shape).toEqual(noGrad(() => composed(c)(inputs[0], inputs[1], inputs[2])).shape);
      // Some windows pass the ReLU, some are clipped to 0: both sides of the mask are exercised.
      expect(got[0]!.some((v) => v > 0)).toBe(true);
      expect(got.every((g) => g !== null && g.some((v) => v !== 0))).toBe(true);
      expectClose(got, want, c.name);
    });
  });

  it('also equals maxPool2d(relu(conv2d(...))) built from the three public ops', async () => {
    const c = CASES[2];
    const inputs = leaves(150, c);
    const got = await valuesAndGrads(fused(c), inputs, 3);
    const want = await valuesAndGrads((x, w, b) => F.maxPool2d(F.relu(F.conv2d(x, w, b, c.conv)), c.kernel, c.pool), inputs, 3);
    expectClose(got, want, c.name);
  });

  it('gives an equal-maxima window the gradient the composition gives (integer data, first winner)', async () => {
    // Integer inputs and weights: every conv output is an exact integer, so windows hold equal
    // maxima, and the winner rule (the first maximum) decides where the gradient goes.
    const g = new Generator(31);
    const ints = (shape: number[]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      return tensor(Array.from({ length: n }, () => g.randint(3) - 1), shape, { requiresGrad: true });
    };
    for (const c of [CASES[2], CASES[3], CASES[8], CASES[10]]) {
      const inputs = [ints(c.x), ints(c.w), ints([c.w[0]])];
      const got = await valuesAndGrads(fused(c), inputs, 41);
      const want = await valuesAndGrads(composed(c), inputs, 41);
      expectClose(got, want, `${c.name}, integer data`);
      // There were ties among positive maxima (otherwise this test would not test the rule).
      const y = Array.from(await noGrad(() => F.conv2dRelu(inputs[0], inputs[1], inputs[2], c.conv)).data());
      const pooled = got[0]!;
      expect(pooled.some((v) => v > 0 && y.filter((u) => u === v).length > 1), c.name).toBe(true);
    }
  });

  it('passes no gradient through windows whose every conv output is negative (ReLU output all 0)', async () => {
    const c = CASES[3];
    const [x, w] = leaves(160, c);
    // A large negative bias on channel 0 only: its windows tie at 0, the other channels do not.
    const b = tensor([-1000, 0.5, 0, -0.5], [4], { requiresGrad: true });
    const got = await valuesAndGrads(fused(c), [x, w, b], 11);
    const want = await valuesAndGrads(composed(c), [x, w, b], 11);
    expectClose(got, want, 'negative channel');
    const [n, o, h, wOut] = noGrad(() => fused(c)(x, w, b)).shape;
    const pooled = got[0]!;
    for (let s = 0; s < n; s++) for (let i = 0; i < h * wOut; i++) expect(pooled[(s * o + 0) * h * wOut + i]).toBe(0);
    expect(got[3]![0]).toBe(0);
    expect(got[3]!.slice(1).some((v) => v !== 0)).toBe(true);
  });

  it('computes only the gradients asked for, and they equal the composition', async () => {
    const c = CASES[4];
    for (const need of [[false, true, false], [true, false, false], [false, false, true]] as [boolean, boolean, boolean][]) {
      const inputs = leaves(170, c, need);
      const got = await valuesAndGrads(fused(c), inputs, 13);
      const want = await valuesAndGrads(composed(c), inputs, 13);
      expect(got.slice(1).map((gr) => gr !== null)).toEqual(need);
      expectClose(got, want, `needs ${need}`);
    }
  });

  it('records nothing under noGrad and gives the same values', async () => {
    const c = CASES[2];
    const inputs = leaves(180, c);
    const out = noGrad(() => fused(c)(inputs[0], inputs[1], inputs[2]));
    expect(out.gradFn).toBeNull();
    expect(out.requiresGrad).toBe(false);
    const want = noGrad(() => composed(c)(inputs[0], inputs[1], inputs[2]));
    expect(Array.from(await out.data())).toEqual(Array.from(await want.data()));
  });

  it('is one recorded op, conv2dReluMaxPool2d, with its inputs as parents', () => {
    const c = CASES[2];
    const [x, w, b] = leaves(190, c);
    const graph = extractGraph(fused(c)(x, w, b).sum());
    expect(graph.ops.map((o) => o.name)).toEqual(['conv2dReluMaxPool2d', 'sum']);
    expect(graph.ops[0].source).toBe('engine/ops/convPool.ts');
    const noBias = extractGraph(F.conv2dReluMaxPool2d(x, w, null, c.conv, c.kernel).sum());
    expect(noBias.ops.map((o) => o.name)).toEqual(['conv2dReluMaxPool2d', 'sum']);
  });
});

describe('conv2dReluMaxPool2d gradcheck (finite differences)', () => {
  const small: Case[] = [
    { name: 'row conv, pool 3 with remainder', x: [2, 2, 1, 11], w: [3, 2, 1, 3], bias: true, conv: { padding: [0, 1] }, kernel: [1, 3] },
    { name: 'kernel as tall as the input, pool 2', x: [1, 2, 2, 9], w: [2, 2, 2, 3], bias: true, conv: { padding: [0, 1] }, kernel: [1, 2] },
    { name: 'overlapping padded pool, no bias', x: [1, 1, 3, 8], w: [2, 1, 2, 2], bias: false, conv: { padding: [1, 0] }, kernel: [2, 3], pool: { stride: [1, 2], padding: [1, 1] } },
    { name: 'strided conv, ceil-mode pool', x: [1, 2, 5, 7], w: [2, 2, 2, 2], bias: true, conv: { stride: 2, padding: 1 }, kernel: 2, pool: { ceilMode: true } },
  ];
  small.forEach((c, i) => {
    it(`${c.name}`, async () => {
      const inputs = leaves(200 + i, c);
      const probe = noGrad(() => fused(c)(inputs[0], inputs[1], inputs[2]));
      const weighting = randn(probe.shape, { generator: new Generator(60 + i) });
      const r = await gradcheck((x, w, b) => fused(c)(x, w, b).mul(weighting).sum(), inputs, { eps: 1e-6, atol: 1e-6, rtol: 1e-5 });
      expect(r.failures, `worst excess ${r.worstExcess}`).toEqual([]);
      expect(r.checked).toBe(inputs.reduce((n, t) => n + t.size, 0));
    });
  });

  it('checks only the inputs that require grad', async () => {
    const c = small[0];
    const inputs = leaves(210, c, [false, true, false]);
    const probe = noGrad(() => fused(c)(inputs[0], inputs[1], inputs[2]));
    const weighting = randn(probe.shape, { generator: new Generator(70) });
    const r = await gradcheck((x, w, b) => fused(c)(x, w, b).mul(weighting).sum(), inputs, { eps: 1e-6, atol: 1e-6, rtol: 1e-5 });
    expect(r.failures).toEqual([]);
    expect(r.checked).toBe(inputs[1].size);
  });
});

describe('conv2dReluMaxPool2d errors', () => {
  const g = new Generator(5);
  const x = randn([1, 2, 1, 10], { generator: g });
  const w = randn([3, 2, 1, 3], { generator: g });
  const op = (xx: Tensor, ww: Tensor, bb: Tensor | null, kernel: Size2 = [1, 2], pool: Pool2dOptions = {}, conv: ConvOpts = {}) => () =>
    F.conv2dReluMaxPool2d(xx, ww, bb, conv, kernel, pool);

  it('names the op and both shapes for a channel mismatch', () => {
    expect(op(x, randn([3, 1, 1, 3]), null)).toThrow(/^conv2dReluMaxPool2d: input \[1, 2, 1, 10\] has 2 channels but weight \[3, 1, 1, 3\] expects 1/);
  });

  it('wants a 4-D input and a 4-D weight', () => {
    expect(op(randn([2, 1, 2, 1, 10]), w, null)).toThrow(/^conv2dReluMaxPool2d: input must be \[N, C, H, W\] or unbatched \[C, H, W\], got \[2, 1, 2, 1, 10\]/);
    expect(op(x, randn([3, 2, 3]), null)).toThrow(/^conv2dReluMaxPool2d: weight must be \[outChannels, inChannels \/ groups, kH, kW\], got \[3, 2, 3\]/);
  });

  it('wants one bias per output channel', () => {
    expect(op(x, w, randn([2]))).toThrow(/^conv2dReluMaxPool2d: bias must be \[3\] \(one per output channel of weight \[3, 2, 1, 3\]\), got \[2\]/);
  });

  it('refuses a pool larger than the conv output, naming what it pools', () => {
    // conv output is [1, 3, 1, 8]; a 1 x 9 window does not fit.
    expect(op(x, w, null, [1, 9])).toThrow(/^conv2dReluMaxPool2d: kernel \(1 x 9\) is larger than the padded input \(1 x 8\) of input relu\(conv2d\(\[1, 2, 1, 10\]\)\)/);
  });

  it('refuses bad pool sizes and padding over half the window', () => {
    expect(op(x, w, null, 0)).toThrow(/^conv2dReluMaxPool2d: kernelSize must be an integer >= 1 or a pair of them, got 0/);
    expect(op(x, w, null, [1, 2], { padding: [0, 2] })).toThrow(/^conv2dReluMaxPool2d: padding \(0 x 2\) must be at most half the kernel size \(1 x 2\)/);
  });

  it('refuses bad conv options by name', () => {
    expect(op(x, w, null, [1, 2], {}, { stride: 0 })).toThrow(/^conv2dReluMaxPool2d: stride must be an integer >= 1/);
    expect(op(x, w, null, [1, 2], {}, { groups: 4 })).toThrow(/^conv2dReluMaxPool2d: input channels \(2, input \[1, 2, 1, 10\]\) must be divisible by groups \(4\)/);
  });
});

describe('conv2dReluMaxPool2d on unbatched input and NaN', () => {
  it('takes an unbatched [C, H, W] input as a batch of one, like F.conv2d and F.maxPool2d', async () => {
    const g = new Generator(6);
    const x = randn([2, 1, 13], { generator: g });
    const w = randn([3, 2, 1, 4], { generator: g });
    const b = randn([3], { generator: g });
    const unbatched = F.conv2dReluMaxPool2d(x, w, b, { padding: [0, 1] }, [1, 3]);
    const batched = F.conv2dReluMaxPool2d(x.reshape([1, 2, 1, 13]), w, b, { padding: [0, 1] }, [1, 3]);
    expect(unbatched.shape).toEqual([3, 1, 4]);
    expect(Array.from((await unbatched.data()) as Float64Array)).toEqual(Array.from((await batched.data()) as Float64Array));
  });

  it('keeps a NaN, as PyTorch: relu(NaN) and a window holding it are NaN', async () => {
    // 1x1 identity conv, windows of 4: [1, NaN, -1, 2] and [0.5, 3, -2, 1].
    const out = F.conv2dReluMaxPool2d(tensor([1, NaN, -1, 2, 0.5, 3, -2, 1]).reshape([1, 1, 1, 8]), tensor([1]).reshape([1, 1, 1, 1]), null, {}, [1, 4]);
    const v = Array.from((await out.data()) as Float64Array);
    expect(Number.isNaN(v[0])).toBe(true);
    expect(v[1]).toBe(3);
    expect(Number.isNaN((await F.relu(tensor([NaN])).data())[0])).toBe(true);
  });
});
