/**
 * The contract between the WebGPU backend's infrastructure (context.ts: device, buffer pool,
 * pipeline cache, command batching, counters) and the files that implement kernels
 * (elementwise.ts, conv.ts, pool.ts, ...). A kernel file only describes dispatches; it never
 * touches the GPUDevice directly.
 *
 * Binding convention every WGSL kernel in shaders/ follows, in @group(0):
 *   bindings 0..I-1   the `inputs`, as var<storage, read>
 *   bindings I..I+O-1 the `outputs`, as var<storage, read_write>
 *   binding  I+O      the uniform block (only when `uniforms` is non-empty), a struct whose
 *                     fields are 4-byte scalars in the order given (u32 / i32 / f32).
 */
import type { Storage } from '../../backend.ts';

/** A GPU-resident float32 array. `length` is in elements; the buffer may be larger (pooled). */
export interface GpuStorage extends Storage {
  readonly buffer: GPUBuffer;
  readonly length: number;
}

export type UniformValue = { u32: number } | { i32: number } | { f32: number };

export interface KernelDispatch {
  /** Pipeline cache key: the kernel's name plus every specialisation baked into `code`. */
  key: string;
  /** Full WGSL source (a shaders/*.wgsl file, possibly with constants substituted). */
  code: string;
  entryPoint?: string;
  /** Values for the shader's `override` constants (part of the pipeline cache key). */
  constants?: Record<string, number>;
  inputs: GpuStorage[];
  outputs: GpuStorage[];
  uniforms?: UniformValue[];
  /** Workgroup counts; each must be <= the device's maxComputeWorkgroupsPerDimension. */
  workgroups: [number, number?, number?];
}

export interface GpuContext {
  readonly device: GPUDevice;
  readonly limits: GPUSupportedLimits;
  /** Kernels may use WGSL subgroup operations (the device has the 'subgroups' feature). */
  readonly hasSubgroups: boolean;
  /** Zero-filled storage of `length` float32 elements, from the pool when possible. */
  alloc(length: number): GpuStorage;
  /** Storage with undefined contents, for outputs a kernel writes completely (skips the clear). */
  allocUninit(length: number): GpuStorage;
  /** Records a buffer copy dst <- src (same length) in the current encoder. */
  copyInto(dst: GpuStorage, src: GpuStorage): void;
  /** Returns a storage to the pool (for temporaries a kernel file allocates and no longer needs). */
  release(storage: GpuStorage): void;
  /** Records one compute pass into the current command encoder (no submit). */
  dispatch(d: KernelDispatch): void;
  /** Splits `count` invocations of `workgroupSize` into a grid that respects the per-dimension limit. */
  grid(count: number, workgroupSize: number): [number, number, number];
}
