/**
 * The WebGPU backend's infrastructure: one device, a pooled buffer allocator, a pipeline cache,
 * command batching and counters. Kernel files (elementwise.ts, conv.ts, ...) only describe
 * dispatches through the `GpuContext` contract in kernel.ts.
 *
 * Batching: every dispatch, clear and copy is recorded into one command encoder; `flush()`
 * submits it (at reads, at the end of optimizer.step(), or explicitly). Work is never submitted
 * per op.
 *
 * The buffer-reuse rule (why uploads cannot simply writeBuffer into any pooled buffer):
 * `queue.writeBuffer` runs on the queue timeline at call time, i.e. BEFORE the commands still
 * sitting in the unsubmitted encoder. Commands inside one encoder, on the other hand, run in
 * recording order. So:
 *  - A storage released while the current (unsubmitted) encoder references it goes to the
 *    `dirty` pool. Dirty buffers may be handed to kernel outputs (`alloc`), whose writes are
 *    recorded in the same encoder and therefore ordered after the earlier reads, but never to
 *    `upload`, whose writeBuffer would overtake those reads.
 *  - At every submit the dirty pool becomes clean: later writeBuffers are queued after the
 *    submitted commands.
 *  - `upload` takes only clean or fresh buffers; every zero-fill is an encoder clearBuffer.
 *  - Buffers are destroyed only when clean (destroying one an unsubmitted encoder uses would
 *    invalidate the submit).
 */
import type { GpuContext, GpuStorage, KernelDispatch, UniformValue } from './kernel.ts';

/** A pooled float32 GPU buffer viewed as `length` elements. */
export class WebGpuStorage implements GpuStorage {
  /** The epoch (submit count) of the last encoder that referenced this buffer. */
  lastUse = -1;
  released = false;
  constructor(
    readonly buffer: GPUBuffer,
    readonly length: number,
    /** Byte size of `buffer` (its pool bucket). */
    readonly capacity: number,
  ) {}
}

export interface WebGpuStats {
  /** Storages handed out and not yet released. */
  liveStorages: number;
  /** Bytes of those storages (bucket sizes, i.e. what they occupy). */
  liveBytes: number;
  /** GPU buffers that exist (live + pooled + staging), and their bytes. */
  gpuBuffers: number;
  gpuBytes: number;
  /** Buffers waiting in the pool for reuse. */
  pooledBuffers: number;
  pooledBytes: number;
  /** Since the last markStats(). */
  dispatches: number;
  submits: number;
  mapAsyncs: number;
  uploads: number;
  buffersCreated: number;
  pipelinesCreated: number;
  /** Compiled pipelines held in the cache. */
  pipelines: number;
}

/** GPU time of one kernel (pipeline key) over a profiling window. */
export interface KernelTime {
  kernel: string;
  /** Dispatches timed. */
  calls: number;
  /** Sum of their GPU durations (compute pass begin to end), milliseconds. */
  totalMs: number;
}

export interface KernelProfile {
  /** Sum over every timed dispatch, milliseconds. */
  totalMs: number;
  dispatches: number;
  /** Slowest first. */
  kernels: KernelTime[];
}

/** Timestamp pairs per query set; a set is resolved at the submit that ends its encoder. */
const QUERIES_PER_SET = 512;

interface ProfileSet {
  querySet: GPUQuerySet;
  used: number;
  keys: string[];
}

interface ProfileReadback {
  staging: GPUBuffer;
  resolve: GPUBuffer;
  sets: { keys: string[]; offset: number; used: number }[];
}

export interface ContextOptions {
  /** Dispatches after which the encoder is submitted even without a sync point (bounds memory). */
  autoFlushDispatches?: number;
}

const MIN_BUCKET = 256;
const CONSEQUENTIAL = /invalid due to a previous error/;
const UNIFORM_ARENA = 64 * 1024;

/** Size buckets: powers of two with quarter steps (at most 25% waste), multiples of 256 bytes. */
export function bucketSize(bytes: number): number {
  if (bytes <= MIN_BUCKET) return MIN_BUCKET;
  const p = 2 ** Math.floor(Math.log2(bytes));
  const quarter = p / 4;
  const size = Math.ceil(bytes / quarter) * quarter;
  return Math.ceil(size / 256) * 256;
}

interface CachedPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

export class WebGpuContext implements GpuContext {
  readonly limits: GPUSupportedLimits;
  readonly hasTimestamps: boolean;
  private readonly subgroupsFeature: boolean;
  private subgroupsOff = false;
  /** Submits so far: the id of the encoder now recording. */
  private epoch = 0;
  private encoder: GPUCommandEncoder | null = null;
  private encoderCommands = 0;
  private readonly clean = new Map<number, GPUBuffer[]>();
  private readonly dirty = new Map<number, GPUBuffer[]>();
  private readonly readStaging = new Map<number, GPUBuffer[]>();
  private readonly pipelines = new Map<string, CachedPipeline>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private uniformBuffers: GPUBuffer[] = [];
  private uniformData = new Uint8Array(UNIFORM_ARENA);
  private uniformOffset = 0;
  private uniformArenaIndex = 0;
  private readonly uniformAlign: number;
  private readonly autoFlushDispatches: number;
  private lostMessage: string | null = null;
  private errorMessages: string[] = [];
  private errorsReported = 0;
  private readonly pendingScopes = new Set<Promise<void>>();
  private counters = { dispatches: 0, submits: 0, mapAsyncs: 0, uploads: 0, buffersCreated: 0, pipelinesCreated: 0 };
  private live = { storages: 0, bytes: 0 };
  private gpu = { buffers: 0, bytes: 0 };
  private destroyed = false;
  /** Kernel profiling (timestamp queries around each dispatch's pass), off unless asked for. */
  private profiling = false;
  private profileSets: ProfileSet[] = [];
  private profileReadbacks: ProfileReadback[] = [];

  constructor(
    readonly device: GPUDevice,
    opts: ContextOptions = {},
  ) {
    this.limits = device.limits;
    this.hasTimestamps = device.features.has('timestamp-query');
    this.subgroupsFeature = device.features.has('subgroups');
    this.uniformAlign = device.limits.minUniformBufferOffsetAlignment;
    this.autoFlushDispatches = opts.autoFlushDispatches ?? 4096;
    device.lost.then((info) => {
      if (this.destroyed && info.reason === 'destroyed') return;
      this.lostMessage = `the WebGPU device was lost (${info.reason}): ${info.message || 'no message'}. Call initWebGPU() again to get a new device; tensors on the old one are gone.`;
    });
    device.addEventListener('uncapturederror', (e) => {
      const message = (e as GPUUncapturedErrorEvent).error.message;
      // Follow-on errors of a fault already reported (an invalid pipeline used later) add noise, not news.
      if (this.errorsReported > 0 && CONSEQUENTIAL.test(message)) return;
      this.errorMessages.push(message);
    });
  }

  get isLost(): boolean {
    return this.lostMessage !== null;
  }

  /** Throws the first GPU error seen since the last call (device loss stays sticky). */
  check(): void {
    if (this.lostMessage) throw new Error(this.lostMessage);
    if (this.errorMessages.length) {
      const msgs = this.errorMessages;
      this.errorMessages = [];
      this.errorsReported++;
      // The root cause first: Dawn also reports every later use of an invalid object.
      const first = msgs.find((m) => !CONSEQUENTIAL.test(m)) ?? msgs[0];
      throw new Error(`WebGPU error: ${first}${msgs.length > 1 ? ` (and ${msgs.length - 1} follow-on error${msgs.length > 2 ? 's' : ''})` : ''}`);
    }
  }

  /** Waits for pending pipeline-creation error scopes, then throws what they found. */
  async settle(): Promise<void> {
    while (this.pendingScopes.size) await Promise.all([...this.pendingScopes]);
    this.check();
  }

  // ---- memory ----------------------------------------------------------------------------

  private createBuffer(size: number): GPUBuffer {
    this.counters.buffersCreated++;
    this.gpu.buffers++;
    this.gpu.bytes += size;
    return this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  }

  private take(pool: Map<number, GPUBuffer[]>, size: number): GPUBuffer | null {
    return pool.get(size)?.pop() ?? null;
  }

  private handOut(buffer: GPUBuffer, length: number, size: number): WebGpuStorage {
    this.live.storages++;
    this.live.bytes += size;
    return new WebGpuStorage(buffer, length, size);
  }

  /** Storage whose contents are undefined: for kernels that write every element. */
  allocUninit(length: number): WebGpuStorage {
    this.check();
    const size = bucketSize(length * 4);
    const dirty = this.take(this.dirty, size);
    const s = this.handOut(dirty ?? this.take(this.clean, size) ?? this.createBuffer(size), length, size);
    // Still referenced by the unsubmitted encoder: it must go back dirty if released unused.
    if (dirty) this.touch(s);
    return s;
  }

  alloc(length: number): WebGpuStorage {
    this.check();
    const size = bucketSize(length * 4);
    const reused = this.take(this.dirty, size) ?? this.take(this.clean, size);
    // Fresh buffers are zeroed by WebGPU; reused ones are cleared in encoder order.
    const s = this.handOut(reused ?? this.createBuffer(size), length, size);
    if (reused) {
      this.getEncoder().clearBuffer(s.buffer, 0, size);
      this.touch(s);
    }
    return s;
  }

  upload(data: ArrayLike<number>): WebGpuStorage {
    this.check();
    const length = data.length;
    const size = bucketSize(length * 4);
    const buffer = this.take(this.clean, size) ?? this.createBuffer(size);
    const s = this.handOut(buffer, length, size);
    if (length) {
      const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
      this.device.queue.writeBuffer(buffer, 0, f32.buffer, f32.byteOffset, length * 4);
    }
    this.counters.uploads++;
    return s;
  }

  release(storage: GpuStorage): void {
    const s = storage as WebGpuStorage;
    if (s.released) return;
    s.released = true;
    this.live.storages--;
    this.live.bytes -= s.capacity;
    const pool = s.lastUse === this.epoch ? this.dirty : this.clean;
    let list = pool.get(s.capacity);
    if (!list) pool.set(s.capacity, (list = []));
    list.push(s.buffer);
  }

  /** Destroys every clean pooled buffer (dirty ones wait for the next submit). */
  trim(): void {
    for (const [size, list] of this.clean) {
      for (const buffer of list) {
        this.gpu.buffers--;
        this.gpu.bytes -= size;
        buffer.destroy();
      }
    }
    this.clean.clear();
  }

  copyInto(dst: GpuStorage, src: GpuStorage): void {
    this.check();
    if (dst.length !== src.length) throw new Error(`copyInto: length ${src.length} into length ${dst.length}`);
    if (dst.buffer === src.buffer || dst.length === 0) return;
    this.getEncoder().copyBufferToBuffer(src.buffer, 0, dst.buffer, 0, dst.length * 4);
    this.touch(dst as WebGpuStorage);
    this.touch(src as WebGpuStorage);
  }

  /** Reads a storage back to the host: submits pending work, then maps a staging buffer. */
  async read(storage: GpuStorage): Promise<Float64Array> {
    this.check();
    const length = storage.length;
    if (length === 0) {
      this.flush();
      await this.settle();
      return new Float64Array(0);
    }
    const size = bucketSize(length * 4);
    const staging =
      this.readStaging.get(size)?.pop() ??
      (this.gpu.buffers++, (this.gpu.bytes += size), this.counters.buffersCreated++, this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
    this.getEncoder().copyBufferToBuffer(storage.buffer, 0, staging, 0, length * 4);
    this.touch(storage as WebGpuStorage);
    this.flush();
    this.counters.mapAsyncs++;
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, length * 4);
    } catch (err) {
      this.check();
      throw new Error(`WebGPU readback failed: ${(err as Error).message}`);
    }
    const out = Float64Array.from(new Float32Array(staging.getMappedRange(0, length * 4)));
    staging.unmap();
    let list = this.readStaging.get(size);
    if (!list) this.readStaging.set(size, (list = []));
    list.push(staging);
    await this.settle();
    return out;
  }

  // ---- commands --------------------------------------------------------------------------

  private getEncoder(): GPUCommandEncoder {
    if (!this.encoder) {
      this.encoder = this.device.createCommandEncoder();
      this.encoderCommands = 0;
    }
    this.encoderCommands++;
    return this.encoder;
  }

  private touch(s: WebGpuStorage): void {
    s.lastUse = this.epoch;
  }

  /** Submits everything recorded so far. A no-op when nothing is recorded. */
  flush(): void {
    this.check();
    if (!this.encoder) return;
    this.writeUniforms();
    const timed = this.resolveProfile(this.encoder);
    this.device.queue.submit([this.encoder.finish()]);
    // Query sets may be destroyed once the submit that uses them is queued.
    for (const s of timed) s.querySet.destroy();
    this.encoder = null;
    this.encoderCommands = 0;
    this.counters.submits++;
    this.epoch++;
    // Submitted: later writeBuffers queue behind these commands, so dirty buffers are clean.
    for (const [size, list] of this.dirty) {
      let c = this.clean.get(size);
      if (!c) this.clean.set(size, (c = []));
      c.push(...list);
    }
    this.dirty.clear();
  }

  private writeUniforms(): void {
    if (this.uniformOffset > 0) {
      this.device.queue.writeBuffer(this.uniformBuffers[this.uniformArenaIndex], 0, this.uniformData.buffer, 0, this.uniformOffset);
    }
    this.uniformOffset = 0;
    this.uniformArenaIndex = 0;
  }

  /** Places a uniform block in the current arena; returns [buffer, offset, size]. */
  private placeUniforms(values: UniformValue[]): [GPUBuffer, number, number] {
    const size = Math.max(16, Math.ceil((values.length * 4) / 16) * 16);
    if (size > UNIFORM_ARENA) throw new Error(`uniform block of ${size} bytes is too large`);
    if (this.uniformOffset + size > UNIFORM_ARENA) {
      // This arena is full: write it out now (it is only read by this encoder's later submit,
      // and nothing submitted reads it), then continue in the next one.
      this.device.queue.writeBuffer(this.uniformBuffers[this.uniformArenaIndex], 0, this.uniformData.buffer, 0, this.uniformOffset);
      this.uniformArenaIndex++;
      this.uniformOffset = 0;
    }
    while (this.uniformBuffers.length <= this.uniformArenaIndex) {
      this.uniformBuffers.push(this.device.createBuffer({ size: UNIFORM_ARENA, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }));
    }
    const offset = this.uniformOffset;
    const view = new DataView(this.uniformData.buffer, offset, size);
    values.forEach((v, i) => {
      if ('u32' in v) view.setUint32(i * 4, v.u32 >>> 0, true);
      else if ('i32' in v) view.setInt32(i * 4, v.i32 | 0, true);
      else view.setFloat32(i * 4, v.f32, true);
    });
    for (let i = values.length * 4; i < size; i++) view.setUint8(i, 0);
    this.uniformOffset = Math.ceil((offset + size) / this.uniformAlign) * this.uniformAlign;
    return [this.uniformBuffers[this.uniformArenaIndex], offset, size];
  }

  private bindGroupLayout(inputs: number, outputs: number, uniform: boolean): GPUBindGroupLayout {
    const key = `${inputs}/${outputs}/${uniform}`;
    let layout = this.layouts.get(key);
    if (!layout) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      for (let i = 0; i < inputs; i++) entries.push({ binding: i, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } });
      for (let i = 0; i < outputs; i++) entries.push({ binding: inputs + i, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } });
      if (uniform) entries.push({ binding: inputs + outputs, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
      layout = this.device.createBindGroupLayout({ entries });
      this.layouts.set(key, layout);
    }
    return layout;
  }

  private pipeline(d: KernelDispatch): CachedPipeline {
    const hasUniforms = (d.uniforms?.length ?? 0) > 0;
    const constants = d.constants ?? {};
    const key = `${d.key}|${d.inputs.length}/${d.outputs.length}/${hasUniforms}|${d.entryPoint ?? 'main'}|${JSON.stringify(constants)}`;
    let cached = this.pipelines.get(key);
    if (cached) return cached;
    const layout = this.bindGroupLayout(d.inputs.length, d.outputs.length, hasUniforms);
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code: d.code, label: d.key });
    const pipeline = this.device.createComputePipeline({
      label: d.key,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: d.entryPoint ?? 'main', constants },
    });
    const scope: Promise<void> = this.device
      .popErrorScope()
      .then(async (err) => {
        if (!err) return;
        let detail = '';
        try {
          const info = await module.getCompilationInfo();
          detail = info.messages.map((m) => `\n  line ${m.lineNum}:${m.linePos} ${m.type}: ${m.message}`).join('');
        } catch {
          // compilation info is a diagnostic extra only
        }
        this.pipelines.delete(key);
        this.errorMessages.push(`kernel '${d.key}' failed to compile: ${err.message}${detail}`);
      })
      .catch(() => {
        // popErrorScope rejects only when the device is lost, which check() reports.
      })
      .finally(() => this.pendingScopes.delete(scope));
    this.pendingScopes.add(scope);
    cached = { pipeline, layout };
    this.pipelines.set(key, cached);
    this.counters.pipelinesCreated++;
    return cached;
  }

  dispatch(d: KernelDispatch): void {
    this.check();
    const [x, y = 1, z = 1] = d.workgroups;
    const max = this.limits.maxComputeWorkgroupsPerDimension;
    if (x > max || y > max || z > max) {
      throw new Error(`kernel '${d.key}': workgroups [${x}, ${y}, ${z}] exceed the device limit ${max} per dimension (use ctx.grid)`);
    }
    const nStorage = d.inputs.length + d.outputs.length;
    if (nStorage > this.limits.maxStorageBuffersPerShaderStage) {
      throw new Error(`kernel '${d.key}' binds ${nStorage} storage buffers; the device allows ${this.limits.maxStorageBuffersPerShaderStage}`);
    }
    if (x === 0 || y === 0 || z === 0) return;
    const { pipeline, layout } = this.pipeline(d);
    const maxBinding = this.limits.maxStorageBufferBindingSize;
    const entries: GPUBindGroupEntry[] = [];
    [...d.inputs, ...d.outputs].forEach((s, i) => {
      const size = Math.max(4, s.length * 4);
      if (size > maxBinding) throw new Error(`kernel '${d.key}': a buffer of ${size} bytes exceeds maxStorageBufferBindingSize ${maxBinding}`);
      entries.push({ binding: i, resource: { buffer: s.buffer, offset: 0, size } });
      this.touch(s as WebGpuStorage);
    });
    const encoder = this.getEncoder();
    if (d.uniforms?.length) {
      const [buffer, offset, size] = this.placeUniforms(d.uniforms);
      entries.push({ binding: nStorage, resource: { buffer, offset, size } });
    }
    const bindGroup = this.device.createBindGroup({ layout, entries });
    const pass = encoder.beginComputePass(this.profiling ? { timestampWrites: this.timestampWrites(d.key) } : undefined);
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y, z);
    pass.end();
    this.counters.dispatches++;
    if (this.encoderCommands >= this.autoFlushDispatches) this.flush();
  }

  get hasSubgroups(): boolean {
    return this.subgroupsFeature && !this.subgroupsOff;
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
  private gridLimit: number | null = null;

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

  // ---- kernel profiling ------------------------------------------------------------------

  /**
   * Starts timing every dispatch on the GPU (timestamp queries at the beginning and end of its
   * compute pass); `stopProfile()` reads the times back. Needs the 'timestamp-query' feature.
   * Costs one resolve and copy per submit and no extra submit; off, it costs nothing.
   */
  startProfile(): void {
    if (!this.hasTimestamps) throw new Error("kernel profiling needs the WebGPU 'timestamp-query' feature, which this device lacks");
    this.discardProfile();
    this.profiling = true;
  }

  /** Submits pending work, stops timing and returns GPU time per kernel since startProfile(). */
  async stopProfile(): Promise<KernelProfile> {
    this.flush();
    this.profiling = false;
    const readbacks = this.profileReadbacks;
    this.profileReadbacks = [];
    const byKey = new Map<string, KernelTime>();
    let totalNs = 0;
    let dispatches = 0;
    for (const r of readbacks) {
      await r.staging.mapAsync(GPUMapMode.READ);
      const ticks = new BigUint64Array(r.staging.getMappedRange().slice(0));
      r.staging.unmap();
      r.staging.destroy();
      r.resolve.destroy();
      for (const set of r.sets) {
        set.keys.forEach((key, i) => {
          const begin = ticks[set.offset / 8 + 2 * i];
          const end = ticks[set.offset / 8 + 2 * i + 1];
          // Timestamps may be zero or out of order where the implementation could not take them.
          const ns = end >= begin ? Number(end - begin) : 0;
          const e = byKey.get(key) ?? { kernel: key, calls: 0, totalMs: 0 };
          e.calls++;
          e.totalMs += ns / 1e6;
          byKey.set(key, e);
          totalNs += ns;
          dispatches++;
        });
      }
    }
    await this.settle();
    const kernels = [...byKey.values()].sort((a, b) => b.totalMs - a.totalMs);
    return { totalMs: totalNs / 1e6, dispatches, kernels };
  }

  private discardProfile(): void {
    for (const s of this.profileSets) s.querySet.destroy();
    this.profileSets = [];
    for (const r of this.profileReadbacks) {
      r.staging.destroy();
      r.resolve.destroy();
    }
    this.profileReadbacks = [];
  }

  private timestampWrites(key: string): GPUComputePassTimestampWrites {
    let set = this.profileSets[this.profileSets.length - 1];
    if (!set || set.used + 2 > QUERIES_PER_SET) {
      set = { querySet: this.device.createQuerySet({ type: 'timestamp', count: QUERIES_PER_SET }), used: 0, keys: [] };
      this.profileSets.push(set);
    }
    const index = set.used;
    set.used += 2;
    set.keys.push(key);
    return { querySet: set.querySet, beginningOfPassWriteIndex: index, endOfPassWriteIndex: index + 1 };
  }

  /** Resolves this encoder's timestamps into a mappable buffer, inside the same encoder. */
  private resolveProfile(encoder: GPUCommandEncoder): ProfileSet[] {
    if (!this.profileSets.length) return [];
    const sets: ProfileReadback['sets'] = [];
    let bytes = 0;
    for (const s of this.profileSets) {
      sets.push({ keys: s.keys, offset: bytes, used: s.used });
      bytes += Math.ceil((s.used * 8) / 256) * 256;
    }
    const resolve = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    const staging = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.profileSets.forEach((s, i) => encoder.resolveQuerySet(s.querySet, 0, s.used, resolve, sets[i].offset));
    encoder.copyBufferToBuffer(resolve, 0, staging, 0, bytes);
    const resolved = this.profileSets;
    this.profileSets = [];
    this.profileReadbacks.push({ staging, resolve, sets });
    return resolved;
  }

  // ---- counters --------------------------------------------------------------------------

  private mark = { dispatches: 0, submits: 0, mapAsyncs: 0, uploads: 0, buffersCreated: 0, pipelinesCreated: 0 };

  markStats(): void {
    this.mark = { ...this.counters };
  }

  stats(): WebGpuStats {
    let pooledBuffers = 0;
    let pooledBytes = 0;
    for (const pool of [this.clean, this.dirty]) {
      for (const [size, list] of pool) {
        pooledBuffers += list.length;
        pooledBytes += size * list.length;
      }
    }
    return {
      liveStorages: this.live.storages,
      liveBytes: this.live.bytes,
      gpuBuffers: this.gpu.buffers,
      gpuBytes: this.gpu.bytes,
      pooledBuffers,
      pooledBytes,
      dispatches: this.counters.dispatches - this.mark.dispatches,
      submits: this.counters.submits - this.mark.submits,
      mapAsyncs: this.counters.mapAsyncs - this.mark.mapAsyncs,
      uploads: this.counters.uploads - this.mark.uploads,
      buffersCreated: this.counters.buffersCreated - this.mark.buffersCreated,
      pipelinesCreated: this.counters.pipelinesCreated - this.mark.pipelinesCreated,
      pipelines: this.pipelines.size,
    };
  }

  /** Submits pending work and destroys the device. */
  destroy(): void {
    if (this.destroyed) return;
    try {
      if (!this.lostMessage) this.flush();
    } finally {
      this.destroyed = true;
      this.device.destroy();
    }
  }
}
