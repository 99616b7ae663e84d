/**
 * One training step's computational graph, traced: the forward, extractGraph, the backward, and
 * for each op the kernels it actually dispatched on this device (forward and backward), with
 * their GPU time where the adapter has timestamp queries, and the backward's host time.
 */
import {
  extractGraph, startWebGpuProfile, stopWebGpuProfile, tensor, tidy, traceBackward, traceForwardKernels, webgpuInfo,
  type BackwardTraceEntry, type DeviceName, type DispatchedKernel, type StepGraph,
} from '../../../engine/index.ts';
import type { SleepStagerChambon2018 } from '../../../sleep/model/chambon.ts';
import { makeLoss } from '../../../sleep/train/losses.ts';
import type { LossConfig } from '../../../sleep/train/config.ts';
import type { Batch } from './data.ts';

/** One kernel of an op, as dispatched: consecutive dispatches of the same kernel count as calls. */
export interface OpKernel {
  name: string;
  file: string;
  code: string;
  role: 'forward' | 'backward';
  calls: number;
  /** GPU time of its calls in this step (timestamp queries), null where not measured. */
  gpuMs: number | null;
}

export interface TracedStep {
  graph: StepGraph;
  /** In the order backward ran. */
  trace: BackwardTraceEntry[];
  /** Backward host time per op index: on WebGPU, encoding the kernels; on the CPU, the work. */
  msByOp: Map<number, number>;
  /** Kernels dispatched per op index (empty on the CPU backend, which runs no kernels). */
  kernelsByOp: Map<number, OpKernel[]>;
  /** GPU time per op index (forward + backward), where measured. */
  gpuMsByOp: Map<number, number>;
  /** How GPU time was measured: 'timestamps', or why it was not. */
  gpuTiming: 'timestamps' | 'no-timestamp-query' | 'cpu';
  loss: number;
  batch: number;
  device: DeviceName;
}

function group(kernels: DispatchedKernel[], role: OpKernel['role'], gpuMs: Map<number, number> | null): OpKernel[] {
  const out: OpKernel[] = [];
  for (const k of kernels) {
    const ms = gpuMs?.get(k.seq) ?? null;
    const last = out[out.length - 1];
    if (last && last.name === k.name && last.role === role) {
      last.calls++;
      if (last.gpuMs !== null && ms !== null) last.gpuMs += ms;
    } else out.push({ name: k.name, file: k.file, code: k.code, role, calls: 1, gpuMs: ms });
  }
  return out;
}

export async function traceTrainingStep(model: SleepStagerChambon2018, batch: Batch, loss: LossConfig, classWeights: Float64Array | null, device: DeviceName): Promise<TracedStep> {
  const lossFn = makeLoss(loss.classWeights === 'balanced' && !classWeights ? { ...loss, classWeights: 'none' } : loss, classWeights);
  const timestamps = device === 'webgpu' && webgpuInfo()?.timestampQuery === true;
  model.train();
  let graph: StepGraph | null = null;
  let trace: BackwardTraceEntry[] = [];
  let forward = new Map<number, DispatchedKernel[]>();
  if (timestamps) startWebGpuProfile();
  let lossValue: number;
  let gpuMs: Map<number, number> | null = null;
  try {
    const value = tidy(() => {
      const x = tensor(batch.x, [batch.n, batch.nChannels, batch.nSamples], { device });
      const traced = traceForwardKernels(device, () => lossFn(model.forward(x), batch.y));
      forward = traced.byOutput;
      graph = extractGraph(traced.result, { model, names: { input: x } });
      trace = traceBackward(traced.result, graph);
      return traced.result;
    });
    lossValue = (await value.data())[0];
    value.dispose();
  } finally {
    if (timestamps) gpuMs = new Map((await stopWebGpuProfile()).timeline.map((d) => [d.seq, d.ms]));
  }
  const g = graph as StepGraph | null;
  if (!g) throw new Error('the traced step recorded no graph');
  const kernelsByOp = new Map<number, OpKernel[]>();
  const gpuMsByOp = new Map<number, number>();
  const backwardByOp = new Map(trace.map((e) => [e.op, e.kernels]));
  for (const op of g.ops) {
    const kernels = [...group(forward.get(op.output) ?? [], 'forward', gpuMs), ...group(backwardByOp.get(op.index) ?? [], 'backward', gpuMs)];
    kernelsByOp.set(op.index, kernels);
    if (gpuMs && kernels.length) gpuMsByOp.set(op.index, kernels.reduce((a, k) => a + (k.gpuMs ?? 0), 0));
  }
  return {
    graph: g,
    trace,
    msByOp: new Map(trace.map((e) => [e.op, e.ms])),
    kernelsByOp,
    gpuMsByOp,
    gpuTiming: device === 'cpu' ? 'cpu' : timestamps ? 'timestamps' : 'no-timestamp-query',
    loss: lossValue,
    batch: batch.n,
    device,
  };
}
