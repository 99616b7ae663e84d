/** CPU kernels that index by class: the pieces of nll_loss and of class weighting. */
import type { Storage } from '../../backend.ts';

function classIndex(index: Float64Array, i: number, c: number): number {
  const t = index[i];
  if (!Number.isInteger(t) || t < 0 || t >= c) throw new Error(`target ${t} at position ${i} is out of bounds for ${c} classes`);
  return t;
}

export function gatherClass(x: Storage, index: Storage, n: number, c: number): Storage {
  const xs = x as Float64Array;
  const idx = index as Float64Array;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = xs[i * c + classIndex(idx, i, c)];
  return out;
}

export function scatterClass(grad: Storage, index: Storage, n: number, c: number): Storage {
  const g = grad as Float64Array;
  const idx = index as Float64Array;
  const out = new Float64Array(n * c);
  for (let i = 0; i < n; i++) out[i * c + classIndex(idx, i, c)] = g[i];
  return out;
}

export function indexSelect(table: Storage, index: Storage): Storage {
  const t = table as Float64Array;
  const idx = index as Float64Array;
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = t[classIndex(idx, i, t.length)];
  return out;
}
