/**
 * Counts and times what any library does with WebGPU in this page, by wrapping the WebGPU API's
 * prototypes before a library creates its device. Both hypnograd and TF.js are measured by the
 * same code, so their dispatches, submits and kernel times are counted the same way.
 *
 * Kernel timing: while `startKernelProfile()` is active, every compute pass that has no
 * timestampWrites of its own gets a pair of timestamps (beginning/end of pass) in a query set of
 * its command encoder; the encoder resolves them into a mappable buffer just before `finish()`.
 * A pass is attributed to the label of the pipeline it sets (hypnograd: the kernel key; TF.js:
 * the program class name). One dispatch per pass makes that a per-kernel time; hypnograd always
 * does that, TF.js does when WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE is 1 (set by its runner while
 * profiling).
 */
import type { KernelProfile } from './types.ts';

export interface GpuCounts {
  submits: number;
  commandBuffers: number;
  dispatches: number;
  computePasses: number;
  mapAsyncs: number;
  writeBuffers: number;
  pipelines: number;
}

const counts: GpuCounts = { submits: 0, commandBuffers: 0, dispatches: 0, computePasses: 0, mapAsyncs: 0, writeBuffers: 0, pipelines: 0 };
/** Our own GPU calls (collecting timestamps) are not counted. */
let internal = false;
let installed = false;

interface PassRecord {
  querySet: GPUQuerySet;
  index: number;
  labels: string[];
}

interface EncoderProfile {
  device: GPUDevice;
  sets: { querySet: GPUQuerySet; used: number }[];
  passes: PassRecord[];
}

interface PendingReadback {
  resolve: GPUBuffer;
  staging: GPUBuffer;
  /** Byte offset in `staging` of each query set's first timestamp. */
  offsets: Map<GPUQuerySet, number>;
  passes: PassRecord[];
}

const QUERIES_PER_SET = 256;
let profiling = false;
const encoderDevice = new WeakMap<GPUCommandEncoder, GPUDevice>();
const encoderProfiles = new WeakMap<GPUCommandEncoder, EncoderProfile>();
const passRecords = new WeakMap<GPUComputePassEncoder, PassRecord>();
let pending: PendingReadback[] = [];
let untimedPasses = 0;

export function gpuCounts(): GpuCounts {
  return { ...counts };
}

export function countsSince(before: GpuCounts): GpuCounts {
  const now = gpuCounts();
  const out = { ...now };
  for (const k of Object.keys(now) as (keyof GpuCounts)[]) out[k] = now[k] - before[k];
  return out;
}

/** Wraps the WebGPU prototypes once. Returns false where the page has no WebGPU. */
export function installGpuInstrument(): boolean {
  if (installed) return true;
  if (typeof GPUQueue === 'undefined' || typeof GPUAdapter === 'undefined') return false;
  installed = true;

  const requestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = function (this: GPUAdapter, desc?: GPUDeviceDescriptor) {
    // Timestamps are needed for kernel timing; both libraries ask for them anyway where offered.
    const features = new Set<GPUFeatureName>(desc?.requiredFeatures ?? []);
    if (this.features.has('timestamp-query')) features.add('timestamp-query');
    return requestDevice.call(this, { ...(desc ?? {}), requiredFeatures: [...features] });
  };

  const submit = GPUQueue.prototype.submit;
  GPUQueue.prototype.submit = function (this: GPUQueue, buffers: Iterable<GPUCommandBuffer>) {
    const list = Array.from(buffers);
    if (!internal) {
      counts.submits++;
      counts.commandBuffers += list.length;
    }
    return submit.call(this, list);
  };

  const writeBuffer = GPUQueue.prototype.writeBuffer;
  GPUQueue.prototype.writeBuffer = function (this: GPUQueue, ...args: Parameters<GPUQueue['writeBuffer']>) {
    if (!internal) counts.writeBuffers++;
    return writeBuffer.apply(this, args);
  } as GPUQueue['writeBuffer'];

  const mapAsync = GPUBuffer.prototype.mapAsync;
  GPUBuffer.prototype.mapAsync = function (this: GPUBuffer, ...args: Parameters<GPUBuffer['mapAsync']>) {
    if (!internal) counts.mapAsyncs++;
    return mapAsync.apply(this, args);
  };

  const createComputePipeline = GPUDevice.prototype.createComputePipeline;
  GPUDevice.prototype.createComputePipeline = function (this: GPUDevice, desc: GPUComputePipelineDescriptor) {
    counts.pipelines++;
    return createComputePipeline.call(this, desc);
  };
  const createComputePipelineAsync = GPUDevice.prototype.createComputePipelineAsync;
  GPUDevice.prototype.createComputePipelineAsync = function (this: GPUDevice, desc: GPUComputePipelineDescriptor) {
    counts.pipelines++;
    return createComputePipelineAsync.call(this, desc);
  };

  const createCommandEncoder = GPUDevice.prototype.createCommandEncoder;
  GPUDevice.prototype.createCommandEncoder = function (this: GPUDevice, desc?: GPUCommandEncoderDescriptor) {
    const enc = createCommandEncoder.call(this, desc);
    encoderDevice.set(enc, this);
    return enc;
  };

  const beginComputePass = GPUCommandEncoder.prototype.beginComputePass;
  GPUCommandEncoder.prototype.beginComputePass = function (this: GPUCommandEncoder, desc?: GPUComputePassDescriptor) {
    if (!internal) counts.computePasses++;
    const device = encoderDevice.get(this);
    if (!profiling || !device || !device.features.has('timestamp-query') || desc?.timestampWrites) {
      if (profiling) untimedPasses++;
      return beginComputePass.call(this, desc);
    }
    let prof = encoderProfiles.get(this);
    if (!prof) encoderProfiles.set(this, (prof = { device, sets: [], passes: [] }));
    let set = prof.sets[prof.sets.length - 1];
    if (!set || set.used + 2 > QUERIES_PER_SET) {
      set = { querySet: device.createQuerySet({ type: 'timestamp', count: QUERIES_PER_SET }), used: 0 };
      prof.sets.push(set);
    }
    const index = set.used;
    set.used += 2;
    const pass = beginComputePass.call(this, {
      ...(desc ?? {}),
      timestampWrites: { querySet: set.querySet, beginningOfPassWriteIndex: index, endOfPassWriteIndex: index + 1 },
    });
    const record: PassRecord = { querySet: set.querySet, index, labels: [] };
    prof.passes.push(record);
    passRecords.set(pass, record);
    return pass;
  };

  const setPipeline = GPUComputePassEncoder.prototype.setPipeline;
  GPUComputePassEncoder.prototype.setPipeline = function (this: GPUComputePassEncoder, pipeline: GPUComputePipeline) {
    passRecords.get(this)?.labels.push(pipeline.label || '(unlabelled)');
    return setPipeline.call(this, pipeline);
  };

  const dispatch = GPUComputePassEncoder.prototype.dispatchWorkgroups;
  GPUComputePassEncoder.prototype.dispatchWorkgroups = function (this: GPUComputePassEncoder, x: number, y?: number, z?: number) {
    if (!internal) counts.dispatches++;
    return dispatch.call(this, x, y, z);
  };
  const dispatchIndirect = GPUComputePassEncoder.prototype.dispatchWorkgroupsIndirect;
  GPUComputePassEncoder.prototype.dispatchWorkgroupsIndirect = function (this: GPUComputePassEncoder, buffer: GPUBuffer, offset: number) {
    if (!internal) counts.dispatches++;
    return dispatchIndirect.call(this, buffer, offset);
  };

  const finish = GPUCommandEncoder.prototype.finish;
  GPUCommandEncoder.prototype.finish = function (this: GPUCommandEncoder, desc?: GPUCommandBufferDescriptor) {
    const prof = encoderProfiles.get(this);
    if (prof && prof.passes.length) {
      encoderProfiles.delete(this);
      // Resolve into a QUERY_RESOLVE buffer (offsets must be multiples of 256), copy to a
      // mappable one, all inside the library's own encoder so no extra submit is made.
      const offsets = new Map<GPUQuerySet, number>();
      let bytes = 0;
      for (const s of prof.sets) {
        offsets.set(s.querySet, bytes);
        bytes += Math.ceil((s.used * 8) / 256) * 256;
      }
      const resolve = prof.device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      const staging = prof.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      for (const s of prof.sets) this.resolveQuerySet(s.querySet, 0, s.used, resolve, offsets.get(s.querySet)!);
      this.copyBufferToBuffer(resolve, 0, staging, 0, bytes);
      pending.push({ resolve, staging, offsets, passes: prof.passes });
    }
    return finish.call(this, desc);
  };
  return true;
}

export function startKernelProfile(): void {
  profiling = true;
  pending = [];
  untimedPasses = 0;
}

/** Stops timing and reads the timestamps of every encoder finished since start (after its work is done). */
export async function stopKernelProfile(): Promise<{ profile: KernelProfile; untimedPasses: number }> {
  profiling = false;
  const byName = new Map<string, { calls: number; totalNs: number }>();
  let totalNs = 0;
  let passes = 0;
  internal = true;
  try {
    for (const p of pending) {
      await p.staging.mapAsync(GPUMapMode.READ);
      const ts = new BigUint64Array(p.staging.getMappedRange().slice(0));
      p.staging.unmap();
      p.staging.destroy();
      p.resolve.destroy();
      for (const rec of p.passes) {
        const base = p.offsets.get(rec.querySet)! / 8 + rec.index;
        const ns = Number(ts[base + 1] - ts[base]);
        if (!Number.isFinite(ns) || ns < 0) continue;
        const name = rec.labels.length <= 1 ? (rec.labels[0] ?? '(no pipeline)') : `${rec.labels.length} kernels: ${[...new Set(rec.labels)].join('+')}`;
        const e = byName.get(name) ?? { calls: 0, totalNs: 0 };
        e.calls++;
        e.totalNs += ns;
        byName.set(name, e);
        totalNs += ns;
        passes++;
      }
    }
  } finally {
    internal = false;
    pending = [];
  }
  const ms = (ns: number) => Math.round(ns / 1000) / 1000;
  const kernels = [...byName].map(([name, e]) => ({ name, calls: e.calls, totalMs: ms(e.totalNs) })).sort((a, b) => b.totalMs - a.totalMs);
  return { profile: { totalMs: ms(totalNs), passes, kernels }, untimedPasses };
}
