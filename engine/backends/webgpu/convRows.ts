/**
 * The fast path of conv2d for convolutions along rows (the Chambon network's temporal and
 * spatial convolutions): stride 1, dilation 1 and one group along the row, and either kH = 1
 * with no vertical padding or stride (every output row reads one input row), or a kernel as
 * tall as the input with no vertical padding (H folds into the channels: a [C, H, W] input is a
 * [C * H, 1, W] one). Forward, gradient of the input (the same kernel, flipped) and gradient of
 * the weight; shapes outside the path return null and take the general kernels (conv.ts).
 *
 * The WGSL (shaders/conv_rows_*.wgsl) is register-blocked; this file picks the block sizes per
 * shape and repeats the statements the templates hold as fragments (see the shaders' headers).
 */
import type { Conv2dParams } from '../../backend.ts';
import type { GpuContext, GpuStorage } from './kernel.ts';
import { LANES, grid2, joinLines, kernel, plainKernel, range, shaderLib, template, type Template } from './shaders.ts';
import forwardSource from '../../../shaders/conv_rows_forward.wgsl?raw';
import backwardWeightSource from '../../../shaders/conv_rows_backward_weight.wgsl?raw';
import sumLeadingSource from '../../../shaders/sum_leading.wgsl?raw';

const FORWARD = template('conv_rows_forward.wgsl', forwardSource);
const BACKWARD_WEIGHT = template('conv_rows_backward_weight.wgsl', backwardWeightSource);

/** A conv2d seen as a 1-D correlation of each of `rows` rows per sample. */
export interface RowConv {
  batch: number;
  rows: number;
  inW: number;
  outW: number;
  inC: number;
  outC: number;
  taps: number;
  pad: number;
}

/** Matches @workgroup_size in the row shaders. */
export const WORKGROUP_SIZE = 64;

export function rowConv(p: Conv2dParams): RowConv | null {
  if (p.groups !== 1 || p.strideW !== 1 || p.dilW !== 1) return null;
  const base = { batch: p.batch, inW: p.inW, outW: p.outW, outC: p.outChannels, taps: p.kW, pad: p.padW };
  if (p.kH === 1 && p.padH === 0 && p.strideH === 1) return { ...base, rows: p.inH, inC: p.inChannels };
  if (p.kH === p.inH && p.padH === 0 && p.dilH === 1) return { ...base, rows: 1, inC: p.inChannels * p.kH };
  return null;
}

/** Output channels per invocation: the next power of two of outC, at most 8. */
function channelBlock(outC: number): number {
  let c = 1;
  while (c < outC && c < 8) c *= 2;
  return c;
}


/** Accumulator a{c}_{v}'s component holding output (or tap) j of the block's 4 * TV. */
const acc = (c: number, j: number) => `a${c}_${Math.floor(j / 4)}.${LANES[j % 4]}`;

/**
 * The statements both row templates share (as fragments of each file): the accumulators, the
 * sliding window of 4 * V inputs starting at s + offset, and its slide by one.
 */
function registerCode(t: Template, cob: number, vecs: number) {
  return {
    declare: grid2(cob, vecs).map(([c, v]) => t.fragment('accumulator', { c, v })),
    window: range(vecs).map((v) => t.fragment('window', { v, t0: 4 * v, t1: 4 * v + 1, t2: 4 * v + 2, t3: 4 * v + 3 })),
    slide: range(vecs).map((v) => t.fragment('slide', { v, next: v + 1 < vecs ? `x${v + 1}.x` : 'next' })),
    /** Loads one value per channel (`value(c)`), then multiplies it into every accumulator. */
    macs: (load: string, value: (c: number) => string) => [
      ...range(cob).map((c) => t.fragment(load, { c, value: value(c) })),
      ...grid2(cob, vecs).map(([c, v]) => t.fragment('mac', { c, v })),
    ],
  };
}

const subgroupValues = (t: Template, subgroups: boolean) => ({
  ENABLE: subgroups ? shaderLib('subgroups') : '',
  BUILTINS: subgroups ? t.fragment('lane_builtin') : '',
});

/** conv_rows_forward.wgsl for COB channels x 4 * TV outputs; `pool`: the fused max pool's window (a divisor of 4 * TV), or 0. */
export function forwardCode(cob: number, tv: number, subgroups: boolean, pool: number): string {
  const t = FORWARD;
  const r = registerCode(t, cob, tv);
  const taps = subgroups
    ? t.fragment('taps_subgroups', {
        LOADS: joinLines(range(cob).map((c) => t.fragment('lane_weight', { c }))),
        STEPS: joinLines(range(4).map((j) => t.fragment('tap_step', { j, MACS: joinLines(r.macs('tap_weight', (c) => `subgroupBroadcast(l${c}, ${j}u)`)), SLIDE: joinLines(r.slide) }))),
      })
    : t.fragment('taps', { MACS: joinLines(r.macs('tap_weight', (c) => `wAt(o0 + ${c}, i, k)`)), SLIDE: joinLines(r.slide) });
  const outputs = 4 * tv;
  const stores = range(cob).flatMap((c) => {
    const bias = t.fragment('channel_bias', { c });
    if (!pool) return [bias, ...range(outputs).map((j) => t.fragment('put', { c, t: j, acc: acc(c, j) }))];
    return [
      bias,
      ...range(outputs / pool).map((q) =>
        t.fragment('pool_window', {
          c, q, first: acc(c, q * pool), firstAt: q * pool, windowsPerBlock: outputs / pool,
          COMPARES: joinLines(range(pool - 1).map((k) => q * pool + k + 1).map((j) => t.fragment('pool_compare', { c, t: j, acc: acc(c, j) }))),
        }),
      ),
    ];
  });
  return t.fill({
    ...subgroupValues(t, subgroups),
    OUTPUTS: t.fragment(pool ? 'pool_outputs' : 'plain_outputs'),
    TW: outputs,
    COB: cob,
    DECLARE: joinLines([...r.declare, ...(subgroups ? [t.fragment('quad_lanes')] : [])]),
    WINDOW: joinLines(r.window),
    TAPS: taps,
    STORE: t.fragment(pool ? 'pool_store' : 'plain_store', { STORES: joinLines(stores) }),
  });
}

/** conv_rows_backward_weight.wgsl for COB channels x 4 * KV taps. */
export function backwardWeightCode(cob: number, kv: number, subgroups: boolean): string {
  const t = BACKWARD_WEIGHT;
  const r = registerCode(t, cob, kv);
  const macs = (value: (c: number) => string) => [...r.macs('position_gradient', value), ...range(cob).map((c) => t.fragment('bias_sum', { c }))];
  const positions = subgroups
    ? t.fragment('positions_subgroups', {
        LOADS: joinLines(range(cob).map((c) => t.fragment('lane_gradient', { c }))),
        STEPS: joinLines(range(4).map((j) => t.fragment('position_step', { j, MACS: joinLines(macs((c) => `subgroupShuffle(l${c}, quad + ${j}u)`)), SLIDE: joinLines(r.slide) }))),
      })
    : t.fragment('positions', { MACS: joinLines(macs((c) => `gAt(gRow, o0 + ${c}, t)`)), SLIDE: joinLines(r.slide) });
  return t.fill({
    ...subgroupValues(t, subgroups),
    KB: 4 * kv,
    COB: cob,
    DECLARE: joinLines([...r.declare, ...range(cob).map((c) => t.fragment('bias_accumulator', { c })), ...(subgroups ? [t.fragment('quad_lanes')] : [])]),
    WINDOW: joinLines(r.window),
    POSITIONS: positions,
    STORE: joinLines(grid2(cob, 4 * kv).map(([c, j]) => t.fragment('put', { c, k: j, acc: acc(c, j) }))),
    STORE_BIAS: joinLines(range(cob).map((c) => t.fragment('put_bias', { c }))),
  });
}

export interface Correlation {
  x: GpuStorage;
  weight: GpuStorage;
  bias: GpuStorage | null;
  batch: number;
  rows: number;
  inW: number;
  outW: number;
  inC: number;
  outC: number;
  taps: number;
  pad: number;
  /** weight(o, i, k) = weight[wBase + o * wOut + i * wIn + k * wTap] */
  wOut: number;
  wIn: number;
  wTap: number;
  wBase: number;
  relu: boolean;
  /** What the correlation computes, for the kernel's name: a forward, or an input's gradient. */
  role: 'forward' | 'backward_input';
}

/** Max pooling fused into the forward: windows of `size` outputs with stride `size`, `windows` per row. */
export interface RowPool {
  size: number;
  windows: number;
  /** Write the winners (for a backward to come). */
  withArgmax?: boolean;
}

export function correlate(ctx: GpuContext, c: Correlation, pool: RowPool | null = null): { out: GpuStorage; argmax: GpuStorage | null } {
  const cob = channelBlock(c.outC);
  // 8 channels x 16 outputs per invocation measured fastest on SwiftShader (8 x 8: 293 ms over
  // Chambon's three 8-channel passes at batch 128, 8 x 16: 276 ms; 8 x 32 fails to compile).
  // One channel (Chambon's first input gradient) has few multiply-adds per tap to hide the tap's
  // weight broadcast and input shuffles; 24 outputs ran it in about 0.8x the time of 16, but
  // SwiftShader then took 11 s to compile it (20 outputs: 1 s; 16: 0.3 s; 28 and 32 crash its
  // compiler), so it stays at 16. Pooled, the block is whole windows: TW = 4 * tv a multiple of
  // the window.
  const tv = pool ? pooledBlock(pool.size)! : cob >= 8 ? 4 : Math.min(4, Math.max(2, 8 / cob));
  const tw = 4 * tv;
  const subgroups = ctx.hasSubgroups;
  const perRow = pool ? Math.ceil((pool.windows * pool.size) / tw) : Math.ceil(c.outW / tw);
  // With subgroups, quads of lanes share inputs, so they must hold 4 blocks of one row.
  const tBlocks = subgroups ? Math.ceil(perRow / 4) * 4 : perRow;
  const oBlocks = Math.ceil(c.outC / cob);
  const total = c.batch * c.rows * tBlocks;
  const outLength = c.batch * c.outC * c.rows * (pool ? pool.windows : c.outW);
  const out = ctx.allocUninit(outLength);
  // Without winners to write, a one-element buffer fills the binding.
  const argmax = pool ? ctx.allocUninit(pool.withArgmax === false ? 1 : outLength) : null;
  const [gx, gy, gz] = ctx.grid(total, WORKGROUP_SIZE);
  if (gz !== 1) throw new Error(`conv rows: ${total} invocations per channel block exceed a two-dimensional grid`);
  const variant = `${cob}x${tv}${subgroups ? '_subgroups' : ''}`;
  const name = pool ? `conv_rows_relu_maxpool${pool.size}_${variant}` : `conv_rows_${c.role}_${variant}`;
  const { rows, inW, outW, inC, outC, taps, pad, wOut, wIn, wTap, wBase } = c;
  ctx.dispatch({
    kernel: kernel(name, () => ({ file: FORWARD.file, code: forwardCode(cob, tv, subgroups, pool?.size ?? 0) })),
    inputs: [c.x, c.weight, c.bias ?? c.weight],
    outputs: argmax ? [out, argmax] : [out],
    uniforms: {
      total, rows, inW, outW, inC, outC, taps, pad, wOut, wIn, wTap, wBase, oBlocks, tBlocks,
      hasBias: c.bias ? 1 : 0,
      relu: c.relu ? 1 : 0,
      pooledW: pool?.windows ?? 0,
      withArgmax: pool?.withArgmax === false ? 0 : 1,
    },
    workgroups: [gx, gy, oBlocks],
  });
  return { out, argmax };
}

/** vec4s of outputs per invocation for windows of `size`: whole windows, at most 16 outputs; null if none fits. */
export function pooledBlock(size: number): number | null {
  for (const tv of [4, 3, 2, 1]) if ((4 * tv) % size === 0) return tv;
  return null;
}

/** The forward as a correlation: the weight read as stored, [outC, inC, K]. */
export function forwardCorrelation(r: RowConv, x: GpuStorage, weight: GpuStorage, bias: GpuStorage | null, relu: boolean): Correlation {
  return { ...r, x, weight, bias, wOut: r.inC * r.taps, wIn: r.taps, wTap: 1, wBase: 0, relu, role: 'forward' };
}

export function rowConvForward(ctx: GpuContext, r: RowConv, x: GpuStorage, weight: GpuStorage, bias: GpuStorage | null, relu = false): GpuStorage {
  return correlate(ctx, forwardCorrelation(r, x, weight, bias, relu)).out;
}

/** The input's gradient: the correlation of gradOut with the flipped kernel, channels swapped. */
export function rowConvBackwardInput(ctx: GpuContext, r: RowConv, gradOut: GpuStorage, weight: GpuStorage): GpuStorage {
  return correlate(ctx, {
    x: gradOut,
    weight,
    bias: null,
    batch: r.batch,
    rows: r.rows,
    inW: r.outW,
    outW: r.inW,
    inC: r.outC,
    outC: r.inC,
    taps: r.taps,
    pad: r.taps - 1 - r.pad,
    wOut: r.taps,
    wIn: r.inC * r.taps,
    wTap: -1,
    wBase: r.taps - 1,
    relu: false,
    role: 'backward_input',
  }).out;
}

/** The weight's gradient, and the bias's when `withBias` (both from one pass over gradOut). */
export function rowConvBackwardWeight(ctx: GpuContext, r: RowConv, gradOut: GpuStorage, x: GpuStorage, withBias: boolean): { weight: GpuStorage; bias: GpuStorage | null } {
  const cob = channelBlock(r.outC);
  const kv = Math.min(Math.ceil(r.taps / 4), cob >= 8 ? 2 : 4);
  // With subgroups, groups of 4 neighbouring invocations must share everything but the tap
  // block, so the tap blocks are padded to a multiple of 4: worth it for long kernels only.
  const subgroups = ctx.hasSubgroups && r.taps >= 16 * kv;
  const kBlocks = subgroups ? Math.ceil(r.taps / (16 * kv)) * 4 : Math.ceil(r.taps / (4 * kv));
  const oBlocks = Math.ceil(r.outC / cob);
  const tiles = r.inC * oBlocks * kBlocks;
  const allRows = r.batch * r.rows;
  const { rowsPerChunk, chunks } = rowChunks(allRows, r.outW, tiles, 512);
  const numWeights = r.outC * r.inC * r.taps;
  const total = chunks * tiles;
  const stride = numWeights + r.outC;
  const partial = ctx.allocUninit(chunks * stride);
  const { rows, inW, outW, inC, outC, taps, pad } = r;
  ctx.dispatch({
    kernel: kernel(`conv_rows_backward_weight_${cob}x${kv}${subgroups ? '_subgroups' : ''}`, () => ({ file: BACKWARD_WEIGHT.file, code: backwardWeightCode(cob, kv, subgroups) })),
    inputs: [gradOut, x],
    outputs: [partial],
    uniforms: { total, rows, inW, outW, inC, outC, taps, pad, allRows, rowsPerChunk, kBlocks, oBlocks, numWeights },
    workgroups: ctx.grid(total, WORKGROUP_SIZE),
  });
  const out = sumPartials(ctx, partial, chunks, stride, numWeights, withBias ? r.outC : 0);
  ctx.release(partial);
  return out;
}

/**
 * Rows per chunk for a weight gradient's partial sums: about 2,048 positions per invocation, but
 * halved until chunks * tiles reaches `minInvocations` (enough to fill the device).
 */
export function rowChunks(allRows: number, positionsPerRow: number, tiles: number, minInvocations: number): { rowsPerChunk: number; chunks: number } {
  let rowsPerChunk = Math.max(1, Math.min(allRows, Math.ceil(2048 / positionsPerRow)));
  while (rowsPerChunk > 1 && Math.ceil(allRows / rowsPerChunk) * tiles < minInvocations) rowsPerChunk = Math.ceil(rowsPerChunk / 2);
  return { rowsPerChunk, chunks: Math.ceil(allRows / rowsPerChunk) };
}

/** Sums [chunks, stride] partials over the chunks: the first numWeights, then numBias more (if any). */
export function sumPartials(ctx: GpuContext, partial: GpuStorage, chunks: number, stride: number, numWeights: number, numBias: number): { weight: GpuStorage; bias: GpuStorage | null } {
  const sumChunks = (offset: number, n: number): GpuStorage => {
    const out = ctx.allocUninit(n);
    ctx.dispatch({
      kernel: plainKernel('sum_leading', 'sum_leading.wgsl', sumLeadingSource),
      inputs: [partial],
      outputs: [out],
      uniforms: { n, count: chunks, stride, offset },
      workgroups: ctx.grid(n, WORKGROUP_SIZE),
    });
    return out;
  };
  return { weight: sumChunks(0, numWeights), bias: numBias ? sumChunks(numWeights, numBias) : null };
}
