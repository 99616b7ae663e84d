/** WebGPU elementwise kernels: unary functions, activation backwards, broadcast binary ops, permute. */
import type { BinaryOp, UnaryBackwardOp, UnaryOp } from '../../backend.ts';
import { sizeOf, stridesOf } from '../../shape.ts';
import type { GpuContext, GpuStorage } from './kernel.ts';
import { plainKernel } from './shaders.ts';
import { mergeDims, u32Array } from './util.ts';
import unaryWgsl from '../../../shaders/unary.wgsl?raw';
import unaryBackwardWgsl from '../../../shaders/unary_backward.wgsl?raw';
import reluBackwardVec4Wgsl from '../../../shaders/relu_backward_vec4.wgsl?raw';
import binaryWgsl from '../../../shaders/binary.wgsl?raw';
import permuteWgsl from '../../../shaders/permute.wgsl?raw';

/** The OP override of each shader: the function it applies (one kernel, and one name, per op). */
const UNARY_CODES: Record<UnaryOp, number> = { neg: 0, exp: 1, log: 2, sqrt: 3, abs: 4, square: 5, reciprocal: 6, relu: 7, elu: 8, pow: 9, softplus: 10 };
const UNARY_BACKWARD_CODES: Record<UnaryBackwardOp, number> = { relu: 0, elu: 1, softplus: 2 };
const BINARY_CODES: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3 };
const WORKGROUP_SIZE = 256;

export function unary(ctx: GpuContext, op: UnaryOp, x: GpuStorage, alpha: number): GpuStorage {
  const out = ctx.allocUninit(x.length);
  ctx.dispatch({
    kernel: plainKernel(`unary_${op}`, 'unary.wgsl', unaryWgsl, { constants: { OP: UNARY_CODES[op] } }),
    inputs: [x],
    outputs: [out],
    uniforms: { n: x.length, alpha, nan: NaN },
    workgroups: ctx.grid(x.length, WORKGROUP_SIZE),
  });
  return out;
}

export function unaryBackward(ctx: GpuContext, op: UnaryBackwardOp, grad: GpuStorage, x: GpuStorage, alpha: number): GpuStorage {
  if (grad.length !== x.length) throw new Error(`unaryBackward(${op}): gradient of ${grad.length} elements for an input of ${x.length}`);
  const out = ctx.allocUninit(x.length);
  if (op === 'relu' && x.length % 4 === 0) {
    ctx.dispatch({
      kernel: plainKernel('relu_backward_vec4', 'relu_backward_vec4.wgsl', reluBackwardVec4Wgsl),
      inputs: [grad, x],
      outputs: [out],
      uniforms: { n4: x.length / 4 },
      workgroups: ctx.grid(x.length / 4, WORKGROUP_SIZE),
    });
    return out;
  }
  ctx.dispatch({
    kernel: plainKernel(`unary_backward_${op}`, 'unary_backward.wgsl', unaryBackwardWgsl, { constants: { OP: UNARY_BACKWARD_CODES[op] } }),
    inputs: [grad, x],
    outputs: [out],
    uniforms: { n: x.length, alpha },
    workgroups: ctx.grid(x.length, WORKGROUP_SIZE),
  });
  return out;
}

export function binary(
  ctx: GpuContext,
  op: BinaryOp,
  a: GpuStorage,
  aStrides: readonly number[],
  b: GpuStorage,
  bStrides: readonly number[],
  outShape: readonly number[],
): GpuStorage {
  const n = sizeOf(outShape);
  const out = ctx.allocUninit(n);
  const contiguous = stridesOf(outShape);
  const merged = mergeDims(outShape, [aStrides, bStrides, contiguous]);
  const isContiguous = a.length === n && b.length === n && merged.shape.length <= 1 && merged.strides[0].every((s, d) => s === merged.strides[2][d]) && merged.strides[1].every((s, d) => s === merged.strides[2][d]);
  ctx.dispatch({
    kernel: plainKernel(`binary_${op}${isContiguous ? '_contiguous' : ''}`, 'binary.wgsl', binaryWgsl, { constants: { OP: BINARY_CODES[op], CONTIGUOUS: isContiguous ? 1 : 0 } }),
    inputs: [a, b],
    outputs: [out],
    uniforms: {
      n,
      rank: merged.shape.length,
      shape: u32Array(merged.shape, 'binary'),
      aStrides: u32Array(merged.strides[0], 'binary'),
      bStrides: u32Array(merged.strides[1], 'binary'),
    },
    workgroups: ctx.grid(n, WORKGROUP_SIZE),
  });
  return out;
}

export function permute(ctx: GpuContext, x: GpuStorage, shape: readonly number[], perm: readonly number[]): GpuStorage {
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const merged = mergeDims(outShape, [perm.map((p) => inStrides[p])]);
  const out = ctx.allocUninit(x.length);
  if (merged.shape.length === 0 || (merged.shape.length === 1 && merged.strides[0][0] === 1)) {
    // Only size-1 dimensions move (e.g. [N, C, 1, W] -> [N, 1, C, W]): the layout is unchanged.
    ctx.copyInto(out, x);
    return out;
  }
  ctx.dispatch({
    kernel: plainKernel('permute', 'permute.wgsl', permuteWgsl),
    inputs: [x],
    outputs: [out],
    uniforms: { n: x.length, rank: merged.shape.length, shape: u32Array(merged.shape, 'permute'), srcStrides: u32Array(merged.strides[0], 'permute') },
    workgroups: ctx.grid(x.length, WORKGROUP_SIZE),
  });
  return out;
}
