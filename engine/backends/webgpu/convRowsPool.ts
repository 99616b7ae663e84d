/**
 * The WebGPU side of conv2dReluMaxPool2d for row convolutions (see convRows.ts) pooled along the
 * row in non-overlapping windows: the fused forward (the row kernel's pool variant), and the
 * sparse weight and bias gradients, which visit one winner per window. (The input's gradient is
 * the max pool's scatter and the dense row gradient: conv.ts.)
 */
import type { Conv2dParams, Pool2dParams } from '../../backend.ts';
import type { GpuContext, GpuStorage } from './kernel.ts';
import { i32, u32 } from './util.ts';
import { WORKGROUP_SIZE, cached, correlate, fill, forwardCorrelation, pooledBlock, rowChunks, sumPartials, type RowConv, type RowPool } from './convRows.ts';
import poolBackwardWeightSource from '../../../shaders/conv_rows_maxpool_backward_weight.wgsl?raw';
import poolBackwardWeightSharedSource from '../../../shaders/conv_rows_maxpool_backward_weight_shared.wgsl?raw';

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

/** conv_rows_maxpool_backward_weight.wgsl (devices without subgroups) for J taps per lane. */
function poolBackwardWeightCode(j: number): string {
  const each = (f: (k: number) => string, sep: string) => Array.from({ length: j }, (_, k) => f(k)).join(sep);
  return fill(poolBackwardWeightSource, {
    J: j,
    DECLARE: each((k) => `var a${k} = 0.0;`, '\n  '),
    MACS: each((k) => `a${k} = fma(g, xAt(xRow, s + ${4 * k}), a${k});`, '\n      '),
    STORE: each((k) => `put(base, k0 + ${4 * k}, a${k});`, '\n  '),
  });
}

/** conv_rows_maxpool_backward_weight_shared.wgsl for J taps per lane, OB channels, windows of `pool`. */
function sharedRegionCode(j: number, ob: number, pool: number): string {
  const extra = Math.floor((pool + 2) / 4);
  const regs = j + extra;
  const range = (n: number) => Array.from({ length: n }, (_, k) => k);
  const declare = [...range(ob).flatMap((c) => range(j).map((k) => `var a${c}_${k} = 0.0;`)), ...range(ob).map((c) => `var gb${c} = 0.0;`)].join('\n  ');
  const region = range(regs).map((m) => `let x${m} = xAt(xRow, rb + ${4 * m});`).join('\n      ');
  const pick = (k: number) => {
    let v = `x${k}`;
    for (let t = 1; t <= extra; t++) v = `select(${v}, x${k + t}, e == ${t})`;
    return v;
  };
  const channels = range(ob)
    .map((c) => {
      const from = c < 4 ? 'A' : 'B';
      return [
        '{',
        `        let g = subgroupShuffle(g${from}, quad + ${c & 3}u);`,
        `        let d = subgroupShuffle(d${from}, quad + ${c & 3}u);`,
        '        let src = quad + u32((d + lane) & 3);',
        '        let e = (d + ((lane - d) & 3)) >> 2u;',
        ...range(j).map((k) => `        a${c}_${k} = fma(g, subgroupShuffle(${pick(k)}, src), a${c}_${k});`),
        `        gb${c} += g;`,
        '      }',
      ].join('\n');
    })
    .join('\n      ');
  const store = range(ob).flatMap((c) => range(j).map((k) => `put(base, o0 + ${c}, k0 + lane + ${4 * k}, a${c}_${k});`)).join('\n  ');
  const storeBias = range(ob).map((c) => `if (o0 + ${c} < u.outC) { partial[chunk * (u.numWeights + u.outC) + u.numWeights + o0 + ${c}] = gb${c}; }`).join('\n    ');
  return fill(poolBackwardWeightSharedSource, { J: j, OB: ob, POOL: pool, DECLARE: declare, REGION: region, CHANNELS: channels, STORE: store, STORE_BIAS: storeBias });
}

/** d/dweight and d/dbias of rowConvReluMaxPool: one product per window, summed over chunks of rows. */
export function rowConvReluMaxPoolBackwardWeight(ctx: GpuContext, r: RowConv, pool: RowPool, g: PooledGrad, x: GpuStorage, withBias: boolean): { weight: GpuStorage; bias: GpuStorage | null } {
  // With subgroups, one load of each input serves a block of up to 8 output channels (see
  // the _shared shader's header); without, each group of 4 lanes covers one channel.
  const shared = ctx.hasSubgroups;
  const j = Math.min(shared ? 13 : 16, Math.ceil(r.taps / 4));
  const ob = shared ? Math.min(8, r.outC) : 1;
  const kGroups = Math.ceil(r.taps / (4 * j));
  const oBlocks = Math.ceil(r.outC / ob);
  const tiles = r.inC * oBlocks * kGroups * 4;
  const allRows = r.batch * r.rows;
  const { rowsPerChunk, chunks } = rowChunks(allRows, pool.windows, tiles, 1024);
  const numWeights = r.outC * r.inC * r.taps;
  const total = chunks * tiles;
  const partial = ctx.allocUninit(chunks * (numWeights + r.outC));
  ctx.dispatch({
    key: shared ? `conv_rows_maxpool_backward_weight_shared_${ob}x${j}_p${pool.size}` : `conv_rows_maxpool_backward_weight_${j}`,
    code: shared ? cached(`pws${j}x${ob}p${pool.size}`, () => sharedRegionCode(j, ob, pool.size)) : cached(`pw${j}`, () => poolBackwardWeightCode(j)),
    inputs: [g.gradOut, g.argmax, x],
    outputs: [partial],
    uniforms: [u32(total), ...[r.rows, r.inW, r.outW, r.inC, r.outC, r.taps, r.pad, allRows, rowsPerChunk, kGroups, pool.windows, numWeights, ...(shared ? [oBlocks] : [])].map(i32)],
    workgroups: ctx.grid(total, WORKGROUP_SIZE),
  });
  const out = sumPartials(ctx, partial, chunks, numWeights + r.outC, numWeights, withBias ? r.outC : 0);
  ctx.release(partial);
  return out;
}
