/**
 * WebGPU kernels that index by class (nll_loss, class weights). Out-of-range class ids cannot
 * throw on the GPU; the kernels write NaN instead, so a bad target shows up in the loss.
 */
import type { GpuContext, GpuStorage } from './kernel.ts';
import { f32, u32 } from './util.ts';
import gatherClassWgsl from '../../../shaders/gather_class.wgsl?raw';
import scatterClassWgsl from '../../../shaders/scatter_class.wgsl?raw';
import indexSelectWgsl from '../../../shaders/index_select.wgsl?raw';

export function gatherClass(ctx: GpuContext, x: GpuStorage, index: GpuStorage, n: number, c: number): GpuStorage {
  if (x.length !== n * c || index.length !== n) throw new Error(`gatherClass: scores of ${x.length} elements and ${index.length} targets for [${n}, ${c}]`);
  const out = ctx.allocUninit(n);
  ctx.dispatch({ key: 'gather_class', code: gatherClassWgsl, inputs: [x, index], outputs: [out], uniforms: [u32(n), u32(c), f32(NaN)], workgroups: ctx.grid(n, 256) });
  return out;
}

export function scatterClass(ctx: GpuContext, grad: GpuStorage, index: GpuStorage, n: number, c: number): GpuStorage {
  if (grad.length !== n || index.length !== n) throw new Error(`scatterClass: ${grad.length} gradients and ${index.length} targets for n = ${n}`);
  const out = ctx.allocUninit(n * c);
  ctx.dispatch({ key: 'scatter_class', code: scatterClassWgsl, inputs: [grad, index], outputs: [out], uniforms: [u32(n), u32(c), f32(NaN)], workgroups: ctx.grid(n * c, 256) });
  return out;
}

export function indexSelect(ctx: GpuContext, table: GpuStorage, index: GpuStorage): GpuStorage {
  const out = ctx.allocUninit(index.length);
  ctx.dispatch({
    key: 'index_select',
    code: indexSelectWgsl,
    inputs: [table, index],
    outputs: [out],
    uniforms: [u32(index.length), u32(table.length), f32(NaN)],
    workgroups: ctx.grid(index.length, 256),
  });
  return out;
}
