/**
 * CPU pooling kernels (float64), following PyTorch's CPU kernels window for window: padding is
 * -inf for max and zero for average, and the window of a ceil-mode output may hang past the
 * padded input (it is clipped there).
 */
import type { Pool2dParams, Storage } from '../../backend.ts';

/** Where output o's window begins along one axis, in unpadded input coordinates (may be negative). */
function windowStart(o: number, stride: number, pad: number): number {
  return o * stride - pad;
}

export function maxPool2d(x: Storage, p: Pool2dParams): { out: Storage; argmax: Storage } {
  const xs = x as Float64Array;
  const { batch, channels, inH, inW, kH, kW, strideH, strideW, padH, padW, outH, outW } = p;
  const planes = batch * channels;
  const out = new Float64Array(planes * outH * outW);
  const argmax = new Float64Array(planes * outH * outW);
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = windowStart(oh, strideH, padH);
      const hEnd = Math.min(h0 + kH, inH);
      const hStart = Math.max(h0, 0);
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = windowStart(ow, strideW, padW);
        const wEnd = Math.min(w0 + kW, inW);
        const wStart = Math.max(w0, 0);
        // Strict '>' keeps the first maximum on ties; a NaN wins (the last one), as in PyTorch's CPU kernel.
        let best = -Infinity;
        let bestIndex = hStart * inW + wStart;
        for (let h = hStart; h < hEnd; h++) {
          for (let w = wStart; w < wEnd; w++) {
            const v = xs[base + h * inW + w];
            if (v > best || v !== v) {
              best = v;
              bestIndex = h * inW + w;
            }
          }
        }
        out[o] = best;
        argmax[o] = bestIndex;
      }
    }
  }
  return { out, argmax };
}

/** Each output's gradient goes to its window's winner; overlapping windows that share a winner add up. */
export function maxPool2dBackward(gradOut: Storage, argmax: Storage, p: Pool2dParams): Storage {
  const gs = gradOut as Float64Array;
  const am = argmax as Float64Array;
  const inPlane = p.inH * p.inW;
  const outPlane = p.outH * p.outW;
  const planes = p.batch * p.channels;
  const gradX = new Float64Array(planes * inPlane);
  for (let plane = 0; plane < planes; plane++) {
    const inBase = plane * inPlane;
    const outBase = plane * outPlane;
    for (let i = 0; i < outPlane; i++) gradX[inBase + am[outBase + i]] += gs[outBase + i];
  }
  return gradX;
}

/**
 * PyTorch's divisor with count_include_pad: the window's extent within the padded input, so a
 * ceil-mode window hanging past the right padding is not divided by its full size.
 */
function padDivisor(h0: number, w0: number, p: Pool2dParams): number {
  const hSpan = Math.min(h0 + p.kH, p.inH + p.padH) - h0;
  const wSpan = Math.min(w0 + p.kW, p.inW + p.padW) - w0;
  return hSpan * wSpan;
}

export function avgPool2d(x: Storage, p: Pool2dParams): Storage {
  const xs = x as Float64Array;
  const { batch, channels, inH, inW, kH, kW, strideH, strideW, padH, padW, outH, outW } = p;
  const planes = batch * channels;
  const out = new Float64Array(planes * outH * outW);
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = windowStart(oh, strideH, padH);
      const hStart = Math.max(h0, 0);
      const hEnd = Math.min(h0 + kH, inH);
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = windowStart(ow, strideW, padW);
        const wStart = Math.max(w0, 0);
        const wEnd = Math.min(w0 + kW, inW);
        let acc = 0;
        for (let h = hStart; h < hEnd; h++) {
          const row = base + h * inW;
          for (let w = wStart; w < wEnd; w++) acc += xs[row + w];
        }
        out[o] = acc / padDivisor(h0, w0, p);
      }
    }
  }
  return out;
}

/** Every input in a window receives gradOut / divisor; overlapping windows add up. */
export function avgPool2dBackward(gradOut: Storage, p: Pool2dParams): Storage {
  const gs = gradOut as Float64Array;
  const { batch, channels, inH, inW, kH, kW, strideH, strideW, padH, padW, outH, outW } = p;
  const planes = batch * channels;
  const gradX = new Float64Array(planes * inH * inW);
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = windowStart(oh, strideH, padH);
      const hStart = Math.max(h0, 0);
      const hEnd = Math.min(h0 + kH, inH);
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = windowStart(ow, strideW, padW);
        const wStart = Math.max(w0, 0);
        const wEnd = Math.min(w0 + kW, inW);
        const share = gs[o] / padDivisor(h0, w0, p);
        for (let h = hStart; h < hEnd; h++) {
          const row = base + h * inW;
          for (let w = wStart; w < wEnd; w++) gradX[row + w] += share;
        }
      }
    }
  }
  return gradX;
}
