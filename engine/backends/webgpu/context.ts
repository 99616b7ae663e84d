/**
 * The WebGPU backend's context: one device, composed of its parts, each in its own file:
 *  - device.ts        the device/queue core: the one command encoder, submits, errors, counters;
 *  - bufferPool.ts    pooled storages and readbacks (and the buffer-reuse rule they follow);
 *  - uniformArena.ts  every dispatch's uniform block, written to the GPU once per submit;
 *  - pipelines.ts     compiled pipelines, checked against their WGSL when made;
 *  - profiler.ts      GPU time per dispatch from timestamp queries, when asked for.
 * Kernel files only describe dispatches through the `GpuContext` contract in kernel.ts; this
 * class records them: one compute pass per dispatch, in the current encoder, never submitted
 * per op.
 */
import { BufferPool, type MemoryStats, type WebGpuStorage } from './bufferPool.ts';
import { DeviceCore, type Counters } from './device.ts';
import type { GpuContext, GpuStorage, KernelDispatch } from './kernel.ts';
import { PipelineCache } from './pipelines.ts';
import { KernelProfiler, type KernelProfile } from './profiler.ts';
import type { Kernel } from './shaders.ts';
import { UniformArena } from './uniformArena.ts';

export { WebGpuStorage, bucketSize } from './bufferPool.ts';
export type { KernelProfile, KernelTime, TimedDispatch } from './profiler.ts';

export interface WebGpuStats extends MemoryStats, Counters {
  /** Compiled pipelines held in the cache. */
  pipelines: number;
}

export interface ContextOptions {
  /** Dispatches after which the encoder is submitted even without a sync point (bounds memory). */
  autoFlushDispatches?: number;
}

/** What a dispatch observer is told: the dispatch's sequence number and the kernel it ran. */
export type DispatchListener = (seq: number, kernel: Kernel) => void;

export class WebGpuContext implements GpuContext {
  readonly limits: GPUSupportedLimits;
  readonly hasTimestamps: boolean;
  private readonly core: DeviceCore;
  private readonly pool: BufferPool;
  private readonly uniforms: UniformArena;
  private readonly pipelines: PipelineCache;
  private readonly profiler: KernelProfiler;
  private subgroupsOff = false;
  private gridLimit: number | null = null;
  private seq = 0;
  private readonly listeners = new Set<DispatchListener>();
  private mark: Counters;

  constructor(
    readonly device: GPUDevice,
    opts: ContextOptions = {},
  ) {
    this.core = new DeviceCore(device, opts.autoFlushDispatches);
    this.limits = this.core.limits;
    this.hasTimestamps = this.core.hasTimestamps;
    // Submit order: the arena's uniforms are written, then the profiler resolves its queries.
    this.pool = new BufferPool(this.core);
    this.uniforms = new UniformArena(this.core);
    this.profiler = new KernelProfiler(this.core);
    this.pipelines = new PipelineCache(this.core);
    this.mark = { ...this.core.counters };
  }

  get isLost(): boolean {
    return this.core.isLost;
  }

  /** Throws the first GPU error seen since the last call (device loss stays sticky). */
  check(): void {
    this.core.check();
  }

  /** Waits for pending pipeline-creation error scopes, then throws what they found. */
  settle(): Promise<void> {
    return this.core.settle();
  }

  // ---- memory (bufferPool.ts) ------------------------------------------------------------

  allocUninit(length: number): WebGpuStorage {
    this.core.check();
    return this.pool.allocUninit(length);
  }

  alloc(length: number): WebGpuStorage {
    this.core.check();
    return this.pool.alloc(length);
  }

  upload(data: ArrayLike<number>): WebGpuStorage {
    this.core.check();
    return this.pool.upload(data);
  }

  release(storage: GpuStorage): void {
    this.pool.release(storage);
  }

  /** Destroys every clean pooled buffer (dirty ones wait for the next submit). */
  trim(): void {
    this.pool.trim();
  }

  copyInto(dst: GpuStorage, src: GpuStorage): void {
    this.core.check();
    this.pool.copyInto(dst, src);
  }

  /** Reads a storage back to the host: submits pending work, then maps a staging buffer. */
  read(storage: GpuStorage): Promise<Float64Array> {
    this.core.check();
    return this.pool.read(storage);
  }

  // ---- commands ----------------------------------------------------------------------------

  /** Submits everything recorded so far. A no-op when nothing is recorded. */
  flush(): void {
    this.core.flush();
  }

  dispatch(d: KernelDispatch): void {
    this.core.check();
    const name = d.kernel.name;
    const [x, y = 1, z = 1] = d.workgroups;
    const max = this.limits.maxComputeWorkgroupsPerDimension;
    if (x > max || y > max || z > max) {
      throw new Error(`kernel '${name}': workgroups [${x}, ${y}, ${z}] exceed the device limit ${max} per dimension (use ctx.grid)`);
    }
    const nStorage = d.inputs.length + d.outputs.length;
    if (nStorage > this.limits.maxStorageBuffersPerShaderStage) {
      throw new Error(`kernel '${name}' binds ${nStorage} storage buffers; the device allows ${this.limits.maxStorageBuffersPerShaderStage}`);
    }
    if (x === 0 || y === 0 || z === 0) return;
    const { pipeline, layout, bindings } = this.pipelines.get(d);
    if (bindings.inputs !== d.inputs.length || bindings.outputs !== d.outputs.length) {
      throw new Error(`kernel '${name}' declares ${bindings.inputs} inputs and ${bindings.outputs} outputs; the dispatch passed ${d.inputs.length} and ${d.outputs.length}`);
    }
    const maxBinding = this.limits.maxStorageBufferBindingSize;
    const entries: GPUBindGroupEntry[] = [];
    for (let i = 0; i < nStorage; i++) {
      const s = i < d.inputs.length ? d.inputs[i] : d.outputs[i - d.inputs.length];
      const size = Math.max(4, s.length * 4);
      if (size > maxBinding) throw new Error(`kernel '${name}': a buffer of ${size} bytes exceeds maxStorageBufferBindingSize ${maxBinding}`);
      entries.push({ binding: i, resource: { buffer: s.buffer, offset: 0, size } });
      this.pool.touch(s);
    }
    const encoder = this.core.commandEncoder();
    if (bindings.uniforms) entries.push({ binding: nStorage, resource: this.uniforms.place(bindings.uniforms, d.uniforms ?? {}, name) });
    const bindGroup = this.device.createBindGroup({ layout, entries });
    const seq = ++this.seq;
    const pass = encoder.beginComputePass(this.profiler.active ? { timestampWrites: this.profiler.timestampWrites(seq, name) } : undefined);
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y, z);
    pass.end();
    this.core.counters.dispatches++;
    for (const l of this.listeners) l(seq, d.kernel);
    this.core.maybeFlush();
  }

  /** Calls `listener` after every dispatch recorded from now on, until the returned function is called. */
  observeDispatches(listener: DispatchListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  get hasSubgroups(): boolean {
    return this.core.hasSubgroupsFeature && !this.subgroupsOff;
  }

  /** Makes kernels take their paths without subgroup operations, so tests cover both. */
  setSubgroupsForTests(enabled: boolean): void {
    this.subgroupsOff = !enabled;
  }

  /**
   * Lowers the per-dimension workgroup limit `grid` folds at (null: the device's), so tests can
   * drive every kernel through 2-D and 3-D grids at small sizes.
   */
  setGridLimitForTests(limit: number | null): void {
    this.gridLimit = limit;
  }

  grid(count: number, workgroupSize: number): [number, number, number] {
    const groups = Math.ceil(count / workgroupSize);
    const max = this.gridLimit ?? this.limits.maxComputeWorkgroupsPerDimension;
    if (groups <= max) return [groups, 1, 1];
    const y = Math.ceil(groups / max);
    if (y <= max) return [max, y, 1];
    const z = Math.ceil(y / max);
    if (z > max) throw new Error(`${count} invocations exceed the device's dispatch grid`);
    return [max, max, z];
  }

  // ---- kernel profiling (profiler.ts) ------------------------------------------------------

  /** Starts timing every dispatch on the GPU; needs the 'timestamp-query' feature. */
  startProfile(): void {
    this.profiler.start();
  }

  /** Submits pending work, stops timing and returns GPU time per kernel since startProfile(). */
  stopProfile(): Promise<KernelProfile> {
    return this.profiler.stop();
  }

  // ---- counters ----------------------------------------------------------------------------

  markStats(): void {
    this.mark = { ...this.core.counters };
  }

  stats(): WebGpuStats {
    const c = this.core.counters;
    const since = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v - this.mark[k as keyof Counters]])) as unknown as Counters;
    return { ...this.pool.stats(), ...since, pipelines: this.pipelines.size };
  }

  /** Submits pending work and destroys the device. */
  destroy(): void {
    this.core.destroy();
  }
}
