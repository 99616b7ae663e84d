/**
 * The WebGPU backend's buffer pool: float32 storages in size buckets, recycled instead of
 * created and destroyed per op, and the staging buffers reads go through.
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
import type { DeviceCore } from './device.ts';
import type { GpuStorage } from './kernel.ts';

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

export interface MemoryStats {
  /** Storages handed out and not yet released, and their bytes (bucket sizes). */
  liveStorages: number;
  liveBytes: number;
  /** GPU buffers that exist (live + pooled + staging), and their bytes. */
  gpuBuffers: number;
  gpuBytes: number;
  /** Buffers waiting in the pool for reuse. */
  pooledBuffers: number;
  pooledBytes: number;
}

const MIN_BUCKET = 256;

/** Size buckets: powers of two with quarter steps (at most 25% waste), multiples of 256 bytes. */
export function bucketSize(bytes: number): number {
  if (bytes <= MIN_BUCKET) return MIN_BUCKET;
  const p = 2 ** Math.floor(Math.log2(bytes));
  const quarter = p / 4;
  const size = Math.ceil(bytes / quarter) * quarter;
  return Math.ceil(size / 256) * 256;
}

function push(pool: Map<number, GPUBuffer[]>, size: number, buffer: GPUBuffer): void {
  let list = pool.get(size);
  if (!list) pool.set(size, (list = []));
  list.push(buffer);
}

export class BufferPool {
  private readonly clean = new Map<number, GPUBuffer[]>();
  private readonly dirty = new Map<number, GPUBuffer[]>();
  private readonly readStaging = new Map<number, GPUBuffer[]>();
  private live = { storages: 0, bytes: 0 };
  private gpu = { buffers: 0, bytes: 0 };

  constructor(private readonly core: DeviceCore) {
    // Submitted: later writeBuffers queue behind these commands, so dirty buffers are clean.
    core.onSubmit({
      afterSubmit: () => {
        for (const [size, list] of this.dirty) for (const b of list) push(this.clean, size, b);
        this.dirty.clear();
      },
    });
  }

  private createBuffer(size: number, usage: GPUBufferUsageFlags): GPUBuffer {
    this.core.counters.buffersCreated++;
    this.gpu.buffers++;
    this.gpu.bytes += size;
    return this.core.device.createBuffer({ size, usage });
  }

  private storageBuffer(size: number): GPUBuffer {
    return this.createBuffer(size, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST);
  }

  private take(pool: Map<number, GPUBuffer[]>, size: number): GPUBuffer | null {
    return pool.get(size)?.pop() ?? null;
  }

  private handOut(buffer: GPUBuffer, length: number, size: number): WebGpuStorage {
    this.live.storages++;
    this.live.bytes += size;
    return new WebGpuStorage(buffer, length, size);
  }

  /** Marks a storage as referenced by the encoder now recording. */
  touch(s: GpuStorage): void {
    (s as WebGpuStorage).lastUse = this.core.epoch;
  }

  /** Storage whose contents are undefined: for kernels that write every element. */
  allocUninit(length: number): WebGpuStorage {
    const size = bucketSize(length * 4);
    const dirty = this.take(this.dirty, size);
    const s = this.handOut(dirty ?? this.take(this.clean, size) ?? this.storageBuffer(size), length, size);
    // Still referenced by the unsubmitted encoder: it must go back dirty if released unused.
    if (dirty) this.touch(s);
    return s;
  }

  /** Zero-filled storage: fresh buffers are zeroed by WebGPU, reused ones cleared in encoder order. */
  alloc(length: number): WebGpuStorage {
    const size = bucketSize(length * 4);
    const reused = this.take(this.dirty, size) ?? this.take(this.clean, size);
    const s = this.handOut(reused ?? this.storageBuffer(size), length, size);
    if (reused) {
      this.core.commandEncoder().clearBuffer(s.buffer, 0, size);
      this.touch(s);
    }
    return s;
  }

  upload(data: ArrayLike<number>): WebGpuStorage {
    const length = data.length;
    const size = bucketSize(length * 4);
    const buffer = this.take(this.clean, size) ?? this.storageBuffer(size);
    const s = this.handOut(buffer, length, size);
    if (length) {
      const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
      this.core.device.queue.writeBuffer(buffer, 0, f32.buffer, f32.byteOffset, length * 4);
    }
    this.core.counters.uploads++;
    return s;
  }

  release(storage: GpuStorage): void {
    const s = storage as WebGpuStorage;
    if (s.released) return;
    s.released = true;
    this.live.storages--;
    this.live.bytes -= s.capacity;
    push(s.lastUse === this.core.epoch ? this.dirty : this.clean, s.capacity, s.buffer);
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
    if (dst.length !== src.length) throw new Error(`copyInto: length ${src.length} into length ${dst.length}`);
    if (dst.buffer === src.buffer || dst.length === 0) return;
    this.core.commandEncoder().copyBufferToBuffer(src.buffer, 0, dst.buffer, 0, dst.length * 4);
    this.touch(dst);
    this.touch(src);
  }

  /** Reads a storage back to the host: submits pending work, then maps a staging buffer. */
  async read(storage: GpuStorage): Promise<Float64Array> {
    const length = storage.length;
    if (length === 0) {
      this.core.flush();
      await this.core.settle();
      return new Float64Array(0);
    }
    const size = bucketSize(length * 4);
    const staging = this.readStaging.get(size)?.pop() ?? this.createBuffer(size, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    this.core.commandEncoder().copyBufferToBuffer(storage.buffer, 0, staging, 0, length * 4);
    this.touch(storage);
    this.core.flush();
    this.core.counters.mapAsyncs++;
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, length * 4);
    } catch (err) {
      this.core.check();
      throw new Error(`WebGPU readback failed: ${(err as Error).message}`);
    }
    const out = Float64Array.from(new Float32Array(staging.getMappedRange(0, length * 4)));
    staging.unmap();
    push(this.readStaging, size, staging);
    await this.core.settle();
    return out;
  }

  stats(): MemoryStats {
    let pooledBuffers = 0;
    let pooledBytes = 0;
    for (const pool of [this.clean, this.dirty]) {
      for (const [size, list] of pool) {
        pooledBuffers += list.length;
        pooledBytes += size * list.length;
      }
    }
    return { liveStorages: this.live.storages, liveBytes: this.live.bytes, gpuBuffers: this.gpu.buffers, gpuBytes: this.gpu.bytes, pooledBuffers, pooledBytes };
  }
}
