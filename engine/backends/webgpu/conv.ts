/**
 * WebGPU conv2d kernels: forward, and the gradients with respect to the input and the weight.
 * PyTorch semantics (cross-correlation, zero padding, stride, dilation, groups); layouts are
 * x [N, Cin, H, W], weight [Cout, Cin/groups, kH, kW], out [N, Cout, outH, outW].
 * Both gradients are gathers (one invocation or workgroup per element written), so no float
 * atomics are needed. The bias gradient is a plain sum over (N, outH, outW), left to `sum`.
 */
import type { Conv2dParams } from '../../backend.ts';
import type { GpuContext, GpuStorage } from './kernel.ts';
import { plainKernel } from './shaders.ts';
import { MAX_ELEMENTS, checkLength } from './util.ts';
import forwardSource from '../../../shaders/conv2d_forward.wgsl?raw';
import backwardInputSource from '../../../shaders/conv2d_backward_input.wgsl?raw';
import backwardWeightSource from '../../../shaders/conv2d_backward_weight.wgsl?raw';
import { sum } from './reduce.ts';
import { unary } from './elementwise.ts';
import { rowConv, rowConvBackwardInput, rowConvBackwardWeight, rowConvForward } from './convRows.ts';
import { rowConvReluMaxPool, rowConvReluMaxPoolBackwardWeight, rowPool } from './convRowsPool.ts';
import { maxPool2dBackward } from './pool.ts';
import type { Pool2dParams } from '../../backend.ts';

/** Matches @workgroup_size in the three shaders. */
const WORKGROUP_SIZE = 256;

export function conv2d(ctx: GpuContext, x: GpuStorage, weight: GpuStorage, bias: GpuStorage | null, p: Conv2dParams): GpuStorage {
  checkParams('conv2d', p);
  checkLength('conv2d', 'x', x, inputSize(p), 'batch*inChannels*inH*inW');
  checkLength('conv2d', 'weight', weight, weightSize(p), 'outChannels*(inChannels/groups)*kH*kW');
  if (bias) checkLength('conv2d', 'bias', bias, p.outChannels, 'outChannels');
  const rows = rowConv(p);
  if (rows) return rowConvForward(ctx, rows, x, weight, bias);
  const total = outputSize(p);
  const out = ctx.allocUninit(total);
  ctx.dispatch({
    kernel: plainKernel('conv2d_forward', 'conv2d_forward.wgsl', forwardSource),
    // Without a bias the weight is bound in its place; the shader never reads it (hasBias = 0).
    inputs: [x, weight, bias ?? weight],
    outputs: [out],
    uniforms: { total, ...shapeUniforms(p), hasBias: bias ? 1 : 0 },
    workgroups: ctx.grid(total, WORKGROUP_SIZE),
  });
  return out;
}

/** max(conv2d, 0): the row path applies the ReLU in its store; other shapes run conv2d, then unary relu. */
export function conv2dRelu(ctx: GpuContext, x: GpuStorage, weight: GpuStorage, bias: GpuStorage | null, p: Conv2dParams): GpuStorage {
  const rows = rowConv(p);
  if (rows) {
    checkParams('conv2dRelu', p);
    checkLength('conv2dRelu', 'x', x, inputSize(p), 'batch*inChannels*inH*inW');
    checkLength('conv2dRelu', 'weight', weight, weightSize(p), 'outChannels*(inChannels/groups)*kH*kW');
    if (bias) checkLength('conv2dRelu', 'bias', bias, p.outChannels, 'outChannels');
    return rowConvForward(ctx, rows, x, weight, bias, true);
  }
  const linear = conv2d(ctx, x, weight, bias, p);
  const out = unary(ctx, 'relu', linear, 0);
  ctx.release(linear);
  return out;
}

/**
 * maxPool2d(relu(conv2d)) fused: row convolutions with windows along the row (see rowPool);
 * null for other shapes, which the op then runs as three. Without `withArgmax` (no gradient to
 * come) the winners are not written.
 */
export function conv2dReluMaxPool2d(ctx: GpuContext, x: GpuStorage, weight: GpuStorage, bias: GpuStorage | null, p: Conv2dParams, pool: Pool2dParams, withArgmax: boolean): { out: GpuStorage; argmax: GpuStorage | null } | null {
  const rows = rowConv(p);
  const windows = rows && rowPool(p, pool);
  if (!rows || !windows) return null;
  checkParams('conv2dReluMaxPool2d', p);
  checkLength('conv2dReluMaxPool2d', 'x', x, inputSize(p), 'batch*inChannels*inH*inW');
  checkLength('conv2dReluMaxPool2d', 'weight', weight, weightSize(p), 'outChannels*(inChannels/groups)*kH*kW');
  if (bias) checkLength('conv2dReluMaxPool2d', 'bias', bias, p.outChannels, 'outChannels');
  return rowConvReluMaxPool(ctx, rows, windows, x, weight, bias, withArgmax);
}

/** The fused op's gradients: sparse, one convolution output (the winner) per window. */
export function conv2dReluMaxPool2dBackward(
  ctx: GpuContext,
  gradOut: GpuStorage,
  out: GpuStorage,
  argmax: GpuStorage,
  x: GpuStorage,
  weight: GpuStorage,
  p: Conv2dParams,
  pool: Pool2dParams,
  need: { input: boolean; weight: boolean; bias: boolean },
): { input: GpuStorage | null; weight: GpuStorage | null; bias: GpuStorage | null } {
  const rows = rowConv(p);
  const windows = rows && rowPool(p, pool);
  if (!rows || !windows) throw new Error('webgpu conv2dReluMaxPool2dBackward: these shapes have no fused forward, so no fused backward');
  const pooledSize = pool.batch * pool.channels * pool.outH * pool.outW;
  for (const [name, s] of [['gradOut', gradOut], ['out', out], ['argmax', argmax]] as const) checkLength('conv2dReluMaxPool2dBackward', name, s, pooledSize, 'batch*outChannels*outH*pooledW');
  let input: GpuStorage | null = null;
  if (need.input) {
    // The winners' gradients scattered into the dense convolution gradient (the pool's scatter
    // skips the -1 winners the ReLU stops), then the register-blocked dense input gradient. A
    // sparse gather over the windows reaching each input (tried) needs one weight load per
    // product, and on SwiftShader a load costs about a dozen multiply-adds: no faster for
    // Chambon's first convolution (149 ms against 151 at batch 128), slower for its second (94
    // against 68).
    const dense = maxPool2dBackward(ctx, gradOut, argmax, pool);
    input = rowConvBackwardInput(ctx, rows, dense, weight);
    ctx.release(dense);
  }
  const g = { gradOut, argmax };
  if (!need.weight && !need.bias) return { input, weight: null, bias: null };
  const grads = rowConvReluMaxPoolBackwardWeight(ctx, rows, windows, g, x, need.bias);
  if (!need.weight) ctx.release(grads.weight);
  return { input, weight: need.weight ? grads.weight : null, bias: grads.bias };
}

export function conv2dBackwardInput(ctx: GpuContext, gradOut: GpuStorage, weight: GpuStorage, p: Conv2dParams): GpuStorage {
  checkParams('conv2dBackwardInput', p);
  checkLength('conv2dBackwardInput', 'gradOut', gradOut, outputSize(p), 'batch*outChannels*outH*outW');
  checkLength('conv2dBackwardInput', 'weight', weight, weightSize(p), 'outChannels*(inChannels/groups)*kH*kW');
  const rows = rowConv(p);
  if (rows) return rowConvBackwardInput(ctx, rows, gradOut, weight);
  const total = inputSize(p);
  const gradInput = ctx.allocUninit(total);
  ctx.dispatch({
    kernel: plainKernel('conv2d_backward_input', 'conv2d_backward_input.wgsl', backwardInputSource),
    inputs: [gradOut, weight],
    outputs: [gradInput],
    uniforms: { total, ...shapeUniforms(p) },
    workgroups: ctx.grid(total, WORKGROUP_SIZE),
  });
  return gradInput;
}

export function conv2dBackwardWeight(ctx: GpuContext, gradOut: GpuStorage, x: GpuStorage, p: Conv2dParams): GpuStorage {
  checkParams('conv2dBackwardWeight', p);
  checkLength('conv2dBackwardWeight', 'gradOut', gradOut, outputSize(p), 'batch*outChannels*outH*outW');
  checkLength('conv2dBackwardWeight', 'x', x, inputSize(p), 'batch*inChannels*inH*inW');
  const rows = rowConv(p);
  if (rows) return rowConvBackwardWeight(ctx, rows, gradOut, x, false).weight;
  const numWeights = weightSize(p);
  const team = threadsPerWeight(p.batch * p.outH * p.outW);
  const gradWeight = ctx.allocUninit(numWeights);
  ctx.dispatch({
    kernel: plainKernel(`conv2d_backward_weight_t${team}`, 'conv2d_backward_weight.wgsl', backwardWeightSource, { constants: { THREADS_PER_WEIGHT: team } }),
    inputs: [gradOut, x],
    outputs: [gradWeight],
    uniforms: { numWeights, batch: p.batch, ...shapeUniforms(p) },
    workgroups: ctx.grid(Math.ceil(numWeights / (WORKGROUP_SIZE / team)), 1),
  });
  return gradWeight;
}

/** Weight and bias gradients; the row path reads gradOut once for both. */
export function conv2dBackwardWeightBias(ctx: GpuContext, gradOut: GpuStorage, x: GpuStorage, p: Conv2dParams): { weight: GpuStorage; bias: GpuStorage } {
  const rows = rowConv(p);
  if (rows) {
    checkParams('conv2dBackwardWeightBias', p);
    checkLength('conv2dBackwardWeightBias', 'gradOut', gradOut, outputSize(p), 'batch*outChannels*outH*outW');
    checkLength('conv2dBackwardWeightBias', 'x', x, inputSize(p), 'batch*inChannels*inH*inW');
    const { weight, bias } = rowConvBackwardWeight(ctx, rows, gradOut, x, true);
    return { weight, bias: bias! };
  }
  return { weight: conv2dBackwardWeight(ctx, gradOut, x, p), bias: sum(ctx, gradOut, [p.batch, p.outChannels, p.outH, p.outW], [0, 2, 3]) };
}

/**
 * Threads that share one weight element's reduction over `positions` output positions: the
 * smallest power of two giving each thread at most ~128 positions, up to the whole workgroup.
 * Small batches then pack many weights into a workgroup instead of leaving most threads idle
 * at the barriers.
 */
export function threadsPerWeight(positions: number): number {
  let team = 1;
  while (team < WORKGROUP_SIZE && team * 128 < positions) team *= 2;
  return team;
}

/** The Params fields the three shaders share, from inC to outW. */
function shapeUniforms(p: Conv2dParams) {
  const { inH, inW, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups, outH, outW } = p;
  return { inC: p.inChannels, inH, inW, outC: p.outChannels, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups, outH, outW };
}

function inputSize(p: Conv2dParams): number {
  return p.batch * p.inChannels * p.inH * p.inW;
}

function outputSize(p: Conv2dParams): number {
  return p.batch * p.outChannels * p.outH * p.outW;
}

function weightSize(p: Conv2dParams): number {
  return p.outChannels * (p.inChannels / p.groups) * p.kH * p.kW;
}

function checkParams(fn: string, p: Conv2dParams): void {
  const positive: (keyof Conv2dParams)[] = ['batch', 'inChannels', 'inH', 'inW', 'outChannels', 'kH', 'kW', 'strideH', 'strideW', 'dilH', 'dilW', 'groups', 'outH', 'outW'];
  for (const k of positive) {
    if (!Number.isInteger(p[k]) || p[k] < 1) throw new Error(`webgpu ${fn}: Conv2dParams.${k} must be a positive integer, got ${p[k]}`);
  }
  for (const k of ['padH', 'padW'] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 0) throw new Error(`webgpu ${fn}: Conv2dParams.${k} must be a non-negative integer, got ${p[k]}`);
  }
  if (p.inChannels % p.groups !== 0 || p.outChannels % p.groups !== 0) {
    throw new Error(`webgpu ${fn}: Conv2dParams.groups (${p.groups}) must divide inChannels (${p.inChannels}) and outChannels (${p.outChannels})`);
  }
  const expectH = Math.floor((p.inH + 2 * p.padH - p.dilH * (p.kH - 1) - 1) / p.strideH) + 1;
  const expectW = Math.floor((p.inW + 2 * p.padW - p.dilW * (p.kW - 1) - 1) / p.strideW) + 1;
  if (p.outH !== expectH) throw new Error(`webgpu ${fn}: Conv2dParams.outH is ${p.outH}, but the input, kernel, stride, padding and dilation give ${expectH}`);
  if (p.outW !== expectW) throw new Error(`webgpu ${fn}: Conv2dParams.outW is ${p.outW}, but the input, kernel, stride, padding and dilation give ${expectW}`);
  for (const [what, n] of [['input', inputSize(p)], ['output', outputSize(p)], ['weight', weightSize(p)]] as const) {
    if (n > MAX_ELEMENTS) throw new Error(`webgpu ${fn}: the ${what} has ${n} elements, more than the kernels' 2^31 - 1`);
  }
}
