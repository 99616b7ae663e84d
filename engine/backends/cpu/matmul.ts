/** CPU batched matrix multiply, float64. */
import type { Storage } from '../../backend.ts';

export function matmul(a: Storage, b: Storage, batchA: number, batchB: number, m: number, k: number, n: number, transA: boolean, transB: boolean): Storage {
  const as = a as Float64Array;
  const bs = b as Float64Array;
  const batch = Math.max(batchA, batchB);
  const out = new Float64Array(batch * m * n);
  // Strides of A[i, p] and B[p, j] inside one batch item, honouring the transposes.
  const aRow = transA ? 1 : k;
  const aCol = transA ? m : 1;
  const bRow = transB ? 1 : n;
  const bCol = transB ? k : 1;
  for (let t = 0; t < batch; t++) {
    const ao = batchA === 1 ? 0 : t * m * k;
    const bo = batchB === 1 ? 0 : t * k * n;
    const oo = t * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc += as[ao + i * aRow + p * aCol] * bs[bo + p * bRow + j * bCol];
        out[oo + i * n + j] = acc;
      }
    }
  }
  return out;
}
