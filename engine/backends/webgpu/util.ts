/** Helpers shared by the kernel files: uniform packing and dimension merging. */
import type { UniformValue } from './kernel.ts';

/** Up to this many dimensions per shape/stride array in a uniform block (two vec4<u32>). */
export const MAX_RANK = 8;

export const u32 = (v: number): UniformValue => ({ u32: v });
export const f32 = (v: number): UniformValue => ({ f32: v });
export const i32 = (v: number): UniformValue => ({ i32: v });

/** A shape or stride list padded to MAX_RANK u32 values (an `array<vec4<u32>, 2>` in WGSL). */
export function u32Array(values: readonly number[], what: string): UniformValue[] {
  if (values.length > MAX_RANK) throw new Error(`${what}: rank ${values.length} exceeds the WebGPU kernels' limit of ${MAX_RANK} (after merging dimensions)`);
  const out: UniformValue[] = [];
  for (let i = 0; i < MAX_RANK; i++) out.push(u32(values[i] ?? 1));
  return out;
}

/**
 * Merges adjacent dimensions that every stride list walks contiguously (stride[d] ==
 * stride[d+1] * shape[d+1]) and drops size-1 dimensions, so kernels index over as few
 * dimensions as possible. Returns the merged shape and the matching stride lists.
 */
export function mergeDims(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[d] * shape[d])) {
      outShape[last] *= shape[d];
      strides.forEach((s, k) => (outStrides[k][last] = s[d]));
    } else {
      outShape.push(shape[d]);
      strides.forEach((s, k) => outStrides[k].push(s[d]));
    }
  }
  return { shape: outShape, strides: outStrides };
}
