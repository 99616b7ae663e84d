/** What the bench page and the PyTorch script report, and what the CLI asks of them. */
import type { Spread } from './stats.ts';

export type Library = 'hypnograd' | 'tfjs' | 'torch';
export type BackendName = 'webgpu' | 'wasm' | 'cpu';
export type PeerName = 'hypnograd-webgpu' | 'tfjs-webgpu' | 'tfjs-wasm' | 'hypnograd-cpu' | 'tfjs-cpu' | 'torch-cpu';

export const ALL_PEERS: readonly PeerName[] = ['hypnograd-webgpu', 'tfjs-webgpu', 'tfjs-wasm', 'hypnograd-cpu', 'tfjs-cpu', 'torch-cpu'];
export const BROWSER_PEERS: readonly PeerName[] = ['hypnograd-webgpu', 'tfjs-webgpu', 'tfjs-wasm', 'hypnograd-cpu', 'tfjs-cpu'];

export function splitPeer(peer: PeerName): [Library, BackendName] {
  const [lib, backend] = peer.split('-') as [Library, BackendName];
  return [lib, backend];
}

export interface PeerConfig {
  peer: PeerName;
  /** The batch asked for (the tutorial's 128). */
  batch: number;
  /** Evaluation batch asked for (256); scaled down with `batch` when the batch is reduced. */
  evalBatch: number;
  steps: number;
  warmup: number;
  /**
   * Wall-clock budget for this peer's timed work (ms). When a probe step says the asked batch
   * would not fit, the batch is halved until it does (recorded in `batchNote`). 0: never reduce.
   */
  budgetMs: number;
  /** Run one extra step with a timestamp query around every compute pass (WebGPU peers). */
  profileKernels: boolean;
}

export interface KernelTime {
  name: string;
  calls: number;
  totalMs: number;
}

export interface KernelProfile {
  /** Sum over every timed compute pass of one training step (GPU time, not wall time). */
  totalMs: number;
  passes: number;
  /** Per kernel (pipeline label), largest first. */
  kernels: KernelTime[];
}

export interface PeerResult {
  peer: PeerName;
  library: Library;
  backend: BackendName;
  /** Batch of trainStep / trainStepRead10 figures. */
  batch: number;
  requestedBatch: number;
  /** Why `batch` differs from `requestedBatch`, when it does. */
  batchNote: string | null;
  evalBatch: number;
  parameters: number;
  /** The first training step (pipeline/shader compilation included), at `firstStepBatch`. */
  firstStepMs: number;
  firstStepBatch: number;
  /** Training step with the loss read back every step. */
  trainStep: Spread;
  /** Training step with the loss read back every 10th step (per-step time of 10-step blocks). */
  trainStepRead10: Spread;
  /** Evaluation forward (no gradient) at `evalBatch`, logits read back. */
  evalForward: Spread;
  firstEvalMs: number;
  /** Per training step (loss read every step), counted by wrapping the WebGPU API in the page. */
  dispatchesPerStep: number | null;
  submitsPerStep: number | null;
  mapAsyncsPerStep: number | null;
  writeBuffersPerStep: number | null;
  /** hypnograd only: the same counts from the engine's own counters (a cross-check). */
  engineDispatchesPerStep: number | null;
  engineSubmitsPerStep: number | null;
  /** GPU time per kernel from timestamp queries, or null with `kernelTimingNote` saying why. */
  gpuKernelTime: KernelProfile | null;
  kernelTimingNote: string | null;
  firstLoss: number;
  lastLoss: number;
  backendInfo: Record<string, string | number | boolean | null>;
  notes: string[];
}

export interface AdapterInfo {
  available: boolean;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  timestampQuery: boolean;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  userAgent: string;
  error: string | null;
}

export interface BenchPageApi {
  adapterInfo(): Promise<AdapterInfo>;
  run(cfg: PeerConfig): Promise<PeerResult>;
  /** The TF.js model's parameter count (built on the cpu backend, no training). */
  tfjsParameterCount(): Promise<number>;
  /** The wasm Conv2DBackpropFilter shim against TF.js's cpu backend. */
  wasmShimCheck(strideW: number, pad: 'same' | 'valid'): Promise<{ maxAbsDiff: number; maxAbs: number }>;
}
