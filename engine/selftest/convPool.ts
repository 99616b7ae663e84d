/**
 * The WebGPU conv2d and pooling kernels (engine/backends/webgpu/conv.ts, pool.ts) against the
 * float64 CPU backend, kernel by kernel: forward, argmax, and both gradients, on the shapes
 * that break index arithmetic (batch 1, one channel, padding of half the kernel, a kernel as
 * long as the input, a pooling remainder, stride > 1, dilation, groups, overlapping windows,
 * ties, ceil mode) plus one forward at the full size of the Chambon network's first conv.
 *
 * Inputs are rounded to float32 first, so both backends see the same numbers: the max-pool
 * values and winners must then match exactly. Sums are compared at float32 tolerance:
 * |gpu - cpu| <= rtol |cpu| + atolPerTerm * L, L the number of terms summed into that output.
 * With unit-normal data a float32 running sum's partial sums grow like sqrt(k), so its rounding
 * error grows like eps * L (measured: ~4e-5 at the worst of 8,000 sums of 400 terms);
 * 3e-7 * L is about five times the typical error and still far below one term (~1), which is
 * what an indexing bug gets wrong.
 */
import type { Conv2dParams, Pool2dParams } from '../backend.ts';
import { cpuBackend } from '../backends/cpu/index.ts';
import type { GpuStorage } from '../backends/webgpu/kernel.ts';
import { Generator } from '../random.ts';
import { compareArrays, expectTrue, guarded, type Check } from './check.ts';

export const CONV = { rtol: 1e-4, atolPerTerm: 3e-7 };
export const POOL = { rtol: 1e-5, atolPerTerm: 3e-7 };

type ConvKernels = typeof import('../backends/webgpu/conv.ts');
type PoolKernels = typeof import('../backends/webgpu/pool.ts');
type Context = ReturnType<typeof import('../backends/webgpu/index.ts').webgpuContext>;

export interface ConvCase {
  name: string;
  p: Conv2dParams;
  bias: boolean;
  /** Also check both gradients (off for the full-size forward, which SwiftShader runs slowly). */
  backward: boolean;
}

export interface PoolCase {
  name: string;
  p: Pool2dParams;
  /** Inputs drawn from {-1, 0, 1}: many equal values per window, so the first-index rule decides. */
  ties?: boolean;
  /** Every input negative: a zero-padded max would wrongly win. */
  negative?: boolean;
}

type ConvShape = Pick<Conv2dParams, 'batch' | 'inChannels' | 'inH' | 'inW' | 'outChannels' | 'kH' | 'kW'>;

export function convParams(s: ConvShape, o: Partial<Pick<Conv2dParams, 'strideH' | 'strideW' | 'padH' | 'padW' | 'dilH' | 'dilW' | 'groups'>> = {}): Conv2dParams {
  const p = { strideH: 1, strideW: 1, padH: 0, padW: 0, dilH: 1, dilW: 1, groups: 1, ...s, ...o };
  const outH = Math.floor((p.inH + 2 * p.padH - p.dilH * (p.kH - 1) - 1) / p.strideH) + 1;
  const outW = Math.floor((p.inW + 2 * p.padW - p.dilW * (p.kW - 1) - 1) / p.strideW) + 1;
  return { ...p, outH, outW };
}

type PoolShape = Pick<Pool2dParams, 'batch' | 'channels' | 'inH' | 'inW' | 'kH' | 'kW'>;

export function poolParams(s: PoolShape, o: Partial<Pick<Pool2dParams, 'strideH' | 'strideW' | 'padH' | 'padW'>> & { ceilMode?: boolean } = {}): Pool2dParams {
  const { ceilMode = false, ...opts } = o;
  const p = { strideH: s.kH, strideW: s.kW, padH: 0, padW: 0, ...s, ...opts };
  // PyTorch's output length; in ceil mode a last window must start inside the input or its left padding.
  const len = (inLen: number, k: number, stride: number, pad: number) => {
    const span = inLen + 2 * pad - k;
    let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
    if (ceilMode && (out - 1) * stride >= inLen + pad) out--;
    return out;
  };
  return { ...p, outH: len(p.inH, p.kH, p.strideH, p.padH), outW: len(p.inW, p.kW, p.strideW, p.padW) };
}

export const CONV_CASES: ConvCase[] = [
  { name: 'batch 1, one channel, pad half the kernel', p: convParams({ batch: 1, inChannels: 1, inH: 1, inW: 40, outChannels: 1, kH: 1, kW: 9 }, { padW: 4 }), bias: true, backward: true },
  { name: '3x3 pad 1, batch 2, 3 -> 4 channels', p: convParams({ batch: 2, inChannels: 3, inH: 5, inW: 7, outChannels: 4, kH: 3, kW: 3 }, { padH: 1, padW: 1 }), bias: true, backward: true },
  { name: 'no bias', p: convParams({ batch: 2, inChannels: 2, inH: 3, inW: 11, outChannels: 3, kH: 2, kW: 4 }, { padW: 1 }), bias: false, backward: true },
  { name: 'kernel as long as the input', p: convParams({ batch: 3, inChannels: 2, inH: 3, inW: 17, outChannels: 3, kH: 3, kW: 17 }), bias: true, backward: true },
  { name: 'stride (2, 3) with padding', p: convParams({ batch: 2, inChannels: 2, inH: 7, inW: 16, outChannels: 3, kH: 3, kW: 4 }, { strideH: 2, strideW: 3, padH: 1, padW: 2 }), bias: true, backward: true },
  { name: 'dilation (2, 3), stride 2', p: convParams({ batch: 2, inChannels: 2, inH: 9, inW: 20, outChannels: 2, kH: 2, kW: 3 }, { dilH: 2, dilW: 3, strideW: 2, padW: 3 }), bias: true, backward: true },
  { name: 'groups 2', p: convParams({ batch: 2, inChannels: 4, inH: 5, inW: 6, outChannels: 6, kH: 2, kW: 3 }, { groups: 2, padH: 1 }), bias: true, backward: true },
  { name: 'depthwise (groups = channels), stride 2', p: convParams({ batch: 1, inChannels: 3, inH: 4, inW: 12, outChannels: 3, kH: 1, kW: 5 }, { groups: 3, strideW: 2, padW: 2 }), bias: false, backward: true },
  { name: 'Chambon conv 1, batch 3 (weight-gradient teams of 16)', p: convParams({ batch: 3, inChannels: 1, inH: 2, inW: 300, outChannels: 8, kH: 1, kW: 50 }, { padW: 25 }), bias: true, backward: true },
  { name: 'Chambon conv 1, batch 4 x 3000 samples (weight-gradient teams of 256)', p: convParams({ batch: 4, inChannels: 1, inH: 2, inW: 3000, outChannels: 8, kH: 1, kW: 50 }, { padW: 25 }), bias: true, backward: true },
  { name: 'Chambon conv 2, batch 2', p: convParams({ batch: 2, inChannels: 8, inH: 2, inW: 250, outChannels: 8, kH: 1, kW: 50 }, { padW: 25 }), bias: true, backward: true },
  { name: 'Chambon conv 1 at full size (128 x 1 x 2 x 3000)', p: convParams({ batch: 128, inChannels: 1, inH: 2, inW: 3000, outChannels: 8, kH: 1, kW: 50 }, { padW: 25 }), bias: true, backward: false },
];

export const POOL_CASES: PoolCase[] = [
  { name: 'batch 1, one channel, (1, 4)', p: poolParams({ batch: 1, channels: 1, inH: 1, inW: 16, kH: 1, kW: 4 }) },
  { name: 'remainder: 3001 with kernel 12', p: poolParams({ batch: 2, channels: 3, inH: 2, inW: 3001, kH: 1, kW: 12 }) },
  { name: 'overlapping 3x3 stride (1, 2) pad 1', p: poolParams({ batch: 2, channels: 2, inH: 6, inW: 9, kH: 3, kW: 3 }, { strideH: 1, strideW: 2, padH: 1, padW: 1 }) },
  { name: 'ties, overlapping 2x3 stride 1', p: poolParams({ batch: 1, channels: 2, inH: 4, inW: 8, kH: 2, kW: 3 }, { strideH: 1, strideW: 1 }), ties: true },
  { name: 'ties with padding', p: poolParams({ batch: 2, channels: 1, inH: 5, inW: 5, kH: 3, kW: 3 }, { strideH: 2, strideW: 2, padH: 1, padW: 1 }), ties: true },
  { name: 'all negative, pad 1 (padding is -inf, not 0)', p: poolParams({ batch: 1, channels: 2, inH: 4, inW: 6, kH: 2, kW: 2 }, { strideH: 1, strideW: 1, padH: 1, padW: 1 }), negative: true },
  { name: 'stride > kernel (gaps)', p: poolParams({ batch: 2, channels: 2, inH: 5, inW: 11, kH: 2, kW: 2 }, { strideH: 3, strideW: 3 }) },
  { name: 'kernel as long as the input', p: poolParams({ batch: 2, channels: 2, inH: 3, inW: 7, kH: 3, kW: 7 }) },
  { name: 'ceil mode, pad 1', p: poolParams({ batch: 1, channels: 2, inH: 6, inW: 8, kH: 3, kW: 3 }, { strideH: 2, strideW: 2, padH: 1, padW: 1, ceilMode: true }) },
];

function f32Data(n: number, g: Generator, kind: 'normal' | 'ties' | 'negative' = 'normal'): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (kind === 'ties') v[i] = g.randint(3) - 1;
    else if (kind === 'negative') v[i] = Math.fround(-0.1 - Math.abs(g.normal()));
    else v[i] = Math.fround(g.normal());
  }
  return v;
}

function read(b: Float64Array): Float64Array {
  return cpuBackend.readSync!(b);
}

/** compareArrays at rtol and atol = atolPerTerm * terms, with the largest absolute error appended. */
function compare(name: string, actual: Float64Array, expected: Float64Array, tol: { rtol: number; atolPerTerm: number }, terms: number): Check {
  const atol = tol.atolPerTerm * terms;
  const c = compareArrays(name, actual, expected, tol.rtol, atol);
  let maxAbs = 0;
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) maxAbs = Math.max(maxAbs, Math.abs(actual[i] - expected[i]));
  return { ...c, detail: `${c.detail}; max |err| ${maxAbs.toExponential(2)} over ${actual.length} values, ${terms} terms each` };
}

function exact(name: string, actual: Float64Array, expected: Float64Array): Check {
  if (actual.length !== expected.length) return { name, ok: false, detail: `length ${actual.length}, expected ${expected.length}` };
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) return { name, ok: false, detail: `element ${i}: ${actual[i]}, expected exactly ${expected[i]}` };
  }
  return { name, ok: true, detail: `all ${actual.length} values equal` };
}

async function runConvCase(ctx: Context, k: ConvKernels, c: ConvCase, seed: number): Promise<Check[]> {
  const { p } = c;
  const g = new Generator(seed);
  const cinG = p.inChannels / p.groups;
  const coutG = p.outChannels / p.groups;
  const x = f32Data(p.batch * p.inChannels * p.inH * p.inW, g);
  const w = f32Data(p.outChannels * cinG * p.kH * p.kW, g);
  const b = c.bias ? f32Data(p.outChannels, g) : null;
  const gradOut = f32Data(p.batch * p.outChannels * p.outH * p.outW, g);
  const owned: GpuStorage[] = [];
  const up = (v: Float64Array) => {
    const s = ctx.upload(v);
    owned.push(s);
    return s;
  };
  const keep = (s: GpuStorage) => {
    owned.push(s);
    return s;
  };
  try {
    const [gx, gw] = [up(x), up(w)];
    const gb = b ? up(b) : null;
    const t0 = performance.now();
    const out = await ctx.read(keep(k.conv2d(ctx, gx, gw, gb, p)));
    const ms = performance.now() - t0;
    const cpuOut = read(cpuBackend.conv2d(x, w, b, p) as Float64Array);
    const checks = [compare(`conv2d ${c.name}: forward`, out, cpuOut, CONV, cinG * p.kH * p.kW + (b ? 1 : 0))];
    if (p.batch * p.inW >= 100_000) checks[0].detail += `; ${ms.toFixed(0)} ms on the GPU incl. upload and readback`;
    if (c.backward) {
      const gg = up(gradOut);
      const gradIn = await ctx.read(keep(k.conv2dBackwardInput(ctx, gg, gw, p)));
      const gradW = await ctx.read(keep(k.conv2dBackwardWeight(ctx, gg, gx, p)));
      const tapsPerInput = coutG * Math.ceil(p.kH / p.strideH) * Math.ceil(p.kW / p.strideW);
      checks.push(compare(`conv2d ${c.name}: grad input`, gradIn, read(cpuBackend.conv2dBackwardInput(gradOut, w, p) as Float64Array), CONV, tapsPerInput));
      checks.push(compare(`conv2d ${c.name}: grad weight`, gradW, read(cpuBackend.conv2dBackwardWeight(gradOut, x, p) as Float64Array), CONV, p.batch * p.outH * p.outW));
      if (b) {
        // The fused weight + bias gradient (one pass over gradOut on the row path).
        const both = k.conv2dBackwardWeightBias(ctx, gg, gx, p);
        const [fusedW, fusedB] = [await ctx.read(keep(both.weight)), await ctx.read(keep(both.bias))];
        const cpuBoth = cpuBackend.conv2dBackwardWeightBias!(gradOut, x, p);
        checks.push(compare(`conv2d ${c.name}: fused grad weight`, fusedW, read(cpuBoth.weight as Float64Array), CONV, p.batch * p.outH * p.outW));
        checks.push(compare(`conv2d ${c.name}: fused grad bias`, fusedB, read(cpuBoth.bias as Float64Array), CONV, p.batch * p.outH * p.outW));
      }
    }
    return checks;
  } finally {
    for (const s of owned) ctx.release(s);
  }
}

async function runPoolCase(ctx: Context, k: PoolKernels, c: PoolCase, seed: number): Promise<Check[]> {
  const { p } = c;
  const g = new Generator(seed);
  const x = f32Data(p.batch * p.channels * p.inH * p.inW, g, c.ties ? 'ties' : c.negative ? 'negative' : 'normal');
  const gradOut = f32Data(p.batch * p.channels * p.outH * p.outW, g);
  const owned: GpuStorage[] = [];
  try {
    const gx = ctx.upload(x);
    const gg = ctx.upload(gradOut);
    owned.push(gx, gg);
    const m = k.maxPool2d(ctx, gx, p);
    owned.push(m.out, m.argmax);
    const maxGrad = k.maxPool2dBackward(ctx, gg, m.argmax, p);
    const avg = k.avgPool2d(ctx, gx, p);
    const avgGrad = k.avgPool2dBackward(ctx, gg, p);
    owned.push(maxGrad, avg, avgGrad);
    const cpuMax = cpuBackend.maxPool2d(x, p);
    const windowsPerInput = Math.ceil(p.kH / p.strideH) * Math.ceil(p.kW / p.strideW);
    return [
      exact(`maxPool2d ${c.name}: forward`, await ctx.read(m.out), read(cpuMax.out as Float64Array)),
      exact(`maxPool2d ${c.name}: argmax`, await ctx.read(m.argmax), read(cpuMax.argmax as Float64Array)),
      compare(`maxPool2d ${c.name}: grad input`, await ctx.read(maxGrad), read(cpuBackend.maxPool2dBackward(gradOut, cpuMax.argmax, p) as Float64Array), POOL, windowsPerInput),
      compare(`avgPool2d ${c.name}: forward`, await ctx.read(avg), read(cpuBackend.avgPool2d(x, p) as Float64Array), POOL, p.kH * p.kW),
      compare(`avgPool2d ${c.name}: grad input`, await ctx.read(avgGrad), read(cpuBackend.avgPool2dBackward(gradOut, p) as Float64Array), POOL, windowsPerInput),
    ];
  } finally {
    for (const s of owned) ctx.release(s);
  }
}

/** Wrong lengths and inconsistent shapes must be refused with the function and field named. */
function errorChecks(ctx: Context, conv: ConvKernels, pool: PoolKernels): Check[] {
  const p = CONV_CASES[1].p;
  const tooShort = ctx.upload(new Float64Array(5));
  const throwsLike = (name: string, fn: () => unknown, pattern: RegExp): Check => {
    try {
      fn();
      return expectTrue(name, false, 'did not throw');
    } catch (err) {
      const msg = (err as Error).message;
      return expectTrue(name, pattern.test(msg), msg);
    }
  };
  try {
    return [
      throwsLike('conv2d refuses an x of the wrong length', () => conv.conv2d(ctx, tooShort, tooShort, null, p), /conv2d: x has 5 elements/),
      throwsLike('conv2d refuses an outW that the shapes do not give', () => conv.conv2dBackwardWeight(ctx, tooShort, tooShort, { ...p, outW: p.outW + 1 }), /Conv2dParams\.outW/),
      throwsLike('maxPool2d refuses padding over half the kernel', () => pool.maxPool2d(ctx, tooShort, { ...POOL_CASES[0].p, padW: 3 }), /Pool2dParams\.padH\/padW/),
    ];
  } finally {
    ctx.release(tooShort);
  }
}

export async function convPoolSuite(): Promise<Check[]> {
  const [{ initWebGPU, webgpuContext }, conv, pool] = await Promise.all([
    import('../backends/webgpu/index.ts'),
    import('../backends/webgpu/conv.ts'),
    import('../backends/webgpu/pool.ts'),
  ]);
  await initWebGPU();
  const ctx = webgpuContext();
  const liveBefore = ctx.stats().liveStorages;
  const checks: Check[] = [];
  for (let i = 0; i < CONV_CASES.length; i++) checks.push(...(await guarded(`conv2d ${CONV_CASES[i].name}`, () => runConvCase(ctx, conv, CONV_CASES[i], 2000 + i))));
  if (ctx.hasSubgroups) {
    // The kernels' paths without subgroup operations, as on devices that lack them (small cases).
    ctx.setSubgroupsForTests(false);
    try {
      for (let i = 0; i < CONV_CASES.length; i++) {
        const c = { ...CONV_CASES[i], name: `${CONV_CASES[i].name} (no subgroups)` };
        if (c.backward && c.p.batch * c.p.inW < 10_000) checks.push(...(await guarded(`conv2d ${c.name}`, () => runConvCase(ctx, conv, c, 2000 + i))));
      }
    } finally {
      ctx.setSubgroupsForTests(true);
    }
  }
  for (let i = 0; i < POOL_CASES.length; i++) checks.push(...(await guarded(`pool ${POOL_CASES[i].name}`, () => runPoolCase(ctx, pool, POOL_CASES[i], 3000 + i))));
  checks.push(...(await guarded('conv/pool input errors', async () => errorChecks(ctx, conv, pool))));
  const liveAfter = ctx.stats().liveStorages;
  checks.push(expectTrue('conv/pool suite releases every storage it made', liveAfter === liveBefore, `live storages ${liveBefore} before, ${liveAfter} after`));
  return checks;
}
