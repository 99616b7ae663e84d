/**
 * Elementwise arithmetic with PyTorch broadcasting. The backward of a broadcast input sums the
 * gradient over the dimensions it was stretched along (`sumToShape`).
 */
import type { BinaryOp } from '../backend.ts';
import { record } from '../autograd.ts';
import { broadcastShapes, broadcastStrides, sameShape, type Shape } from '../shape.ts';
import { Tensor, fromStorage, tensor } from '../tensor.ts';
import { sum } from './reduce.ts';

export type Operand = Tensor | number;

/** A number becomes a 0-d tensor on the other operand's device. */
export function asTensor(x: Operand, like: Tensor): Tensor {
  return typeof x === 'number' ? tensor(x, [], { device: like.device }) : x;
}

function checkSameDevice(a: Tensor, b: Tensor, op: string): void {
  if (a.device !== b.device) throw new Error(`${op}: tensors on different devices (${a.device} and ${b.device}); move one with .to()`);
}

function binaryForward(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  checkSameDevice(a, b, op);
  const outShape = broadcastShapes(a.shape, b.shape);
  const s = a.backend.binary(op, a.storage, broadcastStrides(a.shape, outShape), b.storage, broadcastStrides(b.shape, outShape), outShape);
  return fromStorage(s, outShape, a.backend);
}

/** Reduces a broadcast gradient back to the shape of the input it flowed from. */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  return sum(g, axes, true).reshape(shape);
}

export function add(a: Operand, b: Operand): Tensor {
  const [x, y] = operands(a, b);
  const out = binaryForward('add', x, y);
  return record('add', [x, y], out, (g) => [sumToShape(g, x.shape), sumToShape(g, y.shape)], []);
}

export function sub(a: Operand, b: Operand): Tensor {
  const [x, y] = operands(a, b);
  const out = binaryForward('sub', x, y);
  return record('sub', [x, y], out, (g) => [sumToShape(g, x.shape), sumToShape(g.neg(), y.shape)], []);
}

export function mul(a: Operand, b: Operand): Tensor {
  const [x, y] = operands(a, b);
  const out = binaryForward('mul', x, y);
  // d(xy)/dx = y, d(xy)/dy = x
  return record('mul', [x, y], out, (g) => [sumToShape(g.mul(y), x.shape), sumToShape(g.mul(x), y.shape)]);
}

export function div(a: Operand, b: Operand): Tensor {
  const [x, y] = operands(a, b);
  const out = binaryForward('div', x, y);
  // d(x/y)/dx = 1/y, d(x/y)/dy = -x/y^2
  return record('div', [x, y], out, (g) => [
    sumToShape(g.div(y), x.shape),
    sumToShape(g.mul(x).div(y.mul(y)).neg(), y.shape),
  ]);
}

export function neg(x: Tensor): Tensor {
  const out = fromStorage(x.backend.unary('neg', x.storage, 0), x.shape, x.backend);
  return record('neg', [x], out, (g) => [g.neg()], []);
}

function operands(a: Operand, b: Operand): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') throw new Error('at least one operand must be a tensor');
  const x = typeof a === 'number' ? asTensor(a, b as Tensor) : a;
  const y = asTensor(b, x);
  return [x, y];
}
