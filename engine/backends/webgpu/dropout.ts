/** WebGPU dropout mask, bit-identical to the CPU backend's (same hash, same uint32 threshold). */
import type { GpuContext, GpuStorage } from './kernel.ts';
import { plainKernel } from './shaders.ts';
import dropoutMaskWgsl from '../../../shaders/dropout_mask.wgsl?raw';

export function dropoutMask(ctx: GpuContext, length: number, p: number, seed: number): GpuStorage {
  // p = 1 drops everything; the threshold test alone would keep a hash of 2^32 - 1 with scale 1/0.
  if (p >= 1) return ctx.alloc(length);
  const out = ctx.allocUninit(length);
  const threshold = Math.min(Math.floor(p * 4294967296), 4294967295);
  ctx.dispatch({
    kernel: plainKernel('dropout_mask', 'dropout_mask.wgsl', dropoutMaskWgsl),
    inputs: [],
    outputs: [out],
    uniforms: { n: length, seed: seed >>> 0, threshold, scale: 1 / (1 - p) },
    workgroups: ctx.grid(length, 256),
  });
  return out;
}
