/** CPU log-softmax and its backward, along the middle axis of [outer, dim, inner]. */
import type { Storage } from '../../backend.ts';

export function logSoftmax(x: Storage, outer: number, dim: number, inner: number): Storage {
  const xs = x as Float64Array;
  const out = new Float64Array(xs.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * dim * inner + i;
      // Subtracting the max keeps exp() from overflowing: log-sum-exp trick.
      let max = -Infinity;
      for (let c = 0; c < dim; c++) max = Math.max(max, xs[base + c * inner]);
      let s = 0;
      for (let c = 0; c < dim; c++) s += Math.exp(xs[base + c * inner] - max);
      const lse = max + Math.log(s);
      for (let c = 0; c < dim; c++) out[base + c * inner] = xs[base + c * inner] - lse;
    }
  }
  return out;
}

export function logSoftmaxBackward(grad: Storage, y: Storage, outer: number, dim: number, inner: number): Storage {
  const g = grad as Float64Array;
  const ys = y as Float64Array;
  const out = new Float64Array(g.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * dim * inner + i;
      let s = 0;
      for (let c = 0; c < dim; c++) s += g[base + c * inner];
      for (let c = 0; c < dim; c++) out[base + c * inner] = g[base + c * inner] - Math.exp(ys[base + c * inner]) * s;
    }
  }
  return out;
}
