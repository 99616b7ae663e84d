/**
 * WebGPU kernels that index by class (nll_loss, class weights). Out-of-range class ids cannot
 * throw on the GPU; the kernels write NaN instead, so a bad target shows up in the loss.
 */
import type { GpuContext, GpuStorage } from './kernel.ts';
import { plainKernel } from './shaders.ts';
import gatherClassWgsl from '../../../shaders/gather_class.wgsl?raw';
import scatterClassWgsl from '../../../shaders/scatter_class.wgsl?raw';
import indexSelectWgsl from '../../../shaders/index_select.wgsl?raw';

export function gatherClass(ctx: GpuContext, x: GpuStorage, index: GpuStorage, n: number, c: number): GpuStorage {
  if (x.length !== n * c || index.length !== n) throw new Error(`gatherClass: scores of ${x.length} elements and ${index.length} targets for [${n}, ${c}]`);
  const out = ctx.allocUninit(n);
  ctx.dispatch({ kernel: plainKernel('gather_class', 'gather_class.wgsl', gatherClassWgsl), inputs: [x, index], outputs: [out], uniforms: { n, c, nan: NaN }, workgroups: ctx.grid(n, 256) });
  return out;
}

export function scatterClass(ctx: GpuContext, grad: GpuStorage, index: GpuStorage, n: number, c: number): GpuStorage {
  if (grad.length !== n || index.length !== n) throw new Error(`scatterClass: ${grad.length} gradients and ${index.length} targets for n = ${n}`);
  const out = ctx.allocUninit(n * c);
  ctx.dispatch({ kernel: plainKernel('scatter_class', 'scatter_class.wgsl', scatterClassWgsl), inputs: [grad, index], outputs: [out], uniforms: { n, c, nan: NaN }, workgroups: ctx.grid(n * c, 256) });
  return out;
}

export function indexSelect(ctx: GpuContext, table: GpuStorage, index: GpuStorage): GpuStorage {
  const out = ctx.allocUninit(index.length);
  ctx.dispatch({
    kernel: plainKernel('index_select', 'index_select.wgsl', indexSelectWgsl),
    inputs: [table, index],
    outputs: [out],
    uniforms: { n: index.length, tableLength: table.length, nan: NaN },
    workgroups: ctx.grid(index.length, 256),
  });
  return out;
}
