/**
 * The kernel interface every backend implements. Ops (engine/ops) decide shapes and the
 * chain rule; a backend only computes. `cpu` is the float64 reference, `webgpu` the product.
 *
 * Storage is opaque: a Float64Array on the CPU, a GPU buffer on WebGPU. All storages hold
 * contiguous row-major float values; class indices (targets, argmax) are stored as floats,
 * exact up to 2^24 even in float32.
 */
export type DeviceName = 'cpu' | 'webgpu';

export interface Storage {
  /** Number of elements. */
  readonly length: number;
}

export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'abs'
  | 'square'
  | 'reciprocal'
  | 'relu'
  /** alpha * (exp(x) - 1) for x <= 0, x otherwise. */
  | 'elu'
  /** x ** alpha. */
  | 'pow'
  /** log(1 + exp(alpha * x)) / alpha, and x where alpha * x > 20 (PyTorch's threshold). */
  | 'softplus';

/** Ops whose backward needs a kernel of its own (the rest compose from other ops). */
export type UnaryBackwardOp = 'relu' | 'elu' | 'softplus';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

export interface Conv2dParams {
  batch: number;
  inChannels: number;
  inH: number;
  inW: number;
  outChannels: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilH: number;
  dilW: number;
  groups: number;
  outH: number;
  outW: number;
}

export interface Pool2dParams {
  batch: number;
  channels: number;
  inH: number;
  inW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  outH: number;
  outW: number;
}

export interface SgdStepOptions {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  maximize: boolean;
  /** True on the first step, when PyTorch initialises the momentum buffer with the gradient. */
  firstStep: boolean;
}

export interface AdamStepOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** AdamW: decay the weights directly instead of adding weightDecay * param to the gradient. */
  decoupledWeightDecay: boolean;
  /** 1-based step count, for bias correction. */
  step: number;
}

/** A kernel a backend dispatched (WebGPU): what the app's internals view and the tests see of it. */
export interface DispatchedKernel {
  /** The dispatch's sequence number on its backend (the profiler's timeline uses the same). */
  seq: number;
  /** The kernel variant's name, e.g. 'conv_rows_relu_maxpool12_8x3_subgroups': one per variant. */
  name: string;
  /** The file under shaders/ it was built from. */
  file: string;
  /** The complete WGSL that ran. */
  code: string;
}

/** The fused conv + ReLU + max pool of a backend that has kernels for it (see engine/ops/convPool.ts). */
export interface FusedConvReluMaxPool {
  /**
   * maxPool2d(max(conv2d(x, weight, bias), 0), pool) in one pass, or null where the backend has
   * no kernel for these shapes (the caller then runs the three ops). argmax is a flat index
   * within the convolution's output plane, as maxPool2d's, for every window whose max is
   * positive; where it is not, the window passes no gradient and its index is -1. With
   * `withArgmax` false (no gradient wanted) argmax may be null.
   */
  forward(x: Storage, weight: Storage, bias: Storage | null, p: Conv2dParams, pool: Pool2dParams, withArgmax: boolean): { out: Storage; argmax: Storage | null } | null;
  /**
   * The gradients from the pooled gradient, for a forward that ran fused. Only the winners whose
   * pooled value is positive pass a gradient back, so these touch one convolution output per window.
   */
  backward(
    gradOut: Storage,
    out: Storage,
    argmax: Storage,
    x: Storage,
    weight: Storage,
    p: Conv2dParams,
    pool: Pool2dParams,
    need: { input: boolean; weight: boolean; bias: boolean },
  ): { input: Storage | null; weight: Storage | null; bias: Storage | null };
}

export interface Backend {
  readonly name: DeviceName;

  // Memory. `read` is the only way back to the host and is async (GPU readback).
  upload(data: ArrayLike<number>): Storage;
  /** Zero-filled. */
  alloc(length: number): Storage;
  read(s: Storage): Promise<Float64Array>;
  /** Synchronous readback, only where the backend can (the CPU). */
  readSync?(s: Storage): Float64Array;
  release(s: Storage): void;
  /** In place: dst <- src (same length). */
  copyInto(dst: Storage, src: Storage): void;

  // Elementwise. Binary inputs are read through broadcast strides (0 where a dim broadcasts).
  unary(op: UnaryOp, x: Storage, alpha: number): Storage;
  unaryBackward(op: UnaryBackwardOp, grad: Storage, x: Storage, alpha: number): Storage;
  binary(op: BinaryOp, a: Storage, aStrides: readonly number[], b: Storage, bStrides: readonly number[], outShape: readonly number[]): Storage;

  /** Sum over `axes`, keeping them as size-1 dimensions. */
  sum(x: Storage, shape: readonly number[], axes: readonly number[]): Storage;
  /** Copy with dimensions reordered: out dim i is input dim perm[i]. */
  permute(x: Storage, shape: readonly number[], perm: readonly number[]): Storage;

  /** a: [batch, m, k] (or [batch, k, m] when transA), b: [batch, k, n] (or [batch, n, k]); batch 1 of an input broadcasts. */
  matmul(a: Storage, b: Storage, batchA: number, batchB: number, m: number, k: number, n: number, transA: boolean, transB: boolean): Storage;

  /** Along the middle axis of a tensor viewed as [outer, dim, inner]. */
  logSoftmax(x: Storage, outer: number, dim: number, inner: number): Storage;
  /** Given the forward output y = logSoftmax(x): grad - exp(y) * sum(grad). */
  logSoftmaxBackward(grad: Storage, y: Storage, outer: number, dim: number, inner: number): Storage;

  conv2d(x: Storage, weight: Storage, bias: Storage | null, p: Conv2dParams): Storage;
  conv2dBackwardInput(gradOut: Storage, weight: Storage, p: Conv2dParams): Storage;
  conv2dBackwardWeight(gradOut: Storage, x: Storage, p: Conv2dParams): Storage;
  /** Both parameter gradients in one pass over gradOut: the weight's, and the bias's (gradOut summed over N, outH, outW). */
  conv2dBackwardWeightBias?(gradOut: Storage, x: Storage, p: Conv2dParams): { weight: Storage; bias: Storage };
  /** max(conv2d(x, weight, bias), 0) in one kernel where the backend has one (else conv2d, then unary relu). */
  conv2dRelu?(x: Storage, weight: Storage, bias: Storage | null, p: Conv2dParams): Storage;
  /**
   * maxPool2d(relu(conv2d)) as one fused pass, where the backend has kernels for it: the
   * forward and its backward come as one object, so a backend has both or neither.
   */
  convReluMaxPool?: FusedConvReluMaxPool;

  /** argmax holds, per output, the flat index (h * inW + w) of the winner within its input plane. */
  maxPool2d(x: Storage, p: Pool2dParams): { out: Storage; argmax: Storage };
  maxPool2dBackward(gradOut: Storage, argmax: Storage, p: Pool2dParams): Storage;
  /** count_include_pad = true, as PyTorch's default. */
  avgPool2d(x: Storage, p: Pool2dParams): Storage;
  avgPool2dBackward(gradOut: Storage, p: Pool2dParams): Storage;

  /** x: [n, c]; out[i] = x[i, index[i]]. */
  gatherClass(x: Storage, index: Storage, n: number, c: number): Storage;
  /** out: [n, c] zeros except out[i, index[i]] = grad[i]. */
  scatterClass(grad: Storage, index: Storage, n: number, c: number): Storage;
  /** out[i] = table[index[i]], for per-sample class weights. */
  indexSelect(table: Storage, index: Storage): Storage;

  /** Inverted-dropout scale: 1/(1-p) where hashUint32(seed, i)/2^32 >= p, else 0. */
  dropoutMask(length: number, p: number, seed: number): Storage;

  // Optimizer updates, in place, with PyTorch's formulas.
  sgdStep(param: Storage, grad: Storage, momentumBuffer: Storage | null, o: SgdStepOptions): void;
  adamStep(param: Storage, grad: Storage, expAvg: Storage, expAvgSq: Storage, maxExpAvgSq: Storage | null, o: AdamStepOptions): void;

  /** Everything recorded so far is submitted (a no-op on the CPU). */
  flush(): void;

  /** Backends that run kernels: calls `listener` after every dispatch until the returned function is called. */
  observeDispatches?(listener: (k: DispatchedKernel) => void): () => void;
}

const backends = new Map<DeviceName, Backend>();
let defaultDevice: DeviceName = 'cpu';

export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

export function getBackend(name: DeviceName): Backend {
  const b = backends.get(name);
  if (!b) {
    throw new Error(
      name === 'webgpu'
        ? "the webgpu backend is not initialised: call `await initWebGPU()` first"
        : `unknown backend '${name}'`,
    );
  }
  return b;
}

export function hasBackend(name: DeviceName): boolean {
  return backends.has(name);
}

export function setDefaultDevice(name: DeviceName): void {
  getBackend(name);
  defaultDevice = name;
}

export function getDefaultDevice(): DeviceName {
  return defaultDevice;
}
