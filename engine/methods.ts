/**
 * Method sugar on Tensor (x.add(y), x.reshape(...)), installed on the prototype here so that
 * tensor.ts need not import the ops, which import it.
 */
import { Tensor } from './tensor.ts';
import { backward, type BackwardOptions } from './autograd.ts';
import { add, div, mul, neg, sub, type Operand } from './ops/elementwise.ts';
import { abs, exp, log, pow, reciprocal, sqrt, square } from './ops/unary.ts';
import { mean, sum } from './ops/reduce.ts';
import { clone, expand, flatten, permute, reshape, squeeze, transpose, unsqueeze } from './ops/view.ts';
import { relu } from './ops/activation.ts';
import type { Shape } from './shape.ts';
import { matmul } from './ops/linear.ts';
import { logSoftmax, softmax } from './ops/softmax.ts';

declare module './tensor.ts' {
  interface Tensor {
    add(other: Operand): Tensor;
    sub(other: Operand): Tensor;
    mul(other: Operand): Tensor;
    div(other: Operand): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    square(): Tensor;
    abs(): Tensor;
    pow(exponent: number): Tensor;
    reciprocal(): Tensor;
    relu(): Tensor;
    sum(dim?: number | readonly number[], keepdim?: boolean): Tensor;
    mean(dim?: number | readonly number[], keepdim?: boolean): Tensor;
    reshape(shape: Shape): Tensor;
    view(shape: Shape): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    permute(dims: readonly number[]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    unsqueeze(dim: number): Tensor;
    squeeze(dim?: number): Tensor;
    expand(shape: Shape): Tensor;
    clone(): Tensor;
    backward(gradient?: Tensor, opts?: BackwardOptions): void;
    matmul(other: Tensor): Tensor;
    softmax(dim: number): Tensor;
    logSoftmax(dim: number): Tensor;
  }
}

const p = Tensor.prototype;
p.add = function (o) { return add(this, o); };
p.sub = function (o) { return sub(this, o); };
p.mul = function (o) { return mul(this, o); };
p.div = function (o) { return div(this, o); };
p.neg = function () { return neg(this); };
p.exp = function () { return exp(this); };
p.log = function () { return log(this); };
p.sqrt = function () { return sqrt(this); };
p.square = function () { return square(this); };
p.abs = function () { return abs(this); };
p.pow = function (e) { return pow(this, e); };
p.reciprocal = function () { return reciprocal(this); };
p.relu = function () { return relu(this); };
p.sum = function (d, k) { return sum(this, d, k); };
p.mean = function (d, k) { return mean(this, d, k); };
p.reshape = function (s) { return reshape(this, s); };
p.view = function (s) { return reshape(this, s); };
p.flatten = function (s, e) { return flatten(this, s, e); };
p.permute = function (d) { return permute(this, d); };
p.transpose = function (a, b) { return transpose(this, a, b); };
p.unsqueeze = function (d) { return unsqueeze(this, d); };
p.squeeze = function (d) { return squeeze(this, d); };
p.expand = function (s) { return expand(this, s); };
p.clone = function () { return clone(this); };
p.backward = function (g, o) { backward(this, g, o); };
p.matmul = function (o) { return matmul(this, o); };
p.softmax = function (d) { return softmax(this, d); };
p.logSoftmax = function (d) { return logSoftmax(this, d); };
