/**
 * F.conv2dReluMaxPool2d on WebGPU against the float64 CPU backend: the pooled values, the
 * winners, and the gradients of x, weight and bias, through the public op (one recorded op,
 * forward and backward) on 'webgpu' and 'cpu' tensors holding the same float32-rounded numbers.
 *
 * Shapes the WebGPU backend fuses (row convolutions pooled 1 x size, size dividing a block:
 * Chambon's two blocks, pools of 1 to 16, the folded tall kernel, remainders, output channels
 * that do not fill a block of 8) must run the fused kernels and none of maxpool2d's; shapes it
 * does not fuse (overlapping, padded, vertical or odd-sized pools, a 3x3 conv, a ceil-mode
 * window past the row) must run the generic path inside the same op, and match too.
 *
 * Values and gradients are sums, compared with convPool.ts's rule (CONV: rtol |cpu| plus
 * atolPerTerm per term summed). Winners are compared through the backend's fused kernel where
 * the window's max is positive (a clipped window passes no gradient, and the fused kernel
 * marks its winner -1): equal, except where the float64 conv outputs of both
 * winners are within float32 rounding of each other (a near tie float32 may order either way;
 * counted and reported, improbable with normal data). Integer-valued cases make every float32
 * conv sum exact, so windows hold exact ties and the winners must be equal with no exception:
 * the first maximum wins on both backends. Without subgroups (where the device has them, the
 * small fused cases run again with them off), block counts are not padded to quads.
 */
import type { Backend, Conv2dParams, Pool2dParams, Storage } from '../backend.ts';
import { cpuBackend } from '../backends/cpu/index.ts';
import { noGrad } from '../autograd.ts';
import { Generator } from '../random.ts';
import { Tensor, tensor, tidy } from '../tensor.ts';
import * as F from '../functional.ts';
import { conv2dParams, type Conv2dOptions } from '../ops/conv.ts';
import { pool2dParams, type Pool2dOptions } from '../ops/pool.ts';
import { pair, type Size2 } from '../ops/spatial.ts';
import { compareArrays, expectTrue, guarded, type Check } from './check.ts';
import { CONV } from './convPool.ts';

type Context = ReturnType<typeof import('../backends/webgpu/index.ts').webgpuContext>;

export interface ConvReluPoolCase {
  name: string;
  x: number[];
  w: number[];
  bias: boolean;
  conv: Omit<Conv2dOptions, 'activation'>;
  kernel: Size2;
  pool?: Pool2dOptions;
  /** Whether the WebGPU backend must take its fused kernels for these shapes. */
  fused: boolean;
  /** Which of x, weight, bias require grad (all by default). */
  need?: [boolean, boolean, boolean];
  /** 'integers': values in {-1, 0, 1}, so float32 sums are exact and windows tie exactly. */
  data?: 'normal' | 'integers';
  /** Run again with the kernels' paths without subgroup operations (small fused cases). */
  withoutSubgroups?: boolean;
}

const row = (pad: number) => ({ padding: [0, pad] as [number, number] });

export const CONV_RELU_POOL_CASES: ConvReluPoolCase[] = [
  { name: 'Chambon conv 1, batch 2 (3001 outputs, pool 12, remainder 1)', x: [2, 1, 2, 3000], w: [8, 1, 1, 50], bias: true, conv: row(25), kernel: [1, 12], fused: true },
  { name: 'Chambon conv 2, batch 3 (8 -> 8 channels, 251 outputs)', x: [3, 8, 2, 250], w: [8, 8, 1, 50], bias: true, conv: row(25), kernel: [1, 12], fused: true, withoutSubgroups: true },
  { name: 'pool 3, 5 output channels, remainder 1', x: [2, 2, 1, 40], w: [5, 2, 1, 5], bias: true, conv: row(2), kernel: [1, 3], fused: true, withoutSubgroups: true },
  { name: 'pool 4, 3 output channels, batch 1, remainder 2', x: [1, 3, 2, 33], w: [3, 3, 1, 4], bias: true, conv: {}, kernel: [1, 4], fused: true, withoutSubgroups: true },
  { name: 'pool 6, no bias, three rows', x: [2, 2, 3, 50], w: [8, 2, 1, 9], bias: false, conv: row(4), kernel: [1, 6], fused: true },
  { name: 'pool 8, one input channel, no remainder', x: [3, 1, 1, 70], w: [4, 1, 1, 7], bias: true, conv: {}, kernel: [1, 8], fused: true },
  { name: 'pool 16, 6 output channels, remainder 4', x: [1, 2, 2, 100], w: [6, 2, 1, 11], bias: true, conv: row(5), kernel: [1, 16], fused: true, withoutSubgroups: true },
  { name: 'kernel as tall as the input (folded), pool 12', x: [2, 2, 3, 60], w: [5, 2, 3, 13], bias: true, conv: row(6), kernel: [1, 12], fused: true, withoutSubgroups: true },
  { name: 'pool 2, only the weight requires grad', x: [2, 3, 1, 27], w: [3, 3, 1, 6], bias: true, conv: row(2), kernel: [1, 2], fused: true, need: [false, true, false] },
  { name: 'pool 4, only x and bias require grad', x: [2, 3, 1, 27], w: [3, 3, 1, 6], bias: true, conv: row(2), kernel: [1, 4], fused: true, need: [true, false, true] },
  { name: 'pool 1 (ReLU only), batch 1, one channel', x: [1, 1, 1, 19], w: [1, 1, 1, 4], bias: true, conv: row(1), kernel: [1, 1], fused: true },
  { name: 'ceil mode where windows fit the row (pool 4 over 32)', x: [2, 2, 1, 34], w: [3, 2, 1, 3], bias: true, conv: {}, kernel: [1, 4], pool: { ceilMode: true }, fused: true },
  { name: 'integer data, exact ties, pool 4', x: [2, 2, 2, 40], w: [4, 2, 1, 5], bias: true, conv: row(2), kernel: [1, 4], fused: true, data: 'integers', withoutSubgroups: true },
  { name: 'integer data, exact ties, Chambon conv 2 shape, pool 12', x: [2, 8, 2, 250], w: [8, 8, 1, 50], bias: true, conv: row(25), kernel: [1, 12], fused: true, data: 'integers' },
  // Not fused on WebGPU: the generic path (conv2dRelu, maxPool2d, and their backwards) inside the op.
  { name: 'overlapping pool (1 x 3, stride 2)', x: [2, 2, 1, 30], w: [3, 2, 1, 4], bias: true, conv: row(1), kernel: [1, 3], pool: { stride: [1, 2] }, fused: false },
  { name: 'pool padding (1 x 4, pad 1)', x: [2, 2, 2, 20], w: [3, 2, 1, 3], bias: true, conv: {}, kernel: [1, 4], pool: { padding: [0, 1] }, fused: false },
  { name: 'pool 5 (divides no block)', x: [2, 2, 1, 33], w: [4, 2, 1, 4], bias: true, conv: {}, kernel: [1, 5], fused: false },
  { name: 'pool 13 (divides no block)', x: [2, 1, 2, 60], w: [3, 1, 1, 7], bias: true, conv: row(3), kernel: [1, 13], fused: false },
  { name: 'vertical pool (2 x 2) over a row conv', x: [2, 2, 2, 16], w: [3, 2, 1, 3], bias: true, conv: row(1), kernel: 2, fused: false },
  { name: 'ceil mode with a last window past the row', x: [2, 2, 1, 32], w: [3, 2, 1, 3], bias: true, conv: {}, kernel: [1, 4], pool: { ceilMode: true }, fused: false },
  { name: '3x3 conv pad 1, 2x2 pool', x: [2, 3, 6, 8], w: [4, 3, 3, 3], bias: true, conv: { padding: 1 }, kernel: 2, fused: false },
];

const FUSED_KEYS = ['conv_rows_relu_maxpool', 'conv_rows_maxpool_backward_weight', 'maxpool2d_backward_scatter'];
/** Only the fused path runs these two (the scatter also serves the unfused pool's backward). */
const FUSED_ONLY = FUSED_KEYS.slice(0, 2);
/** Kernels the fused op must not need: the pool's, its gather backward, the ReLU mask's, the dense weight gradient's. */
const GENERIC_KEYS = ['maxpool2d_forward', 'maxpool2d_backward', 'relu_backward', 'unary_backward', 'conv_rows_backward_weight'];

function values(n: number, g: Generator, kind: 'normal' | 'integers'): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = kind === 'integers' ? g.randint(3) - 1 : Math.fround(g.normal());
  return v;
}

interface Run {
  out: Float64Array;
  /** The same forward under noGrad (no winners written). */
  outNoGrad: Float64Array;
  grads: (Float64Array | null)[];
  /** Kernel keys dispatched during forward and backward (WebGPU only). */
  keys: string[];
  /** From the backend's fused kernel, called on the same storages; null where it declines. */
  fusedWinners: { out: Float64Array; argmax: Float64Array } | null;
}

async function readAndRelease(b: Backend, s: Storage): Promise<Float64Array> {
  b.flush();
  const v = await b.read(s);
  b.release(s);
  return v;
}

/** The op forward and backward on `device`, with gradient r flowing into its output. */
async function runOp(c: ConvReluPoolCase, inputs: Float64Array[], gradOut: Float64Array, device: 'cpu' | 'webgpu', ctx: Context | null, p: Conv2dParams, pp: Pool2dParams): Promise<Run> {
  const need = c.need ?? [true, true, true];
  const shapes = [c.x, c.w, [c.w[0]]];
  const ts = inputs.map((v, i) => tensor(v, shapes[i], { device, requiresGrad: need[i] }));
  const r = tensor(gradOut, [pp.batch, pp.channels, pp.outH, pp.outW], { device });
  const keys: string[] = [];
  const stopObserving = ctx?.observeDispatches((_, k) => keys.push(k.name));
  try {
    let out: Tensor;
    try {
      out = tidy(() => {
        const o = F.conv2dReluMaxPool2d(ts[0], ts[1], ts[2] ?? null, c.conv, c.kernel, c.pool);
        o.mul(r).sum().backward();
        return o;
      });
    } finally {
      stopObserving?.();
    }
    const outValues = await out.data();
    out.dispose();
    const grads: (Float64Array | null)[] = [];
    for (const t of ts) grads.push(t.grad ? await t.grad.data() : null);
    // Without a gradient to come the fused forward skips writing its winners: same values.
    const plain = noGrad(() => F.conv2dReluMaxPool2d(ts[0], ts[1], ts[2] ?? null, c.conv, c.kernel, c.pool));
    const outNoGrad = await plain.data();
    plain.dispose();
    let fusedWinners: Run['fusedWinners'] = null;
    const b = ts[0].backend;
    const f = b.convReluMaxPool?.forward(ts[0].storage, ts[1].storage, ts[2]?.storage ?? null, p, pp, true);
    if (f) fusedWinners = { out: await readAndRelease(b, f.out), argmax: await readAndRelease(b, f.argmax!) };
    return { out: outValues, outNoGrad, grads, keys, fusedWinners };
  } finally {
    for (const t of ts) {
      t.grad?.dispose();
      t.dispose();
    }
    r.dispose();
  }
}

function compare(name: string, actual: Float64Array, expected: Float64Array, terms: number): Check {
  const c = compareArrays(name, actual, expected, CONV.rtol, CONV.atolPerTerm * terms);
  let maxAbs = 0;
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) maxAbs = Math.max(maxAbs, Math.abs(actual[i] - expected[i]));
  return { ...c, detail: `${c.detail}; max |err| ${maxAbs.toExponential(2)} over ${actual.length} values, <= ${terms} terms each` };
}

/**
 * The fused kernel's winners against the CPU's (conv2dRelu then maxPool2d), where the CPU's
 * pooled value is positive; where the fused pooled value is not positive, the winner is -1.
 */
function winnerCheck(c: ConvReluPoolCase, p: Conv2dParams, pp: Pool2dParams, inputs: Float64Array[], gpu: { out: Float64Array; argmax: Float64Array }): Check {
  const name = `conv2dReluMaxPool2d ${c.name}: fused kernel's winners`;
  const [x, w, b] = inputs;
  const bias = c.bias ? b : null;
  const linear = cpuBackend.conv2d(x, w, bias, p);
  const z = cpuBackend.readSync!(linear);
  const y = cpuBackend.unary('relu', linear, 0);
  const cpu = cpuBackend.maxPool2d(y, pp);
  const [cpuOut, cpuArgmax] = [cpuBackend.readSync!(cpu.out), cpuBackend.readSync!(cpu.argmax)];
  const terms = (p.inChannels / p.groups) * p.kH * p.kW + (bias ? 1 : 0);
  const plane = p.outH * p.outW;
  let compared = 0;
  let nearTies = 0;
  let ties = 0;
  for (let i = 0; i < cpuOut.length; i++) {
    const a = gpu.argmax[i];
    const planeBase = Math.floor(i / (pp.outH * pp.outW)) * plane;
    const pos = i % (pp.outH * pp.outW);
    const [h, wIdx] = [Math.floor(pos / pp.outW), pos % pp.outW];
    const [ah, aw] = [Math.floor(a / p.outW), a % p.outW];
    // A window whose max is not positive passes no gradient: the fused kernel marks it -1.
    if (!(gpu.out[i] > 0)) {
      if (a !== -1) return expectTrue(name, false, `window ${i} (row ${h}, window ${wIdx}): pooled ${gpu.out[i]} is not positive, so its winner should be -1, got ${a}`);
      continue;
    }
    if (!Number.isInteger(a) || ah !== h || aw < wIdx * pp.kW || aw >= (wIdx + 1) * pp.kW) {
      return expectTrue(name, false, `window ${i} (row ${h}, window ${wIdx} of ${pp.kW}): winner ${a} lies outside it`);
    }
    if (!(cpuOut[i] > 0)) continue;
    compared++;
    let equalMaxima = 0;
    for (let j = 0; j < pp.kW; j++) if (z[planeBase + h * p.outW + wIdx * pp.kW + j] === cpuOut[i]) equalMaxima++;
    if (equalMaxima > 1) ties++;
    if (a === cpuArgmax[i]) continue;
    const [zg, zc] = [z[planeBase + a], z[planeBase + cpuArgmax[i]]];
    // Exact sums leave float32 no say: an equal maximum elsewhere must lose to the first.
    const tol = CONV.rtol * Math.abs(zc) + CONV.atolPerTerm * terms;
    if (c.data === 'integers' || Math.abs(zg - zc) > tol) {
      const why = c.data === 'integers' ? 'sums are exact, so the first maximum must win' : `not a near tie (tolerance ${tol})`;
      return expectTrue(name, false, `window ${i}: winner ${a} (conv ${zg}), the CPU's ${cpuArgmax[i]} (conv ${zc}); ${why}`);
    }
    nearTies++;
  }
  // Integer data must have produced exact ties, or it tested nothing the normal data does not.
  const ok = compared > 0 && (c.data !== 'integers' || ties > 0);
  return expectTrue(name, ok, `${compared} of ${cpuOut.length} windows with a positive max compared, ${ties} of them with equal maxima, ${nearTies} near ties (float32 may order them either way)`);
}

function keyCheck(c: ConvReluPoolCase, keys: string[]): Check {
  const name = `conv2dReluMaxPool2d ${c.name}: ${c.fused ? 'fused' : 'generic'} kernels ran`;
  const need = c.need ?? [true, true, true];
  // By prefix (keys carry block sizes), but the gather 'maxpool2d_backward' is not its '_scatter'.
  const has = (prefix: string) => keys.some((k) => k.startsWith(prefix) && !(prefix === 'maxpool2d_backward' && k.startsWith('maxpool2d_backward_scatter')));
  const shown = `kernels: ${[...new Set(keys)].join(', ')}`;
  if (!c.fused) {
    const wrong = FUSED_ONLY.filter(has);
    return expectTrue(name, has('maxpool2d_forward') && wrong.length === 0, `${wrong.length ? `fused kernels ran: ${wrong.join(', ')}; ` : ''}${shown}`);
  }
  const wanted = [FUSED_KEYS[0], ...(need[1] || (need[2] && c.bias) ? [FUSED_KEYS[1]] : []), ...(need[0] ? [FUSED_KEYS[2]] : [])];
  const missing = wanted.filter((k) => !has(k));
  const unwanted = [...GENERIC_KEYS, ...(need[1] || (need[2] && c.bias) ? [] : [FUSED_KEYS[1]]), ...(need[0] ? [] : [FUSED_KEYS[2]])].filter(has);
  const problems = [missing.length ? `missing ${missing.join(', ')}` : '', unwanted.length ? `unexpected ${unwanted.join(', ')}` : ''].filter(Boolean);
  return expectTrue(name, problems.length === 0, `${problems.join('; ')}${problems.length ? '; ' : ''}${shown}`);
}

export async function runConvReluPoolCase(ctx: Context, c: ConvReluPoolCase, seed: number, suffix = ''): Promise<Check[]> {
  const g = new Generator(seed);
  const kind = c.data ?? 'normal';
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const inputs = [values(size(c.x), g, kind), values(size(c.w), g, kind), values(c.w[0], g, kind)];
  const convTerms = (c.w[1] * c.w[2] * c.w[3]) + (c.bias ? 1 : 0);
  // Output channel 0's bias about 2 to 3 standard deviations below zero: most of its windows
  // are clipped by the ReLU (no gradient; the fused kernel's winner may differ there), a few not.
  // (Half a deviation where channel 0 is the only one.)
  if (c.bias) inputs[2][0] = -Math.round((c.w[0] > 1 ? 2 : 0.5) * Math.sqrt(convTerms));
  else inputs.pop();
  // The op's own parameter checks, on CPU tensors of these shapes.
  const [px, pw] = [tensor(inputs[0], c.x), tensor(inputs[1], c.w)];
  const p = conv2dParams('selftest', px, pw, null, c.conv);
  px.dispose();
  pw.dispose();
  const pp = pool2dParams('selftest', [p.batch, p.outChannels, p.outH, p.outW], 'conv output', pair('selftest', 'kernelSize', c.kernel, 1), c.pool ?? {});
  const gradOut = values(pp.batch * pp.channels * pp.outH * pp.outW, g, 'normal');
  const cpu = await runOp(c, inputs, gradOut, 'cpu', null, p, pp);
  const gpu = await runOp(c, inputs, gradOut, 'webgpu', ctx, p, pp);
  const label = `conv2dReluMaxPool2d ${c.name}${suffix}`;
  const need = c.need ?? [true, true, true];
  // Terms per output: a conv output's taps (+ bias); a conv output's gradient sums the windows
  // it wins (more than one only for overlapping pools); x's gradient sums the conv outputs it
  // feeds; the parameters' sum one conv output per pooled output at most.
  const overlap = Math.ceil(pp.kH / pp.strideH) * Math.ceil(pp.kW / pp.strideW);
  const xTerms = (p.outChannels / p.groups) * p.kH * p.kW * overlap;
  const paramTerms = pp.batch * pp.outH * pp.outW;
  const checks: Check[] = [compare(`${label}: forward`, gpu.out, cpu.out, convTerms), compare(`${label}: forward under noGrad`, gpu.outNoGrad, cpu.out, convTerms)];
  checks.push(expectTrue(`${label}: some windows pass the ReLU, some are clipped`, cpu.out.some((v) => v > 0) && cpu.out.some((v) => v === 0), `${cpu.out.filter((v) => v > 0).length} of ${cpu.out.length} pooled values positive`));
  const gradNames = ['x', 'weight', 'bias'];
  const gradTerms = [xTerms, paramTerms, paramTerms];
  for (let i = 0; i < cpu.grads.length; i++) {
    const [a, e] = [gpu.grads[i], cpu.grads[i]];
    if (!need[i] || !a || !e) {
      checks.push(expectTrue(`${label}: grad ${gradNames[i]} ${need[i] ? 'present' : 'absent'}`, (a !== null) === need[i] && (e !== null) === need[i], `webgpu ${a ? 'has' : 'has no'} gradient, cpu ${e ? 'has' : 'has no'}`));
      continue;
    }
    checks.push(compare(`${label}: grad ${gradNames[i]}`, a, e, gradTerms[i]));
  }
  checks.push(keyCheck(c, gpu.keys));
  checks.push(expectTrue(`${label}: backend ${c.fused ? 'fuses' : 'declines'} these shapes`, (gpu.fusedWinners !== null) === c.fused, `the fused kernel ${gpu.fusedWinners ? 'ran' : 'returned null'}`));
  if (cpu.fusedWinners) checks.push(expectTrue(`${label}: the CPU backend has no fused kernel`, false, 'cpu returned a fused result'));
  if (gpu.fusedWinners) {
    checks.push(compare(`${label}: fused kernel's values`, gpu.fusedWinners.out, cpu.out, convTerms));
    const w = winnerCheck(c, p, pp, inputs, gpu.fusedWinners);
    checks.push({ ...w, name: `${w.name}${suffix}` });
  }
  return checks;
}

export async function convReluPoolSuite(cases: ConvReluPoolCase[] = CONV_RELU_POOL_CASES): Promise<Check[]> {
  const { initWebGPU, webgpuContext } = await import('../backends/webgpu/index.ts');
  await initWebGPU();
  const ctx = webgpuContext();
  const liveBefore = ctx.stats().liveStorages;
  const checks: Check[] = [];
  for (let i = 0; i < cases.length; i++) checks.push(...(await guarded(`conv2dReluMaxPool2d ${cases[i].name}`, () => runConvReluPoolCase(ctx, cases[i], 4000 + i))));
  if (ctx.hasSubgroups) {
    ctx.setSubgroupsForTests(false);
    try {
      for (let i = 0; i < cases.length; i++) {
        if (!cases[i].withoutSubgroups) continue;
        checks.push(...(await guarded(`conv2dReluMaxPool2d ${cases[i].name} (no subgroups)`, () => runConvReluPoolCase(ctx, cases[i], 4000 + i, ' (no subgroups)'))));
      }
    } finally {
      ctx.setSubgroupsForTests(true);
    }
  }
  const liveAfter = ctx.stats().liveStorages;
  checks.push(expectTrue('conv2dReluMaxPool2d suite releases every storage it made', liveAfter === liveBefore, `live storages ${liveBefore} before, ${liveAfter} after`));
  return checks;
}
