/** WebGPU log-softmax and its backward along the middle axis of [outer, dim, inner]. */
import type { GpuContext, GpuStorage } from './kernel.ts';
import { plainKernel } from './shaders.ts';
import logSoftmaxWgsl from '../../../shaders/log_softmax.wgsl?raw';
import logSoftmaxBackwardWgsl from '../../../shaders/log_softmax_backward.wgsl?raw';

export function logSoftmax(ctx: GpuContext, x: GpuStorage, outer: number, dim: number, inner: number): GpuStorage {
  const out = ctx.allocUninit(x.length);
  const rows = outer * inner;
  ctx.dispatch({ kernel: plainKernel('log_softmax', 'log_softmax.wgsl', logSoftmaxWgsl), inputs: [x], outputs: [out], uniforms: { rows, dim, inner }, workgroups: ctx.grid(rows, 256) });
  return out;
}

export function logSoftmaxBackward(ctx: GpuContext, grad: GpuStorage, y: GpuStorage, outer: number, dim: number, inner: number): GpuStorage {
  const out = ctx.allocUninit(y.length);
  const rows = outer * inner;
  ctx.dispatch({
    kernel: plainKernel('log_softmax_backward', 'log_softmax_backward.wgsl', logSoftmaxBackwardWgsl),
    inputs: [grad, y],
    outputs: [out],
    uniforms: { rows, dim, inner },
    workgroups: ctx.grid(rows, 256),
  });
  return out;
}
