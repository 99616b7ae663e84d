/**
 * CPU conv2d kernels (float64), as direct loops in "shift and accumulate" order: for one
 * (output channel, input channel, kernel tap) the output row is a strided copy of an input row
 * scaled by one weight, so the innermost loop has no bounds test and no index arithmetic
 * beyond a stride. All three kernels share that loop nest, so they visit exactly the same
 * (output, input, tap) triples and are each other's transposes.
 */
import type { Conv2dParams, Storage } from '../../backend.ts';

/**
 * The output positions o in [start, end) whose input position o * stride - pad + offset lies
 * inside [0, inLen). Computing the range once per tap keeps the bounds test out of the inner loop.
 */
function validRange(outLen: number, stride: number, pad: number, offset: number, inLen: number): [number, number] {
  const shift = pad - offset; // input index = o * stride - shift
  const start = shift > 0 ? Math.ceil(shift / stride) : 0;
  const end = Math.min(outLen, Math.floor((inLen - 1 + shift) / stride) + 1);
  return [start, Math.max(start, end)];
}

/**
 * Visits every (batch, out channel, in channel of its group, tap) with the valid output rows
 * and columns precomputed per tap. `body` gets the flat offsets of the weight, the first
 * output element and the first input element of a row run, plus the run's length.
 */
function forEachRun(
  p: Conv2dParams,
  body: (wIndex: number, outIndex: number, inIndex: number, runLength: number) => void,
): void {
  const { batch, inChannels, inH, inW, outChannels, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups, outH, outW } = p;
  const inPerGroup = inChannels / groups;
  const outPerGroup = outChannels / groups;
  // The valid ranges depend only on the tap, so compute them once for all channels and images.
  const rows: [number, number][] = [];
  const cols: [number, number][] = [];
  for (let kh = 0; kh < kH; kh++) rows.push(validRange(outH, strideH, padH, kh * dilH, inH));
  for (let kw = 0; kw < kW; kw++) cols.push(validRange(outW, strideW, padW, kw * dilW, inW));
  const inPlane = inH * inW;
  const outPlane = outH * outW;
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < outChannels; oc++) {
      const g = Math.floor(oc / outPerGroup);
      const outBase = (n * outChannels + oc) * outPlane;
      for (let icg = 0; icg < inPerGroup; icg++) {
        const inBase = (n * inChannels + g * inPerGroup + icg) * inPlane;
        const wBase = (oc * inPerGroup + icg) * kH * kW;
        for (let kh = 0; kh < kH; kh++) {
          const [oh0, oh1] = rows[kh];
          for (let kw = 0; kw < kW; kw++) {
            const [ow0, ow1] = cols[kw];
            if (ow1 <= ow0) continue;
            const wIndex = wBase + kh * kW + kw;
            const iwFirst = ow0 * strideW - padW + kw * dilW;
            for (let oh = oh0; oh < oh1; oh++) {
              const ih = oh * strideH - padH + kh * dilH;
              body(wIndex, outBase + oh * outW + ow0, inBase + ih * inW + iwFirst, ow1 - ow0);
            }
          }
        }
      }
    }
  }
}

export function conv2d(x: Storage, weight: Storage, bias: Storage | null, p: Conv2dParams): Storage {
  const xs = x as Float64Array;
  const ws = weight as Float64Array;
  const out = new Float64Array(p.batch * p.outChannels * p.outH * p.outW);
  if (bias) {
    const bs = bias as Float64Array;
    const plane = p.outH * p.outW;
    for (let n = 0; n < p.batch; n++) {
      for (let oc = 0; oc < p.outChannels; oc++) out.fill(bs[oc], (n * p.outChannels + oc) * plane, (n * p.outChannels + oc + 1) * plane);
    }
  }
  const sW = p.strideW;
  forEachRun(p, (wi, o, i, len) => {
    const w = ws[wi];
    for (let t = 0; t < len; t++) out[o + t] += w * xs[i + t * sW];
  });
  return out;
}

/** d(loss)/dx: every output's gradient flows back through the same taps, scaled by their weights. */
export function conv2dBackwardInput(gradOut: Storage, weight: Storage, p: Conv2dParams): Storage {
  const gs = gradOut as Float64Array;
  const ws = weight as Float64Array;
  const gradX = new Float64Array(p.batch * p.inChannels * p.inH * p.inW);
  const sW = p.strideW;
  forEachRun(p, (wi, o, i, len) => {
    const w = ws[wi];
    for (let t = 0; t < len; t++) gradX[i + t * sW] += w * gs[o + t];
  });
  return gradX;
}

/** d(loss)/dweight: each tap's gradient is the correlation of gradOut with the input it saw. */
export function conv2dBackwardWeight(gradOut: Storage, x: Storage, p: Conv2dParams): Storage {
  const gs = gradOut as Float64Array;
  const xs = x as Float64Array;
  const gradW = new Float64Array(p.outChannels * (p.inChannels / p.groups) * p.kH * p.kW);
  const sW = p.strideW;
  forEachRun(p, (wi, o, i, len) => {
    let acc = 0;
    for (let t = 0; t < len; t++) acc += gs[o + t] * xs[i + t * sW];
    gradW[wi] += acc;
  });
  return gradW;
}
