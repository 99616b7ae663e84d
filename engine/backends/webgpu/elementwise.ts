/** WebGPU elementwise kernels: unary functions, activation backwards, broadcast binary ops, permute. */
import type { BinaryOp, UnaryBackwardOp, UnaryOp } from '../../backend.ts';
import { sizeOf, stridesOf } from '../../shape.ts';
import type { GpuContext, GpuStorage } from './kernel.ts';
import { f32, mergeDims, u32, u32Array } from './util.ts';
import unaryWgsl from '../../../shaders/unary.wgsl?raw';
import unaryBackwardWgsl from '../../../shaders/unary_backward.wgsl?raw';
import reluBackwardVec4Wgsl from '../../../shaders/relu_backward_vec4.wgsl?raw';
import binaryWgsl from '../../../shaders/binary.wgsl?raw';
import permuteWgsl from '../../../shaders/permute.wgsl?raw';

const UNARY_CODES: Record<UnaryOp, number> = { neg: 0, exp: 1, log: 2, sqrt: 3, abs: 4, square: 5, reciprocal: 6, relu: 7, elu: 8, pow: 9 };
const UNARY_BACKWARD_CODES: Record<UnaryBackwardOp, number> = { relu: 0, elu: 1 };
const BINARY_CODES: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3 };

export function unary(ctx: GpuContext, op: UnaryOp, x: GpuStorage, alpha: number): GpuStorage {
  const out = ctx.allocUninit(x.length);
  ctx.dispatch({
    key: 'unary',
    code: unaryWgsl,
    constants: { OP: UNARY_CODES[op] },
    inputs: [x],
    outputs: [out],
    uniforms: [u32(x.length), f32(alpha), f32(NaN)],
    workgroups: ctx.grid(x.length, 256),
  });
  return out;
}

export function unaryBackward(ctx: GpuContext, op: UnaryBackwardOp, grad: GpuStorage, x: GpuStorage, alpha: number): GpuStorage {
  if (grad.length !== x.length) throw new Error(`unaryBackward(${op}): gradient of ${grad.length} elements for an input of ${x.length}`);
  const out = ctx.allocUninit(x.length);
  if (op === 'relu' && x.length % 4 === 0) {
    ctx.dispatch({
      key: 'relu_backward_vec4',
      code: reluBackwardVec4Wgsl,
      inputs: [grad, x],
      outputs: [out],
      uniforms: [u32(x.length / 4)],
      workgroups: ctx.grid(x.length / 4, 256),
    });
    return out;
  }
  ctx.dispatch({
    key: 'unary_backward',
    code: unaryBackwardWgsl,
    constants: { OP: UNARY_BACKWARD_CODES[op] },
    inputs: [grad, x],
    outputs: [out],
    uniforms: [u32(x.length), f32(alpha)],
    workgroups: ctx.grid(x.length, 256),
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
    key: 'binary',
    code: binaryWgsl,
    constants: { OP: BINARY_CODES[op], CONTIGUOUS: isContiguous ? 1 : 0 },
    inputs: [a, b],
    outputs: [out],
    uniforms: [u32(n), u32(merged.shape.length), u32(0), u32(0), ...u32Array(merged.shape, 'binary'), ...u32Array(merged.strides[0], 'binary'), ...u32Array(merged.strides[1], 'binary')],
    workgroups: ctx.grid(n, 256),
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
    key: 'permute',
    code: permuteWgsl,
    inputs: [x],
    outputs: [out],
    uniforms: [u32(x.length), u32(merged.shape.length), u32(0), u32(0), ...u32Array(merged.shape, 'permute'), ...u32Array(merged.strides[0], 'permute')],
    workgroups: ctx.grid(x.length, 256),
  });
  return out;
}
