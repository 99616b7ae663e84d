/**
 * The contract between the WebGPU backend's infrastructure (context.ts and its parts: device
 * core, buffer pool, uniform arena, pipelines, profiler) and the files that implement kernels
 * (elementwise.ts, conv.ts, ...). A kernel file only describes dispatches; it never touches the
 * GPUDevice directly.
 *
 * A dispatch names its kernel (shaders.ts builds it from shaders/) and passes its uniforms by the
 * field names of the kernel's WGSL `struct`; the bindings follow the convention wgslLayout.ts
 * reads and checks: inputs (var<storage, read>), then outputs (var<storage, read_write>), then
 * the uniform block.
 */
import type { Storage } from '../../backend.ts';
import type { Kernel } from './shaders.ts';
import type { UniformValues } from './wgslLayout.ts';

/** A GPU-resident float32 array. `length` is in elements; the buffer may be larger (pooled). */
export interface GpuStorage extends Storage {
  readonly buffer: GPUBuffer;
  readonly length: number;
}

export interface KernelDispatch {
  kernel: Kernel;
  inputs: GpuStorage[];
  outputs: GpuStorage[];
  /** By the names of the kernel's uniform struct; every field, no other name. */
  uniforms?: UniformValues;
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
