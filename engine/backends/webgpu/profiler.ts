/**
 * Kernel profiling: while on, every dispatch's compute pass writes a GPU timestamp at its
 * beginning and end (timestamp queries, where the device has the 'timestamp-query' feature).
 * The queries are resolved inside the encoder that used them, at its submit, into a buffer read
 * back when profiling stops: no extra submit, and nothing at all while profiling is off.
 */
import type { DeviceCore } from './device.ts';

/** GPU time of one kernel (its name: one per kernel variant) over a profiling window. */
export interface KernelTime {
  kernel: string;
  /** Dispatches timed. */
  calls: number;
  /** Sum of their GPU durations (compute pass begin to end), milliseconds. */
  totalMs: number;
}

/** One timed dispatch, in dispatch order. */
export interface TimedDispatch {
  /** The dispatch's sequence number (what dispatch observers saw). */
  seq: number;
  kernel: string;
  ms: number;
}

export interface KernelProfile {
  /** Sum over every timed dispatch, milliseconds. */
  totalMs: number;
  dispatches: number;
  /** Slowest first. */
  kernels: KernelTime[];
  /** Every timed dispatch in the order it was recorded. */
  timeline: TimedDispatch[];
}

/** Timestamp pairs per query set; a set is resolved at the submit that ends its encoder. */
const QUERIES_PER_SET = 512;

interface ProfileSet {
  querySet: GPUQuerySet;
  used: number;
  dispatches: { seq: number; kernel: string }[];
}

interface ProfileReadback {
  staging: GPUBuffer;
  resolve: GPUBuffer;
  sets: { dispatches: ProfileSet['dispatches']; offset: number }[];
}

export class KernelProfiler {
  private on = false;
  private sets: ProfileSet[] = [];
  private resolved: ProfileSet[] = [];
  private readbacks: ProfileReadback[] = [];

  constructor(private readonly core: DeviceCore) {
    core.onSubmit({
      beforeSubmit: (encoder) => this.resolve(encoder),
      // Query sets may be destroyed once the submit that uses them is queued.
      afterSubmit: () => {
        for (const s of this.resolved) s.querySet.destroy();
        this.resolved = [];
      },
    });
  }

  get active(): boolean {
    return this.on;
  }

  /** Starts timing every dispatch; `stop()` reads the times back. */
  start(): void {
    if (!this.core.hasTimestamps) throw new Error("kernel profiling needs the WebGPU 'timestamp-query' feature, which this device lacks");
    this.discard();
    this.on = true;
  }

  /** The timestamp writes for the dispatch now being recorded. */
  timestampWrites(seq: number, kernel: string): GPUComputePassTimestampWrites {
    let set = this.sets[this.sets.length - 1];
    if (!set || set.used + 2 > QUERIES_PER_SET) {
      set = { querySet: this.core.device.createQuerySet({ type: 'timestamp', count: QUERIES_PER_SET }), used: 0, dispatches: [] };
      this.sets.push(set);
    }
    const index = set.used;
    set.used += 2;
    set.dispatches.push({ seq, kernel });
    return { querySet: set.querySet, beginningOfPassWriteIndex: index, endOfPassWriteIndex: index + 1 };
  }

  /** Submits pending work, stops timing and returns GPU time per kernel since start(). */
  async stop(): Promise<KernelProfile> {
    this.core.flush();
    this.on = false;
    const readbacks = this.readbacks;
    this.readbacks = [];
    const byKernel = new Map<string, KernelTime>();
    const timeline: TimedDispatch[] = [];
    let totalNs = 0;
    for (const r of readbacks) {
      await r.staging.mapAsync(GPUMapMode.READ);
      const ticks = new BigUint64Array(r.staging.getMappedRange().slice(0));
      r.staging.unmap();
      r.staging.destroy();
      r.resolve.destroy();
      for (const set of r.sets) {
        set.dispatches.forEach(({ seq, kernel }, i) => {
          const begin = ticks[set.offset / 8 + 2 * i];
          const end = ticks[set.offset / 8 + 2 * i + 1];
          // Timestamps may be zero or out of order where the implementation could not take them.
          const ns = end >= begin ? Number(end - begin) : 0;
          const e = byKernel.get(kernel) ?? { kernel, calls: 0, totalMs: 0 };
          e.calls++;
          e.totalMs += ns / 1e6;
          byKernel.set(kernel, e);
          timeline.push({ seq, kernel, ms: ns / 1e6 });
          totalNs += ns;
        });
      }
    }
    await this.core.settle();
    const kernels = [...byKernel.values()].sort((a, b) => b.totalMs - a.totalMs);
    return { totalMs: totalNs / 1e6, dispatches: timeline.length, kernels, timeline };
  }

  private discard(): void {
    for (const s of this.sets) s.querySet.destroy();
    this.sets = [];
    for (const r of this.readbacks) {
      r.staging.destroy();
      r.resolve.destroy();
    }
    this.readbacks = [];
  }

  /** Resolves this encoder's timestamps into a mappable buffer, inside the same encoder. */
  private resolve(encoder: GPUCommandEncoder): void {
    if (!this.sets.length) return;
    const sets: ProfileReadback['sets'] = [];
    let bytes = 0;
    for (const s of this.sets) {
      sets.push({ dispatches: s.dispatches, offset: bytes });
      bytes += Math.ceil((s.used * 8) / 256) * 256;
    }
    const device = this.core.device;
    const resolve = device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.sets.forEach((s, i) => encoder.resolveQuerySet(s.querySet, 0, s.used, resolve, sets[i].offset));
    encoder.copyBufferToBuffer(resolve, 0, staging, 0, bytes);
    this.resolved.push(...this.sets);
    this.sets = [];
    this.readbacks.push({ staging, resolve, sets });
  }
}
