/** Reductions. The gradient of a sum is the incoming gradient broadcast back over the summed dims. */
import { record } from '../autograd.ts';
import { normDim, sizeOf } from '../shape.ts';
import { Tensor, fromStorage } from '../tensor.ts';

function resolveAxes(x: Tensor, dim?: number | readonly number[]): number[] {
  if (dim === undefined) return x.shape.map((_, i) => i);
  const dims = typeof dim === 'number' ? [dim] : [...dim];
  return [...new Set(dims.map((d) => normDim(d, x.ndim)))].sort((a, b) => a - b);
}

/** torch.sum(x, dim, keepdim): all elements when `dim` is omitted. */
export function sum(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  const axes = resolveAxes(x, dim);
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outShape = keepdim ? keptShape : x.shape.filter((_, i) => !axes.includes(i));
  const out = fromStorage(x.backend.sum(x.storage, x.shape, axes), outShape, x.backend);
  // Broadcasting the (kept-dim) gradient against ones of x's shape spreads it over the summed dims.
  return record('sum', [x], out, (g) => [g.reshape(keptShape).expand(x.shape)], []);
}

/** torch.mean(x, dim, keepdim). */
export function mean(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  const axes = resolveAxes(x, dim);
  const count = sizeOf(axes.map((a) => x.shape[a]));
  return sum(x, axes, keepdim).div(count);
}
