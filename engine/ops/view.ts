/** Shape changes and copies. Tensors are contiguous, so reshape shares storage; permute and clone copy. */
import { record } from '../autograd.ts';
import { inferShape, normDim, sizeOf, type Shape } from '../shape.ts';
import { Tensor, fromStorage, viewOf, zeros } from '../tensor.ts';

export function reshape(x: Tensor, shape: Shape): Tensor {
  const s = inferShape(shape, x.size);
  const out = viewOf(x, s);
  return record('reshape', [x], out, (g) => [g.reshape(x.shape)], []);
}

/** torch.Tensor.clone: the same values in a storage of its own; the gradient passes through unchanged. */
export function clone(x: Tensor): Tensor {
  const be = x.backend;
  const copy = be.alloc(x.size);
  be.copyInto(copy, x.storage);
  return record('clone', [x], fromStorage(copy, x.shape, be), (g) => [g], []);
}

/** torch.flatten(x, startDim, endDim). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim(startDim, x.ndim);
  const e = normDim(endDim, x.ndim);
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normDim(dim, x.ndim + 1);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const d = normDim(dim, x.ndim);
  return x.shape[d] === 1 ? reshape(x, [...x.shape.slice(0, d), ...x.shape.slice(d + 1)]) : x;
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) throw new Error(`permute: ${dims.length} dims given for a tensor of rank ${x.ndim}`);
  const perm = dims.map((d) => normDim(d, x.ndim));
  if (new Set(perm).size !== perm.length) throw new Error(`permute: repeated dimension in [${dims}]`);
  const out = fromStorage(x.backend.permute(x.storage, x.shape, perm), perm.map((p) => x.shape[p]), x.backend);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return record('permute', [x], out, (g) => [permute(g, inverse)], []);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const perm = x.shape.map((_, i) => i);
  const a = normDim(dim0, x.ndim);
  const b = normDim(dim1, x.ndim);
  [perm[a], perm[b]] = [perm[b], perm[a]];
  return permute(x, perm);
}

/** Broadcasts to a larger shape (a copy here, since tensors are contiguous). */
export function expand(x: Tensor, shape: Shape): Tensor {
  return zeros(shape, { device: x.device }).add(x);
}
