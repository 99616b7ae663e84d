/**
 * Shape arithmetic shared by convolution and pooling: per-axis sizes given as one number or an
 * [h, w] pair, and PyTorch's output-length formulas.
 */
export type Size2 = number | readonly [number, number];

/** Expands a size to [h, w], rejecting what PyTorch rejects (non-integers, values below `min`). */
export function pair(op: string, field: string, value: Size2, min: number): [number, number] {
  const v: [number, number] = typeof value === 'number' ? [value, value] : [value[0], value[1]];
  if ((typeof value !== 'number' && value.length !== 2) || v.some((d) => !Number.isInteger(d) || d < min)) {
    throw new Error(`${op}: ${field} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(value)}`);
  }
  return v;
}

/** Output length of a convolution along one axis (floor division, as PyTorch). */
export function convOutLength(inLen: number, kernel: number, stride: number, pad: number, dilation: number): number {
  return Math.floor((inLen + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1;
}

/**
 * Output length of a pooling along one axis. In ceil mode PyTorch drops a last window that
 * would start past the input and its left padding (it would see nothing but right padding).
 */
export function poolOutLength(inLen: number, kernel: number, stride: number, pad: number, ceilMode: boolean): number {
  const span = inLen + 2 * pad - kernel;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= inLen + pad) out--;
  return out;
}
