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
  /** After the timed protocol, this many more training steps with the GPU memory read before and after (0: none). */
  memorySteps: number;
}

/** The library's GPU memory across `steps` extra training steps (loss read every 100th and at the end). */
export interface GpuMemoryCheck {
  steps: number;
  liveBytesBefore: number;
  liveBytesAfter: number;
  /** Every GPU buffer the library holds (live, pooled, staging). */
  gpuBytesBefore: number;
  gpuBytesAfter: number;
  buffersCreated: number;
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
  /** hypnograd WebGPU with --memory-steps: its GPU memory across that many more steps; else null. */
  gpuMemory: GpuMemoryCheck | null;
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

/** What the kernel-efficiency step measures (one page, the bench's WebGPU adapter). */
export interface KernelEfficiencyConfig {
  /** Batch of the two Chambon convolution shapes (the bench's --batch). */
  batch: number;
  /** M = N = K of the matmuls (--matmul-size). */
  matmulSize: number;
  warmup: number;
  runs: number;
  /** Wall-time budget per figure (ms): fewer timed runs (at least 1) where `runs` would not fit; 0: never fewer. */
  budgetMs: number;
  peakWorkgroups: number;
  peakIterations: number;
}

export type KernelTimingMethod = 'gpu-timestamps' | 'wall-clock';

/** One timed kernel: GFLOP/s = flops / (ms * 1e6), ms the median of `samplesMs`. */
export interface KernelFigure {
  flops: number;
  ms: number;
  samplesMs: number[];
  gflops: number;
  method: KernelTimingMethod;
  /** How `ms` was taken, in words. */
  timing: string;
  /** The kernels (pipeline keys / program names) whose time is counted. */
  kernels: string[];
}

/** Largest error of sampled outputs against a float64 recomputation on the CPU, relative to sum |terms|. */
export interface Float64Check {
  samples: number;
  maxRelError: number;
}

export interface PeakFmaFigure extends KernelFigure {
  workgroups: number;
  workgroupSize: number;
  accumulators: number;
  lanes: number;
  iterations: number;
  /**
   * FMA chains recomputed on the CPU; largest difference relative to the value, against float64
   * and against the nearer float32 emulation (fused or unfused fma).
   */
  check: { chainsChecked: number; maxRelDiff: number; maxRelDiffFloat32: number };
}

export interface MatmulFigure extends KernelFigure {
  library: Library;
  check: Float64Check;
}

export interface ConvFigure extends KernelFigure {
  x: number[];
  weight: number[];
  bias: number[] | null;
  padding: [number, number];
  out: number[];
  check: Float64Check;
  /** This conv's GFLOP/s over the other figure's. */
  overTfjsMatmul: number | null;
  overHypnogradMatmul: number | null;
  overPeak: number | null;
  /** TF.js's conv2d on the same shape, for context: NHWC, input zero-padded beforehand, 'valid', fused bias where there is one. */
  tfjsConv2d: (KernelFigure & { batch: number; check: Float64Check; overPeak: number | null }) | null;
  /** Largest |hypnograd - TF.js| over the samples both computed, and the largest |output|. */
  agreement: { maxAbsDiff: number; maxAbs: number } | null;
}

export interface KernelEfficiency {
  config: KernelEfficiencyConfig;
  adapter: string;
  timestampQuery: boolean;
  peakFma: PeakFmaFigure;
  matmul: {
    m: number;
    n: number;
    k: number;
    tfjsWebgpu: MatmulFigure;
    hypnogradWebgpu: MatmulFigure;
    /** Largest |hypnograd - TF.js| over the whole product, and the largest |product|. */
    agreement: { maxAbsDiff: number; maxAbs: number };
    hypnogradOverTfjs: number;
  };
  conv: { conv1: ConvFigure; conv2: ConvFigure };
  notes: string[];
}

export interface BenchPageApi {
  adapterInfo(): Promise<AdapterInfo>;
  run(cfg: PeerConfig): Promise<PeerResult>;
  kernelEfficiency(cfg: KernelEfficiencyConfig): Promise<KernelEfficiency>;
  /** The TF.js model's parameter count (built on the cpu backend, no training). */
  tfjsParameterCount(): Promise<number>;
  /** The wasm Conv2DBackpropFilter shim against TF.js's cpu backend. */
  wasmShimCheck(strideW: number, pad: 'same' | 'valid'): Promise<{ maxAbsDiff: number; maxAbs: number }>;
}
