/** Host helpers shared by the kernel files: shape arrays for uniforms, dimension merging, size checks. */
import type { GpuStorage } from './kernel.ts';

/** Up to this many dimensions per shape/stride array in a uniform block (two vec4<u32>). */
export const MAX_RANK = 8;

/** The kernels index with i32 (or u32 flat ids), so every buffer must stay below 2^31 elements. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** A shape or stride list padded to MAX_RANK values (an `array<vec4<u32>, 2>` in WGSL). */
export function u32Array(values: readonly number[], what: string): number[] {
  if (values.length > MAX_RANK) throw new Error(`${what}: rank ${values.length} exceeds the WebGPU kernels' limit of ${MAX_RANK} (after merging dimensions)`);
  return Array.from({ length: MAX_RANK }, (_, i) => values[i] ?? 1);
}

/** Throws, naming the op and the operand, when a storage does not hold `expected` elements. */
export function checkLength(fn: string, name: string, s: GpuStorage, expected: number, formula: string): void {
  if (s.length !== expected) {
    throw new Error(`webgpu ${fn}: ${name} has ${s.length} elements, expected ${formula} = ${expected}`);
  }
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
