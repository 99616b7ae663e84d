/**
 * The WebGPU side of conv2dReluMaxPool2d for row convolutions (see convRows.ts) pooled along the
 * row in non-overlapping windows: the fused forward (the row kernel's pool variant), and the
 * sparse backward, which visits one winner per window for the weight and bias gradients and
 * scatters the winners' gradients into the dense row gradient for the input's.
 */
import type { Conv2dParams, Pool2dParams } from '../../backend.ts';
import type { GpuContext, GpuStorage } from './kernel.ts';
import { i32, u32 } from './util.ts';
import { WORKGROUP_SIZE, cached, correlate, fill, pooledBlock, rowChunks, rowConvBackwardInput, sumPartials, type RowConv, type RowPool } from './convRows.ts';
import poolBackwardWeightSource from '../../../shaders/conv_rows_maxpool_backward_weight.wgsl?raw';
import maxBackwardScatterSource from '../../../shaders/maxpool2d_backward_scatter.wgsl?raw';

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
  const { out, argmax } = correlate(ctx, { ...r, x, weight, bias, wOut: r.inC * r.taps, wIn: r.taps, wTap: 1, wBase: 0, relu: true }, { ...pool, withArgmax });
  if (withArgmax) return { out, argmax };
  ctx.release(argmax!);
  return { out, argmax: null };
}

/** The pooled gradient and the fused forward's winners (-1 where the window passes no gradient). */
interface PooledGrad {
  gradOut: GpuStorage;
  argmax: GpuStorage;
}

/**
 * d/dx of rowConvReluMaxPool: the winners' gradients scattered into the dense convolution
 * gradient (zeros elsewhere), then the register-blocked dense input gradient. A sparse gather
 * over the windows reaching each input (tried) needs one weight load per product, and on
 * SwiftShader a load costs about as much as a dozen multiply-adds: it was no faster for
 * Chambon's first convolution (149 ms against 151 at batch 128) and slower for its second
 * (94 against 68).
 */
export function rowConvReluMaxPoolBackwardInput(ctx: GpuContext, r: RowConv, pool: RowPool, g: PooledGrad, weight: GpuStorage): GpuStorage {
  const windows = g.gradOut.length;
  const dense = ctx.alloc(r.batch * r.outC * r.rows * r.outW);
  ctx.dispatch({
    key: 'maxpool2d_backward_scatter',
    code: maxBackwardScatterSource,
    inputs: [g.gradOut, g.argmax],
    outputs: [dense],
    uniforms: [u32(windows), u32(r.rows * pool.windows), u32(r.rows * r.outW)],
    workgroups: ctx.grid(windows, WORKGROUP_SIZE),
  });
  const gradX = rowConvBackwardInput(ctx, r, dense, weight);
  ctx.release(dense);
  return gradX;
}

/**
 * conv_rows_maxpool_backward_weight.wgsl for J taps per lane. With subgroups, lane l of each
 * group of 4 loads window w + l's gradient and winner and subgroupShuffle hands them round (the
 * 4 lanes share everything but their taps, and the host launches whole groups, so every lane
 * reaches the shuffles); windows past the row's end carry gradient 0.
 */
function poolBackwardWeightCode(j: number, subgroups: boolean): string {
  const each = (f: (k: number) => string, sep: string) => Array.from({ length: j }, (_, k) => f(k)).join(sep);
  const macs = (indent: string) => each((k) => `a${k} = fma(g, xAt(xRow, s + ${4 * k}), a${k});`, `\n${indent}`);
  const windows = subgroups
    ? [
        'for (var w0 = 0; w0 < u.pooledW; w0 += 4) {',
        '      let mine = min(w0 + lane, u.pooledW - 1);',
        '      let at = argmax[gRow + mine];',
        '      let gl = select(0.0, gradOut[gRow + mine], at >= 0.0 && w0 + lane < u.pooledW);',
        '      let pl = i32(at) - rowStart - u.pad;',
        '      for (var q = 0u; q < 4u; q++) {',
        '        let g = subgroupShuffle(gl, quad + q);',
        '        let s = subgroupShuffle(pl, quad + q) + k0;',
        `        ${macs('        ')}`,
        '        gb += g;',
        '      }',
        '    }',
      ].join('\n')
    : [
        'for (var w = 0; w < u.pooledW; w++) {',
        '      let at = argmax[gRow + w];',
        '      let g = select(0.0, gradOut[gRow + w], at >= 0.0);',
        '      let s = i32(at) - rowStart + k0 - u.pad;',
        `      ${macs('      ')}`,
        '      gb += g;',
        '    }',
      ].join('\n');
  return fill(poolBackwardWeightSource, {
    // The shuffles' source lanes share the group of 4, which the uniformity analysis cannot see.
    ENABLE: subgroups ? 'enable subgroups;\ndiagnostic(off, subgroup_uniformity);\n' : '',
    BUILTINS: subgroups ? ', @builtin(subgroup_invocation_id) subgroupLane: u32' : '',
    J: j,
    DECLARE: each((k) => `var a${k} = 0.0;`, '\n  ') + (subgroups ? '\n  let quad = subgroupLane & ~3u;' : ''),
    WINDOWS: windows,
    STORE: each((k) => `put(base, k0 + ${4 * k}, a${k});`, '\n  '),
  });
}

/** d/dweight and d/dbias of rowConvReluMaxPool: one product per window, summed over chunks of rows. */
export function rowConvReluMaxPoolBackwardWeight(ctx: GpuContext, r: RowConv, pool: RowPool, g: PooledGrad, x: GpuStorage, withBias: boolean): { weight: GpuStorage; bias: GpuStorage | null } {
  const j = Math.min(16, Math.ceil(r.taps / 4));
  const kGroups = Math.ceil(r.taps / (4 * j));
  const tiles = r.inC * r.outC * kGroups * 4;
  const allRows = r.batch * r.rows;
  const { rowsPerChunk, chunks } = rowChunks(allRows, pool.windows, tiles, 1024);
  const numWeights = r.outC * r.inC * r.taps;
  const total = chunks * tiles;
  const partial = ctx.allocUninit(chunks * (numWeights + r.outC));
  const subgroups = ctx.hasSubgroups;
  ctx.dispatch({
    key: `conv_rows_maxpool_backward_weight_${j}${subgroups ? '_subgroups' : ''}`,
    code: cached(`pw${j}${subgroups}`, () => poolBackwardWeightCode(j, subgroups)),
    inputs: [g.gradOut, g.argmax, x],
    outputs: [partial],
    uniforms: [u32(total), ...[r.rows, r.inW, r.outW, r.inC, r.outC, r.taps, r.pad, allRows, rowsPerChunk, kGroups, pool.windows, numWeights].map(i32)],
    workgroups: ctx.grid(total, WORKGROUP_SIZE),
  });
  const out = sumPartials(ctx, partial, chunks, numWeights + r.outC, numWeights, withBias ? r.outC : 0);
  ctx.release(partial);
  return out;
}
