/** CPU (float64) kernels for elementwise ops, reductions and permutes. */
import type { BinaryOp, Storage, UnaryBackwardOp, UnaryOp } from '../../backend.ts';
import { sizeOf, stridesOf } from '../../shape.ts';

const f64 = (s: Storage) => s as Float64Array;

const unaryFns: Record<UnaryOp, (x: number, alpha: number) => number> = {
  neg: (x) => -x,
  exp: (x) => Math.exp(x),
  log: (x) => Math.log(x),
  sqrt: (x) => Math.sqrt(x),
  abs: (x) => Math.abs(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  // A NaN passes through, as PyTorch's relu (and max) keep it.
  relu: (x) => (x > 0 || x !== x ? x : 0),
  elu: (x, a) => (x > 0 ? x : a * Math.expm1(x)),
  pow: (x, a) => Math.pow(x, a),
  softplus: (x, beta) => (x * beta > SOFTPLUS_THRESHOLD ? x : Math.log1p(Math.exp(beta * x)) / beta),
};

/** PyTorch's default softplus threshold: past it (beta * x), softplus is x. */
const SOFTPLUS_THRESHOLD = 20;

const unaryBackwardFns: Record<UnaryBackwardOp, (g: number, x: number, alpha: number) => number> = {
  relu: (g, x) => (x > 0 ? g : 0),
  elu: (g, x, alpha) => (x > 0 ? g : g * alpha * Math.exp(x)),
  softplus: (g, x, beta) => {
    if (x * beta > SOFTPLUS_THRESHOLD) return g;
    const z = Math.exp(beta * x);
    return (g * z) / (z + 1);
  },
};

export function unary(op: UnaryOp, x: Storage, alpha: number): Storage {
  const xs = f64(x);
  const fn = unaryFns[op];
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = fn(xs[i], alpha);
  return out;
}

export function unaryBackward(op: UnaryBackwardOp, grad: Storage, x: Storage, alpha: number): Storage {
  const g = f64(grad);
  const xs = f64(x);
  const out = new Float64Array(g.length);
  const fn = unaryBackwardFns[op];
  for (let i = 0; i < g.length; i++) out[i] = fn(g[i], xs[i], alpha);
  return out;
}

const binaryFns: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
};

export function binary(op: BinaryOp, a: Storage, aStrides: readonly number[], b: Storage, bStrides: readonly number[], outShape: readonly number[]): Storage {
  const as = f64(a);
  const bs = f64(b);
  const fn = binaryFns[op];
  const n = sizeOf(outShape);
  const out = new Float64Array(n);
  const rank = outShape.length;
  // Fast paths: same shape, or one side a scalar.
  if (as.length === n && bs.length === n && aStrides.every((s, i) => s === bStrides[i])) {
    for (let i = 0; i < n; i++) out[i] = fn(as[i], bs[i]);
    return out;
  }
  if (bs.length === 1 && as.length === n) {
    const bv = bs[0];
    for (let i = 0; i < n; i++) out[i] = fn(as[i], bv);
    return out;
  }
  const idx = new Array<number>(rank).fill(0);
  let ai = 0;
  let bi = 0;
  for (let i = 0; i < n; i++) {
    out[i] = fn(as[ai], bs[bi]);
    // Odometer increment over the output index, moving both input offsets by their strides.
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      ai += aStrides[d];
      bi += bStrides[d];
      if (idx[d] < outShape[d]) break;
      ai -= aStrides[d] * outShape[d];
      bi -= bStrides[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}

export function sum(x: Storage, shape: readonly number[], axes: readonly number[]): Storage {
  const xs = f64(x);
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Float64Array(sizeOf(outShape));
  const outStrides = stridesOf(outShape).map((s, i) => (axes.includes(i) ? 0 : s));
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  for (let i = 0; i < xs.length; i++) {
    out[o] += xs[i];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      o += outStrides[d];
      if (idx[d] < shape[d]) break;
      o -= outStrides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

export function permute(x: Storage, shape: readonly number[], perm: readonly number[]): Storage {
  const xs = f64(x);
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const srcStrides = perm.map((p) => inStrides[p]);
  const out = new Float64Array(xs.length);
  const rank = outShape.length;
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = xs[src];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += srcStrides[d];
      if (idx[d] < outShape[d]) break;
      src -= srcStrides[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}
