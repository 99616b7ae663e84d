/** WebGPU batched matrix multiply (tiled, workgroup shared memory). */
import type { GpuContext, GpuStorage } from './kernel.ts';
import { u32 } from './util.ts';
import matmulWgsl from '../../../shaders/matmul.wgsl?raw';
import matmulSmallWgsl from '../../../shaders/matmul_small.wgsl?raw';

const TILE = 16;

/** Outputs up to this many, or k up to SHORT_K, take the untiled kernel (see matmul_small.wgsl). */
const SMALL_OUTPUT = 8192;
const SHORT_K = 16;

export function matmul(ctx: GpuContext, a: GpuStorage, b: GpuStorage, batchA: number, batchB: number, m: number, k: number, n: number, transA: boolean, transB: boolean): GpuStorage {
  const batch = Math.max(batchA, batchB);
  if ((batchA !== 1 && batchA !== batch) || (batchB !== 1 && batchB !== batch)) throw new Error(`matmul: batch sizes ${batchA} and ${batchB} do not broadcast`);
  if (a.length !== batchA * m * k || b.length !== batchB * k * n) throw new Error(`matmul: operand sizes ${a.length}, ${b.length} do not match [${batchA}, ${m}, ${k}] @ [${batchB}, ${k}, ${n}]`);
  const out = ctx.allocUninit(batch * m * n);
  const strides = [
    u32(transA ? 1 : k),
    u32(transA ? m : 1),
    u32(transB ? 1 : n),
    u32(transB ? k : 1),
    u32(batchA === 1 ? 0 : m * k),
    u32(batchB === 1 ? 0 : k * n),
  ];
  if (batch * m * n <= SMALL_OUTPUT || k <= SHORT_K) {
    ctx.dispatch({
      key: 'matmul_small',
      code: matmulSmallWgsl,
      inputs: [a, b],
      outputs: [out],
      uniforms: [u32(m), u32(k), u32(n), u32(batch), ...strides],
      workgroups: ctx.grid(batch * m * n, 64),
    });
    return out;
  }
  const tilesM = Math.ceil(m / TILE);
  const tilesN = Math.ceil(n / TILE);
  ctx.dispatch({
    key: 'matmul',
    code: matmulWgsl,
    inputs: [a, b],
    outputs: [out],
    uniforms: [
      u32(m),
      u32(k),
      u32(n),
      u32(batch),
      ...strides,
      u32(tilesM),
      u32(tilesN),
    ],
    workgroups: ctx.grid(batch * tilesM * tilesN, 1),
  });
  return out;
}
