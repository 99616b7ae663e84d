/**
 * Matrix products. Everything reduces to one batched kernel, `bmm` on [batch, m, k] x
 * [batch, k, n] where a batch of 1 broadcasts; its backward is two more products of the same
 * kernel with a transposed operand (no transpose is ever materialised).
 */
import { record } from '../autograd.ts';
import { broadcastShapes, sameShape, sizeOf } from '../shape.ts';
import { Tensor, fromStorage } from '../tensor.ts';
import { expand } from './view.ts';
import { sum } from './reduce.ts';

function checkDevices(op: string, ...ts: Tensor[]): void {
  const d = ts[0].device;
  for (const t of ts) if (t.device !== d) throw new Error(`${op}: tensors on different devices (${d} and ${t.device}); move one with .to()`);
}

/** a: [ba, m, k], b: [bb, k, n] with ba === bb or one of them 1. */
function bmm(a: Tensor, b: Tensor): Tensor {
  const [ba, m, k] = a.shape;
  const [bb, , n] = b.shape;
  const batch = Math.max(ba, bb);
  const be = a.backend;
  const out = fromStorage(be.matmul(a.storage, b.storage, ba, bb, m, k, n, false, false), [batch, m, n], be);
  return record('matmul', [a, b], out, (g) => {
    // dA = g B^T, dB = A^T g; a broadcast batch of 1 sums its gradient over the batch.
    let ga = fromStorage(be.matmul(g.storage, b.storage, batch, bb, m, n, k, false, true), [batch, m, k], be);
    let gb = fromStorage(be.matmul(a.storage, g.storage, ba, batch, k, m, n, true, false), [batch, k, n], be);
    if (ba === 1 && batch > 1) ga = sum(ga, 0, true);
    if (bb === 1 && batch > 1) gb = sum(gb, 0, true);
    return [ga, gb];
  });
}

/**
 * torch.matmul: 1-D x 1-D is a dot product; a 1-D operand is a row (left) or column (right)
 * vector whose added dimension is removed again; beyond 2-D the leading (batch) dimensions
 * broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkDevices('matmul', a, b);
  if (a.ndim === 0 || b.ndim === 0) throw new Error(`matmul: both arguments need at least 1 dimension, got [${a.shape}] and [${b.shape}]`);
  const a2 = a.ndim === 1 ? a.reshape([1, a.shape[0]]) : a;
  const b2 = b.ndim === 1 ? b.reshape([b.shape[0], 1]) : b;
  const [m, k] = a2.shape.slice(-2);
  const [kb, n] = b2.shape.slice(-2);
  if (k !== kb) throw new Error(`matmul: shapes [${a.shape}] and [${b.shape}] cannot be multiplied (${k} vs ${kb})`);
  const aBatch = a2.shape.slice(0, -2);
  const bBatch = b2.shape.slice(0, -2);
  const batchShape = broadcastShapes(aBatch, bBatch);
  const batch = sizeOf(batchShape);
  // A batch that is neither full nor 1 (e.g. [2, 1] against [3]) is expanded: the kernel only broadcasts a batch of 1.
  const flat = (t: Tensor, tb: readonly number[], rows: number, cols: number): Tensor => {
    const size = sizeOf(tb);
    if (size === 1 || (size === batch && sameShape(tb, batchShape.slice(batchShape.length - tb.length)))) return t.reshape([size, rows, cols]);
    return expand(t, [...batchShape, rows, cols]).reshape([batch, rows, cols]);
  };
  const out = bmm(flat(a2, aBatch, m, k), flat(b2, bBatch, k, n));
  const outShape = [...batchShape, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  return out.reshape(outShape);
}

/** torch.nn.functional.linear: x [..., in] @ weight[out, in]^T + bias[out] -> [..., out]. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkDevices('linear', x, weight, ...(bias ? [bias] : []));
  if (weight.ndim !== 2) throw new Error(`linear: weight must be [out, in], got [${weight.shape}]`);
  const [outF, inF] = weight.shape;
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    throw new Error(`linear: input [${x.shape}] does not end in the weight's ${inF} input features (weight [${weight.shape}])`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outF)) throw new Error(`linear: bias must be [${outF}], got [${bias.shape}]`);
  const lead = x.shape.slice(0, -1);
  const rows = sizeOf(lead);
  const be = x.backend;
  let s = be.matmul(x.storage, weight.storage, 1, 1, rows, inF, outF, false, true);
  if (bias) {
    const product = s;
    s = be.binary('add', product, [outF, 1], bias.storage, [0, 1], [rows, outF]);
    be.release(product);
  }
  const out = fromStorage(s, [...lead, outF], be);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record('linear', inputs, out, (g) => {
    // y = x W^T + b: dx = g W, dW = g^T x, db = column sums of g.
    const gx = fromStorage(be.matmul(g.storage, weight.storage, 1, 1, rows, outF, inF, false, false), x.shape, be);
    const gw = fromStorage(be.matmul(g.storage, x.storage, 1, 1, outF, rows, inF, true, false), weight.shape, be);
    const grads: (Tensor | null)[] = [gx, gw];
    if (bias) grads.push(fromStorage(be.sum(g.storage, [rows, outF], [0]), bias.shape, be));
    return grads;
  }, [x, weight]);
}
