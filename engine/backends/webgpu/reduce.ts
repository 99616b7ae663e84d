/** WebGPU sum over axes. */
import { stridesOf } from '../../shape.ts';
import type { GpuContext, GpuStorage } from './kernel.ts';
import { mergeDims, u32, u32Array } from './util.ts';
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
    key: 'sum',
    code: sumWgsl,
    entryPoint: perWorkgroup ? 'mainWorkgroup' : 'main',
    inputs: [x],
    outputs: [out],
    uniforms: [
      u32(outCount),
      u32(x.length === 0 ? 0 : redCount),
      u32(kept.shape.length),
      u32(red.shape.length),
      ...u32Array(kept.shape, 'sum'),
      ...u32Array(kept.strides[0], 'sum'),
      ...u32Array(red.shape, 'sum'),
      ...u32Array(red.strides[0], 'sum'),
    ],
    workgroups: perWorkgroup ? ctx.grid(outCount, 1) : ctx.grid(outCount, 256),
  });
  return out;
}
