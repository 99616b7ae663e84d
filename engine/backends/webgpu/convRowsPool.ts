/**
 * The WebGPU side of conv2dReluMaxPool2d for row convolutions (see convRows.ts) pooled along the
 * row in non-overlapping windows: the fused forward (the row kernel's pool variant), and the
 * sparse weight and bias gradients, which visit one winner per window. (The input's gradient is
 * the max pool's scatter and the dense row gradient: conv.ts.)
 */
import type { Conv2dParams, Pool2dParams } from '../../backend.ts';
import type { GpuContext, GpuStorage } from './kernel.ts';
import { WORKGROUP_SIZE, correlate, forwardCorrelation, pooledBlock, rowChunks, sumPartials, type RowConv, type RowPool } from './convRows.ts';
import { grid2, joinLines, kernel, range, template } from './shaders.ts';
import poolBackwardWeightSource from '../../../shaders/conv_rows_maxpool_backward_weight.wgsl?raw';
import poolBackwardWeightSharedSource from '../../../shaders/conv_rows_maxpool_backward_weight_shared.wgsl?raw';

const POOL_BACKWARD_WEIGHT = template('conv_rows_maxpool_backward_weight.wgsl', poolBackwardWeightSource);
const POOL_BACKWARD_WEIGHT_SHARED = template('conv_rows_maxpool_backward_weight_shared.wgsl', poolBackwardWeightSharedSource);

/**
 * The max pool a row convolution can fuse: windows along the row only (1 x size, stride = size,
 * no padding, every window inside the row), of a size whose multiple fits one invocation's
 * block. Null for anything else (the three ops then run separately).
 */
export function rowPool(conv: Conv2dParams, pool: Pool2dParams): RowPool | null {
  if (pool.kH !== 1 || pool.strideH !== 1 || pool.padH !== 0 || pool.padW !== 0 || pool.strideW !== pool.kW) return null;
  if (pool.inH !== conv.outH || pool.inW !== conv.outW || pool.outH !== conv.outH) return null;
  const windows = Math.floor(conv.outW / pool.kW);
  if (pool.outW !== windows || pooledBlock(pool.kW) === null) return null;
  return { size: pool.kW, windows };
}

/** max pool(relu(conv)) from the row kernel's pool variant: pooled values and winners. */
export function rowConvReluMaxPool(ctx: GpuContext, r: RowConv, pool: RowPool, x: GpuStorage, weight: GpuStorage, bias: GpuStorage | null, withArgmax: boolean): { out: GpuStorage; argmax: GpuStorage | null } {
  const { out, argmax } = correlate(ctx, forwardCorrelation(r, x, weight, bias, true), { ...pool, withArgmax });
  if (withArgmax) return { out, argmax };
  ctx.release(argmax!);
  return { out, argmax: null };
}

/** The pooled gradient and the fused forward's winners (-1 where the window passes no gradient). */
export interface PooledGrad {
  gradOut: GpuStorage;
  argmax: GpuStorage;
}

/**
 * Taps per lane (J) at most, and output channels per group of 4 lanes (OB) at most. A group's 4
 * lanes cover 4 * J taps: with subgroups J = 13 is the smallest that covers Chambon's 50-tap
 * kernels (4 * 13 = 52) in one tap group, and each lane then keeps OB * J = 104 accumulators;
 * without subgroups a lane serves one channel and keeps J accumulators, so it may take 16 (64
 * taps). OB = 8 because lane l loads the gradients and winners of channels l and l + 4 (gA, gB
 * in the shared kernel), which 4 lanes hand round to each other.
 */
const MAX_TAPS_PER_LANE_SHARED = 13;
const MAX_TAPS_PER_LANE = 16;
const MAX_CHANNELS_PER_GROUP = 8;

/** conv_rows_maxpool_backward_weight.wgsl (devices without subgroups) for J taps per lane. */
export function poolBackwardWeightCode(j: number): string {
  const t = POOL_BACKWARD_WEIGHT;
  const each = (name: string) => joinLines(range(j).map((k) => t.fragment(name, { k, offset: 4 * k })));
  return t.fill({ J: j, DECLARE: each('accumulator'), MACS: each('mac'), STORE: each('put') });
}

/** conv_rows_maxpool_backward_weight_shared.wgsl for J taps per lane, OB channels, windows of `pool`. */
export function sharedRegionCode(j: number, ob: number, pool: number): string {
  const t = POOL_BACKWARD_WEIGHT_SHARED;
  // A lane's tap k0 + 4k + l reads region register k, or one of the `extra` after it (e).
  const extra = Math.floor((pool + 2) / 4);
  const pick = (k: number) => range(extra).reduce((value, i) => t.fragment('pick', { value, m: k + i + 1, t: i + 1 }), `x${k}`);
  const channels = range(ob).map((c) =>
    t.fragment('channel', {
      c,
      from: c < 4 ? 'A' : 'B',
      lane: c & 3,
      MACS: joinLines(range(j).map((k) => t.fragment('mac', { c, k, region: pick(k) }))),
    }),
  );
  return t.fill({
    J: j,
    OB: ob,
    POOL: pool,
    DECLARE: joinLines([...grid2(ob, j).map(([c, k]) => t.fragment('accumulator', { c, k })), ...range(ob).map((c) => t.fragment('bias_accumulator', { c }))]),
    REGION: joinLines(range(j + extra).map((m) => t.fragment('region', { m, offset: 4 * m }))),
    CHANNELS: joinLines(channels),
    STORE: joinLines(grid2(ob, j).map(([c, k]) => t.fragment('put', { c, k, offset: 4 * k }))),
    STORE_BIAS: joinLines(range(ob).map((c) => t.fragment('put_bias', { c }))),
  });
}

/** d/dweight and d/dbias of rowConvReluMaxPool: one product per window, summed over chunks of rows. */
export function rowConvReluMaxPoolBackwardWeight(ctx: GpuContext, r: RowConv, pool: RowPool, g: PooledGrad, x: GpuStorage, withBias: boolean): { weight: GpuStorage; bias: GpuStorage | null } {
  // With subgroups, one load of each input serves a block of up to 8 output channels (see
  // the _shared shader's header); without, each group of 4 lanes covers one channel.
  const shared = ctx.hasSubgroups;
  const j = Math.min(shared ? MAX_TAPS_PER_LANE_SHARED : MAX_TAPS_PER_LANE, Math.ceil(r.taps / 4));
  const ob = shared ? Math.min(MAX_CHANNELS_PER_GROUP, r.outC) : 1;
  const kGroups = Math.ceil(r.taps / (4 * j));
  const oBlocks = Math.ceil(r.outC / ob);
  const tiles = r.inC * oBlocks * kGroups * 4;
  const allRows = r.batch * r.rows;
  const { rowsPerChunk, chunks } = rowChunks(allRows, pool.windows, tiles, 1024);
  const numWeights = r.outC * r.inC * r.taps;
  const total = chunks * tiles;
  const partial = ctx.allocUninit(chunks * (numWeights + r.outC));
  const { rows, inW, outW, inC, outC, taps, pad } = r;
  const uniforms = { total, rows, inW, outW, inC, outC, taps, pad, allRows, rowsPerChunk, kGroups, pooledW: pool.windows, numWeights };
  ctx.dispatch({
    kernel: shared
      ? kernel(`conv_rows_maxpool_backward_weight_shared_${ob}x${j}_p${pool.size}`, () => ({ file: POOL_BACKWARD_WEIGHT_SHARED.file, code: sharedRegionCode(j, ob, pool.size) }))
      : kernel(`conv_rows_maxpool_backward_weight_${j}`, () => ({ file: POOL_BACKWARD_WEIGHT.file, code: poolBackwardWeightCode(j) })),
    inputs: [g.gradOut, g.argmax, x],
    outputs: [partial],
    uniforms: shared ? { ...uniforms, oBlocks } : uniforms,
    workgroups: ctx.grid(total, WORKGROUP_SIZE),
  });
  const out = sumPartials(ctx, partial, chunks, numWeights + r.outC, numWeights, withBias ? r.outC : 0);
  ctx.release(partial);
  return out;
}
