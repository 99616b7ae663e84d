/**
 * WebGPU 2-D pooling kernels with PyTorch semantics (floor or ceil mode, read off outH/outW;
 * a ceil-mode window hanging past the padded input is clipped there): max pooling with its argmax
 * (flat index ih * inW + iw within the input plane, stored as float32, exact up to 2^24), and
 * average pooling with count_include_pad = true. Layouts are [N, C, H, W]; the kernels see
 * N * C independent planes. Both backward passes are gathers over the windows that contain
 * each input element, so no float atomics are needed.
 */
import type { Pool2dParams } from '../../backend.ts';
import type { GpuContext, GpuStorage } from './kernel.ts';
import { plainKernel } from './shaders.ts';
import { MAX_ELEMENTS, checkLength } from './util.ts';
import maxForwardSource from '../../../shaders/maxpool2d_forward.wgsl?raw';
import maxBackwardSource from '../../../shaders/maxpool2d_backward.wgsl?raw';
import maxBackwardScatterSource from '../../../shaders/maxpool2d_backward_scatter.wgsl?raw';
import avgForwardSource from '../../../shaders/avgpool2d_forward.wgsl?raw';
import avgBackwardSource from '../../../shaders/avgpool2d_backward.wgsl?raw';

/** Matches @workgroup_size in the four shaders. */
const WORKGROUP_SIZE = 256;

export function maxPool2d(ctx: GpuContext, x: GpuStorage, p: Pool2dParams): { out: GpuStorage; argmax: GpuStorage } {
  checkParams('maxPool2d', p);
  checkLength('maxPool2d', 'x', x, inputSize(p), 'batch*channels*inH*inW');
  const total = outputSize(p);
  const out = ctx.allocUninit(total);
  const argmax = ctx.allocUninit(total);
  ctx.dispatch({
    kernel: plainKernel('maxpool2d_forward', 'maxpool2d_forward.wgsl', maxForwardSource),
    inputs: [x],
    outputs: [out, argmax],
    uniforms: { total, ...shapeUniforms(p) },
    workgroups: ctx.grid(total, WORKGROUP_SIZE),
  });
  return { out, argmax };
}

export function maxPool2dBackward(ctx: GpuContext, gradOut: GpuStorage, argmax: GpuStorage, p: Pool2dParams): GpuStorage {
  checkParams('maxPool2dBackward', p);
  checkLength('maxPool2dBackward', 'gradOut', gradOut, outputSize(p), 'batch*channels*outH*outW');
  checkLength('maxPool2dBackward', 'argmax', argmax, outputSize(p), 'batch*channels*outH*outW');
  const total = inputSize(p);
  if (p.strideH >= p.kH && p.strideW >= p.kW) {
    // Windows do not overlap: write each window's gradient to its winner in a zeroed buffer.
    const outCount = outputSize(p);
    const gradInput = ctx.alloc(total);
    ctx.dispatch({
      kernel: plainKernel('maxpool2d_backward_scatter', 'maxpool2d_backward_scatter.wgsl', maxBackwardScatterSource),
      inputs: [gradOut, argmax],
      outputs: [gradInput],
      uniforms: { total: outCount, outPlane: p.outH * p.outW, inPlane: p.inH * p.inW },
      workgroups: ctx.grid(outCount, 64),
    });
    return gradInput;
  }
  const gradInput = ctx.allocUninit(total);
  ctx.dispatch({
    kernel: plainKernel('maxpool2d_backward', 'maxpool2d_backward.wgsl', maxBackwardSource),
    inputs: [gradOut, argmax],
    outputs: [gradInput],
    uniforms: { total, ...shapeUniforms(p) },
    workgroups: ctx.grid(total, WORKGROUP_SIZE),
  });
  return gradInput;
}

export function avgPool2d(ctx: GpuContext, x: GpuStorage, p: Pool2dParams): GpuStorage {
  checkParams('avgPool2d', p);
  checkLength('avgPool2d', 'x', x, inputSize(p), 'batch*channels*inH*inW');
  const total = outputSize(p);
  const out = ctx.allocUninit(total);
  ctx.dispatch({
    kernel: plainKernel('avgpool2d_forward', 'avgpool2d_forward.wgsl', avgForwardSource),
    inputs: [x],
    outputs: [out],
    uniforms: { total, ...shapeUniforms(p) },
    workgroups: ctx.grid(total, WORKGROUP_SIZE),
  });
  return out;
}

export function avgPool2dBackward(ctx: GpuContext, gradOut: GpuStorage, p: Pool2dParams): GpuStorage {
  checkParams('avgPool2dBackward', p);
  checkLength('avgPool2dBackward', 'gradOut', gradOut, outputSize(p), 'batch*channels*outH*outW');
  const total = inputSize(p);
  const gradInput = ctx.allocUninit(total);
  ctx.dispatch({
    kernel: plainKernel('avgpool2d_backward', 'avgpool2d_backward.wgsl', avgBackwardSource),
    inputs: [gradOut],
    outputs: [gradInput],
    uniforms: { total, ...shapeUniforms(p) },
    workgroups: ctx.grid(total, WORKGROUP_SIZE),
  });
  return gradInput;
}

/** The Params fields the four shaders share, from inH to outW. */
function shapeUniforms(p: Pool2dParams) {
  return { inH: p.inH, inW: p.inW, kH: p.kH, kW: p.kW, strideH: p.strideH, strideW: p.strideW, padH: p.padH, padW: p.padW, outH: p.outH, outW: p.outW };
}

function inputSize(p: Pool2dParams): number {
  return p.batch * p.channels * p.inH * p.inW;
}

function outputSize(p: Pool2dParams): number {
  return p.batch * p.channels * p.outH * p.outW;
}

/** argmax must stay exact in float32. */
const MAX_PLANE = 2 ** 24;

function checkParams(fn: string, p: Pool2dParams): void {
  const positive: (keyof Pool2dParams)[] = ['batch', 'channels', 'inH', 'inW', 'kH', 'kW', 'strideH', 'strideW', 'outH', 'outW'];
  for (const k of positive) {
    if (!Number.isInteger(p[k]) || p[k] < 1) throw new Error(`webgpu ${fn}: Pool2dParams.${k} must be a positive integer, got ${p[k]}`);
  }
  for (const k of ['padH', 'padW'] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 0) throw new Error(`webgpu ${fn}: Pool2dParams.${k} must be a non-negative integer, got ${p[k]}`);
  }
  // PyTorch's rule; it also guarantees every window holds at least one real element.
  if (2 * p.padH > p.kH || 2 * p.padW > p.kW) {
    throw new Error(`webgpu ${fn}: Pool2dParams.padH/padW (${p.padH}, ${p.padW}) must be at most half the kernel (${p.kH}, ${p.kW})`);
  }
  for (const [axis, out, len] of [['H', p.outH, outLengths(p.inH, p.kH, p.strideH, p.padH)], ['W', p.outW, outLengths(p.inW, p.kW, p.strideW, p.padW)]] as const) {
    if (out < len.floor || out > len.ceil) {
      const range = len.floor === len.ceil ? `${len.floor}` : `${len.floor} (floor mode) or ${len.ceil} (ceil mode)`;
      throw new Error(`webgpu ${fn}: Pool2dParams.out${axis} is ${out}, but the input, kernel, stride and padding give ${range}`);
    }
  }
  if (p.inH * p.inW > MAX_PLANE) throw new Error(`webgpu ${fn}: an input plane has ${p.inH * p.inW} elements; argmax is exact in float32 only up to 2^24`);
  for (const [what, n] of [['input', inputSize(p)], ['output', outputSize(p)]] as const) {
    if (n > MAX_ELEMENTS) throw new Error(`webgpu ${fn}: the ${what} has ${n} elements, more than the kernels' 2^31 - 1`);
  }
}

/** Output lengths in floor and ceil mode (PyTorch: a ceil-mode window must start inside the input or its left padding). */
function outLengths(inLen: number, k: number, stride: number, pad: number): { floor: number; ceil: number } {
  const span = inLen + 2 * pad - k;
  const floor = Math.floor(span / stride) + 1;
  let ceil = Math.ceil(span / stride) + 1;
  if ((ceil - 1) * stride >= inLen + pad) ceil--;
  return { floor, ceil };
}
