/**
 * Softmax along one dimension. log-softmax has its own kernel pair (the log-sum-exp trick keeps
 * it finite where exp then log would not); softmax's backward is written with ops.
 */
import { record } from '../autograd.ts';
import { normDim, sizeOf } from '../shape.ts';
import { Tensor, fromStorage } from '../tensor.ts';

/** The tensor seen as [outer, dim, inner] around dimension `d`. */
function around(x: Tensor, dim: number): { d: number; outer: number; size: number; inner: number } {
  const d = normDim(dim, x.ndim);
  return { d, outer: sizeOf(x.shape.slice(0, d)), size: x.shape[d] ?? 1, inner: sizeOf(x.shape.slice(d + 1)) };
}

/** torch.log_softmax(x, dim): x - log(sum(exp(x), dim)). */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const { outer, size, inner } = around(x, dim);
  const be = x.backend;
  const out = fromStorage(be.logSoftmax(x.storage, outer, size, inner), x.shape, be);
  // dx = g - softmax(x) * sum(g, dim), with softmax(x) = exp(out)
  return record('logSoftmax', [x], out, (g) => [fromStorage(be.logSoftmaxBackward(g.storage, out.storage, outer, size, inner), x.shape, be)], [out]);
}

/** torch.softmax(x, dim): exp(x) / sum(exp(x), dim). */
export function softmax(x: Tensor, dim: number): Tensor {
  const { d, outer, size, inner } = around(x, dim);
  const be = x.backend;
  const logY = be.logSoftmax(x.storage, outer, size, inner);
  const out = fromStorage(be.unary('exp', logY, 0), x.shape, be);
  be.release(logY);
  // dx = y * (g - sum(g * y, dim)) with y = softmax(x)
  return record('softmax', [x], out, (g) => {
    const gy = g.mul(out);
    return [gy.sub(out.mul(x.ndim === 0 ? gy : gy.sum(d, true)))];
  }, [out]);
}
