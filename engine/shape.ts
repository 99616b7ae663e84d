/** Shape arithmetic shared by the ops and every backend. Tensors are always contiguous, row-major. */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** NumPy/PyTorch broadcasting: align from the right, a dimension of 1 stretches. */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`shapes [${a}] and [${b}] cannot be broadcast together (dimension ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides to read an input of `shape` as if it had `outShape` (stride 0 where it broadcasts).
 * Kernels index inputs with these, so broadcasting never materialises a copy.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = stridesOf(shape);
  const out = new Array<number>(outShape.length).fill(0);
  const offset = outShape.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[i + offset] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

/** Normalises a possibly negative dimension index, as PyTorch does. */
export function normDim(dim: number, rank: number): number {
  const d = dim < 0 ? dim + rank : dim;
  if (d < 0 || d >= Math.max(rank, 1)) throw new Error(`dimension ${dim} out of range for a tensor of rank ${rank}`);
  return d;
}

/** Resolves one -1 in a requested shape from the element count. */
export function inferShape(shape: Shape, size: number): number[] {
  const out = [...shape];
  const minus = out.indexOf(-1);
  if (minus >= 0) {
    const rest = sizeOf(out.filter((_, i) => i !== minus));
    if (rest === 0 || size % rest !== 0) throw new Error(`cannot reshape ${size} elements into [${shape}]`);
    out[minus] = size / rest;
  }
  if (sizeOf(out) !== size) throw new Error(`cannot reshape ${size} elements into [${shape}]`);
  return out;
}
