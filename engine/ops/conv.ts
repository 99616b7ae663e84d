/**
 * Convolution (PyTorch's cross-correlation), as torch.nn.functional.conv2d / conv1d. conv1d is
 * conv2d over a height-1 image, so both share one forward and one backward.
 *
 * Backward: an output y[n,o,i,j] = b[o] + sum w[o,c,a,b] x[n,c,i*s+a*d-p, ...] is linear in x,
 * in w and in b, so d/dx scatters gradOut back through the same taps (conv2dBackwardInput),
 * d/dw correlates gradOut with the input each tap saw (conv2dBackwardWeight), and d/db sums
 * gradOut over every position the bias was added to.
 *
 * With `activation: 'relu'` (or conv2dRelu) the output is max(y, 0) from one kernel where the
 * backend fuses them; its gradient is gradOut masked by out > 0 (out > 0 exactly where y > 0),
 * then the convolution's backward as above.
 */
import type { Conv2dParams } from '../backend.ts';
import { record } from '../autograd.ts';
import { Tensor, fromStorage } from '../tensor.ts';
import { sum } from './reduce.ts';
import { convOutLength, pair, type Size2 } from './spatial.ts';

export type ConvPadding = Size2 | 'same' | 'valid';

export interface Conv2dOptions {
  stride?: Size2;
  /** Zero padding on both sides of each axis; 'valid' is 0; 'same' keeps the size (stride 1 only). */
  padding?: ConvPadding;
  dilation?: Size2;
  groups?: number;
  /** 'relu': max(conv2d(...), 0), fused into the convolution's kernel where the backend can. */
  activation?: 'relu';
}

export type Size1 = number | readonly [number];

export interface Conv1dOptions {
  stride?: Size1;
  padding?: Size1 | 'same' | 'valid';
  dilation?: Size1;
  groups?: number;
  activation?: 'relu';
}

/**
 * torch.nn.functional.conv2d. x: [N, Cin, H, W] (or unbatched [Cin, H, W]); weight:
 * [Cout, Cin / groups, kH, kW]; bias: [Cout] or null. Output: [N, Cout, outH, outW].
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, opts: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`${op}: input must be [N, C, H, W] or unbatched [C, H, W], got ${x.describe()}`);
  if (weight.ndim !== 4) throw new Error(`${op}: weight must be [outChannels, inChannels / groups, kH, kW], got ${weight.describe()}`);
  checkChannels(op, x, weight, bias, opts.groups ?? 1);
  const kernel: [number, number] = [weight.shape[2], weight.shape[3]];
  const stride = pair(op, 'stride', opts.stride ?? 1, 1);
  const dilation = pair(op, 'dilation', opts.dilation ?? 1, 1);
  const padding = resolvePadding(op, opts.padding ?? 0, kernel, stride, dilation);
  const relu = activationIsRelu(op, opts.activation);
  if (x.ndim === 3) {
    const out = convCore(op, x.reshape([1, ...x.shape]), x, weight, bias, stride, padding, dilation, opts.groups ?? 1, 2, relu);
    return out.reshape(out.shape.slice(1));
  }
  return convCore(op, x, x, weight, bias, stride, padding, dilation, opts.groups ?? 1, 2, relu);
}

/** relu(conv2d(x, weight, bias, opts)) as one op: conv2d with `activation: 'relu'`. */
export function conv2dRelu(x: Tensor, weight: Tensor, bias: Tensor | null = null, opts: Omit<Conv2dOptions, 'activation'> = {}): Tensor {
  return conv2d(x, weight, bias, { ...opts, activation: 'relu' });
}

function activationIsRelu(op: string, activation: unknown): boolean {
  if (activation === undefined) return false;
  if (activation !== 'relu') throw new Error(`${op}: activation must be 'relu' or absent, got ${JSON.stringify(activation)}`);
  return true;
}

/**
 * torch.nn.functional.conv1d. x: [N, Cin, L] (or unbatched [Cin, L]); weight: [Cout, Cin / groups, k];
 * bias: [Cout] or null. Output: [N, Cout, outL].
 */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, opts: Conv1dOptions = {}): Tensor {
  const op = 'conv1d';
  if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`${op}: input must be [N, C, L] or unbatched [C, L], got ${x.describe()}`);
  if (weight.ndim !== 3) throw new Error(`${op}: weight must be [outChannels, inChannels / groups, k], got ${weight.describe()}`);
  const groups = opts.groups ?? 1;
  checkChannels(op, x, weight, bias, groups);
  const single = (field: string, v: Size1): number => {
    if (typeof v !== 'number' && v.length !== 1) throw new Error(`${op}: ${field} must be an integer or a one-element array, got ${JSON.stringify(v)}`);
    return typeof v === 'number' ? v : v[0];
  };
  const k = weight.shape[2];
  const stride = pair(op, 'stride', [1, single('stride', opts.stride ?? 1)], 1);
  const dilation = pair(op, 'dilation', [1, single('dilation', opts.dilation ?? 1)], 1);
  const p = opts.padding ?? 0;
  const padding = resolvePadding(op, typeof p === 'string' ? p : [0, single('padding', p)], [1, k], stride, dilation);
  const x4 = x.ndim === 3 ? x.reshape([x.shape[0], x.shape[1], 1, x.shape[2]]) : x.reshape([1, x.shape[0], 1, x.shape[1]]);
  const w4 = weight.reshape([weight.shape[0], weight.shape[1], 1, k]);
  const out = convCore(op, x4, x, w4, bias, stride, padding, dilation, groups, 1, activationIsRelu(op, opts.activation));
  const [n, c, , l] = out.shape;
  return out.reshape(x.ndim === 3 ? [n, c, l] : [c, l]);
}

/** Channel and bias checks on the shapes as the caller gave them, so messages show those shapes. */
function checkChannels(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, groups: number): void {
  const spatial = weight.ndim - 2;
  const inChannels = x.shape[x.ndim - spatial - 1];
  const outChannels = weight.shape[0];
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${groups}`);
  if (x.device !== weight.device || (bias && bias.device !== x.device)) {
    throw new Error(`${op}: input, weight and bias must be on one device (input on ${x.device}, weight on ${weight.device}${bias ? `, bias on ${bias.device}` : ''})`);
  }
  if (inChannels % groups !== 0) throw new Error(`${op}: input channels (${inChannels}, input ${x.describe()}) must be divisible by groups (${groups})`);
  if (outChannels % groups !== 0) throw new Error(`${op}: output channels (${outChannels}, weight ${weight.describe()}) must be divisible by groups (${groups})`);
  if (weight.shape[1] * groups !== inChannels) {
    throw new Error(
      `${op}: input ${x.describe()} has ${inChannels} channels but weight ${weight.describe()} expects ${weight.shape[1] * groups} (weight dim 1 = ${weight.shape[1]}, groups = ${groups})`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
    throw new Error(`${op}: bias must be [${outChannels}] (one per output channel of weight ${weight.describe()}), got ${bias.describe()}`);
  }
}

function resolvePadding(op: string, padding: ConvPadding, kernel: [number, number], stride: [number, number], dilation: [number, number]): [number, number] {
  if (padding === 'valid') return [0, 0];
  if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new Error(`${op}: padding='same' is not supported for strided convolutions (stride ${stride})`);
    // PyTorch pads an odd total asymmetrically (one more on the right); that needs a pad op we do not have.
    const total = kernel.map((k, i) => dilation[i] * (k - 1));
    if (total.some((t) => t % 2 !== 0)) {
      throw new Error(`${op}: padding='same' with an even effective kernel (${kernel} dilated by ${dilation}) needs asymmetric padding, which is not supported; pad explicitly`);
    }
    return [total[0] / 2, total[1] / 2];
  }
  return pair(op, 'padding', padding, 0);
}

/** conv2d's parameters for 4-D x, checked as conv2d checks them (for ops built on a conv2d). */
export function conv2dParams(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, opts: Omit<Conv2dOptions, 'activation'>): Conv2dParams {
  if (x.ndim !== 4) throw new Error(`${op}: input must be [N, C, H, W] or unbatched [C, H, W], got ${x.describe()}`);
  if (weight.ndim !== 4) throw new Error(`${op}: weight must be [outChannels, inChannels / groups, kH, kW], got ${weight.describe()}`);
  const groups = opts.groups ?? 1;
  checkChannels(op, x, weight, bias, groups);
  const kernel: [number, number] = [weight.shape[2], weight.shape[3]];
  const stride = pair(op, 'stride', opts.stride ?? 1, 1);
  const dilation = pair(op, 'dilation', opts.dilation ?? 1, 1);
  const padding = resolvePadding(op, opts.padding ?? 0, kernel, stride, dilation);
  return convParams(op, x, x, weight, stride, padding, dilation, groups, 2);
}

function convParams(
  op: string,
  x: Tensor,
  shownX: Tensor,
  weight: Tensor,
  stride: [number, number],
  padding: [number, number],
  dilation: [number, number],
  groups: number,
  spatialRank: 1 | 2,
): Conv2dParams {
  const [batch, inChannels, inH, inW] = x.shape;
  const [outChannels, , kH, kW] = weight.shape;
  const padded = [inH + 2 * padding[0], inW + 2 * padding[1]];
  const effective = [dilation[0] * (kH - 1) + 1, dilation[1] * (kW - 1) + 1];
  if (padded[0] < effective[0] || padded[1] < effective[1]) {
    const show = (v: number[]) => v.slice(2 - spatialRank).join(' x ');
    throw new Error(
      `${op}: kernel (${show(effective)}, dilated) is larger than the padded input (${show(padded)}) of input ${shownX.describe()}`,
    );
  }
  return {
    batch,
    inChannels,
    inH,
    inW,
    outChannels,
    kH,
    kW,
    strideH: stride[0],
    strideW: stride[1],
    padH: padding[0],
    padW: padding[1],
    dilH: dilation[0],
    dilW: dilation[1],
    groups,
    outH: convOutLength(inH, kH, stride[0], padding[0], dilation[0]),
    outW: convOutLength(inW, kW, stride[1], padding[1], dilation[1]),
  };
}

/**
 * The shared conv2d on 4-D tensors. `shownX` and `spatialRank` only shape error messages, so a
 * conv1d caller sees its own 3-D shape and one length, not the height-1 image behind it.
 */
function convCore(
  op: string,
  x: Tensor,
  shownX: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  stride: [number, number],
  padding: [number, number],
  dilation: [number, number],
  groups: number,
  spatialRank: 1 | 2,
  relu = false,
): Tensor {
  const p = convParams(op, x, shownX, weight, stride, padding, dilation, groups, spatialRank);
  const b = x.backend;
  const shape = [p.batch, p.outChannels, p.outH, p.outW];
  const biasStorage = bias ? bias.storage : null;
  let out: Tensor;
  if (!relu) out = fromStorage(b.conv2d(x.storage, weight.storage, biasStorage, p), shape, b);
  else if (b.conv2dRelu) out = fromStorage(b.conv2dRelu(x.storage, weight.storage, biasStorage, p), shape, b);
  else {
    const linear = b.conv2d(x.storage, weight.storage, biasStorage, p);
    out = fromStorage(b.unary('relu', linear, 0), shape, b);
    b.release(linear);
  }
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(
    relu ? (op === 'conv1d' ? 'conv1dRelu' : 'conv2dRelu') : op,
    inputs,
    out,
    (gradOut) => {
      // relu'(y) is 1 where y > 0, which is where out > 0 (0 at 0, as PyTorch).
      const g = relu ? fromStorage(b.unaryBackward('relu', gradOut.storage, out.storage, 0), shape, b) : gradOut;
      return convBackward(g, x, weight, bias, p);
    },
    relu ? [x, weight, out] : [x, weight],
  );
}

/** conv2d's gradients [x, weight, bias?] from the gradient of its output (null where not wanted). */
export function convBackward(g: Tensor, x: Tensor, weight: Tensor, bias: Tensor | null, p: Conv2dParams): (Tensor | null)[] {
  const b = x.backend;
  const gradX = x.requiresGrad ? fromStorage(b.conv2dBackwardInput(g.storage, weight.storage, p), x.shape, b) : null;
  // One pass over gradOut for both parameter gradients where the backend fuses them.
  if (weight.requiresGrad && bias?.requiresGrad && b.conv2dBackwardWeightBias) {
    const both = b.conv2dBackwardWeightBias(g.storage, x.storage, p);
    return [gradX, fromStorage(both.weight, weight.shape, b), fromStorage(both.bias, bias.shape, b)];
  }
  return [
    gradX,
    weight.requiresGrad ? fromStorage(b.conv2dBackwardWeight(g.storage, x.storage, p), weight.shape, b) : null,
    ...(bias ? [bias.requiresGrad ? sum(g, [0, 2, 3]) : null] : []),
  ];
}
