/** WebGPU sum over axes. */
import { stridesOf } from '../../shape.ts';
import type { GpuContext, GpuStorage } from './kernel.ts';
import { plainKernel } from './shaders.ts';
import { mergeDims, u32Array } from './util.ts';
import sumWgsl from '../../../shaders/sum.wgsl?raw';

/** Sums at least this long get a workgroup each (parallel tree sum); shorter ones a thread each. */
const WORKGROUP_SUM_FROM = 64;

export function sum(ctx: GpuContext, x: GpuStorage, shape: readonly number[], axes: readonly number[]): GpuStorage {
  const strides = stridesOf(shape);
  const keptShape: number[] = [];
  const keptStrides: number[] = [];
  const redShape: number[] = [];
  const redStrides: number[] = [];
  shape.forEach((d, i) => {
    if (axes.includes(i)) {
      redShape.push(d);
      redStrides.push(strides[i]);
    } else {
      keptShape.push(d);
      keptStrides.push(strides[i]);
    }
  });
  const kept = mergeDims(keptShape, [keptStrides]);
  const red = mergeDims(redShape, [redStrides]);
  const outCount = kept.shape.reduce((p, d) => p * d, 1);
  const redCount = red.shape.reduce((p, d) => p * d, 1);
  const out = ctx.allocUninit(outCount);
  const perWorkgroup = redCount >= WORKGROUP_SUM_FROM;
  ctx.dispatch({
    kernel: perWorkgroup ? plainKernel('sum_workgroup', 'sum.wgsl', sumWgsl, { entryPoint: 'mainWorkgroup' }) : plainKernel('sum', 'sum.wgsl', sumWgsl),
    inputs: [x],
    outputs: [out],
    uniforms: {
      outCount,
      redCount: x.length === 0 ? 0 : redCount,
      keptRank: kept.shape.length,
      redRank: red.shape.length,
      keptShape: u32Array(kept.shape, 'sum'),
      keptStrides: u32Array(kept.strides[0], 'sum'),
      redShape: u32Array(red.shape, 'sum'),
      redStrides: u32Array(red.strides[0], 'sum'),
    },
    workgroups: perWorkgroup ? ctx.grid(outCount, 1) : ctx.grid(outCount, 256),
  });
  return out;
}
