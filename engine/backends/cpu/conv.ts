/**
 * CPU conv2d kernels (float64), as direct loops in "shift and accumulate" order: for one
 * (output channel, input channel, kernel tap) an output row run is a strided slice of an input
 * row scaled by one weight, so the innermost loop has no bounds test and no index arithmetic
 * beyond a stride. The three kernels walk the same plan of runs, so they visit exactly the same
 * (output, input, tap) triples and are each other's transposes. Unit stride, the common case,
 * gets its own inner loop: without the index multiply V8 runs it about twice as fast.
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
 * The row runs of one (output channel, input channel) plane pair, the same for every pair and
 * every image: per kernel tap and output row, where the run starts in the output plane and in
 * the input plane, and how long it is. Tiny (kH * kW * outH entries), so the kernels below loop
 * over it with no bounds tests and no closures in the hot path.
 */
interface RunPlan {
  count: number;
  tap: Int32Array;
  outOffset: Int32Array;
  inOffset: Int32Array;
  length: Int32Array;
}

function planRuns(p: Conv2dParams): RunPlan {
  const { inH, inW, kH, kW, strideH, strideW, padH, padW, dilH, dilW, outH, outW } = p;
  const cap = kH * kW * outH;
  const plan: RunPlan = { count: 0, tap: new Int32Array(cap), outOffset: new Int32Array(cap), inOffset: new Int32Array(cap), length: new Int32Array(cap) };
  for (let kh = 0; kh < kH; kh++) {
    const [oh0, oh1] = validRange(outH, strideH, padH, kh * dilH, inH);
    for (let kw = 0; kw < kW; kw++) {
      const [ow0, ow1] = validRange(outW, strideW, padW, kw * dilW, inW);
      if (ow1 <= ow0) continue;
      const iwFirst = ow0 * strideW - padW + kw * dilW;
      for (let oh = oh0; oh < oh1; oh++) {
        const e = plan.count++;
        plan.tap[e] = kh * kW + kw;
        plan.outOffset[e] = oh * outW + ow0;
        plan.inOffset[e] = (oh * strideH - padH + kh * dilH) * inW + iwFirst;
        plan.length[e] = ow1 - ow0;
      }
    }
  }
  return plan;
}

export function conv2d(x: Storage, weight: Storage, bias: Storage | null, p: Conv2dParams): Storage {
  const xs = x as Float64Array;
  const ws = weight as Float64Array;
  const { batch, inChannels, outChannels, groups, kH, kW, strideW: sW } = p;
  const inPlane = p.inH * p.inW;
  const outPlane = p.outH * p.outW;
  const inPerGroup = inChannels / groups;
  const outPerGroup = outChannels / groups;
  const { count, tap, outOffset, inOffset, length } = planRuns(p);
  const out = new Float64Array(batch * outChannels * outPlane);
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < outChannels; oc++) {
      const outBase = (n * outChannels + oc) * outPlane;
      if (bias) out.fill((bias as Float64Array)[oc], outBase, outBase + outPlane);
      const inFirst = (n * inChannels + Math.floor(oc / outPerGroup) * inPerGroup) * inPlane;
      for (let icg = 0; icg < inPerGroup; icg++) {
        const inBase = inFirst + icg * inPlane;
        const wBase = (oc * inPerGroup + icg) * kH * kW;
        for (let e = 0; e < count; e++) {
          const w = ws[wBase + tap[e]];
          const o = outBase + outOffset[e];
          const i = inBase + inOffset[e];
          const len = length[e];
          if (sW === 1) for (let t = 0; t < len; t++) out[o + t] += w * xs[i + t];
          else for (let t = 0; t < len; t++) out[o + t] += w * xs[i + t * sW];
        }
      }
    }
  }
  return out;
}

/** d(loss)/dx: every output's gradient flows back through the same taps, scaled by their weights. */
export function conv2dBackwardInput(gradOut: Storage, weight: Storage, p: Conv2dParams): Storage {
  const gs = gradOut as Float64Array;
  const ws = weight as Float64Array;
  const { batch, inChannels, outChannels, groups, kH, kW, strideW: sW } = p;
  const inPlane = p.inH * p.inW;
  const outPlane = p.outH * p.outW;
  const inPerGroup = inChannels / groups;
  const outPerGroup = outChannels / groups;
  const { count, tap, outOffset, inOffset, length } = planRuns(p);
  const gradX = new Float64Array(batch * inChannels * inPlane);
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < outChannels; oc++) {
      const outBase = (n * outChannels + oc) * outPlane;
      const inFirst = (n * inChannels + Math.floor(oc / outPerGroup) * inPerGroup) * inPlane;
      for (let icg = 0; icg < inPerGroup; icg++) {
        const inBase = inFirst + icg * inPlane;
        const wBase = (oc * inPerGroup + icg) * kH * kW;
        for (let e = 0; e < count; e++) {
          const w = ws[wBase + tap[e]];
          const o = outBase + outOffset[e];
          const i = inBase + inOffset[e];
          const len = length[e];
          if (sW === 1) for (let t = 0; t < len; t++) gradX[i + t] += w * gs[o + t];
          else for (let t = 0; t < len; t++) gradX[i + t * sW] += w * gs[o + t];
        }
      }
    }
  }
  return gradX;
}

/** Four partial sums break the add-latency chain of one accumulator (about 2x here). */
function dot(a: Float64Array, ai: number, b: Float64Array, bi: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t = 0;
  for (; t + 3 < len; t += 4) {
    s0 += a[ai + t] * b[bi + t];
    s1 += a[ai + t + 1] * b[bi + t + 1];
    s2 += a[ai + t + 2] * b[bi + t + 2];
    s3 += a[ai + t + 3] * b[bi + t + 3];
  }
  for (; t < len; t++) s0 += a[ai + t] * b[bi + t];
  return s0 + s1 + (s2 + s3);
}

function dotStrided(a: Float64Array, ai: number, b: Float64Array, bi: number, bStride: number, len: number): number {
  let acc = 0;
  for (let t = 0; t < len; t++) acc += a[ai + t] * b[bi + t * bStride];
  return acc;
}

/** Weight gradient and bias gradient (gradOut summed over every position of each output channel). */
export function conv2dBackwardWeightBias(gradOut: Storage, x: Storage, p: Conv2dParams): { weight: Storage; bias: Storage } {
  const gs = gradOut as Float64Array;
  const outPlane = p.outH * p.outW;
  const bias = new Float64Array(p.outChannels);
  for (let n = 0; n < p.batch; n++) {
    for (let oc = 0; oc < p.outChannels; oc++) {
      const base = (n * p.outChannels + oc) * outPlane;
      let acc = 0;
      for (let j = 0; j < outPlane; j++) acc += gs[base + j];
      bias[oc] += acc;
    }
  }
  return { weight: conv2dBackwardWeight(gradOut, x, p), bias };
}

/** d(loss)/dweight: each tap's gradient is the correlation of gradOut with the input it saw. */
export function conv2dBackwardWeight(gradOut: Storage, x: Storage, p: Conv2dParams): Storage {
  const gs = gradOut as Float64Array;
  const xs = x as Float64Array;
  const { batch, inChannels, outChannels, groups, kH, kW, strideW: sW } = p;
  const inPlane = p.inH * p.inW;
  const outPlane = p.outH * p.outW;
  const inPerGroup = inChannels / groups;
  const outPerGroup = outChannels / groups;
  const { count, tap, outOffset, inOffset, length } = planRuns(p);
  const gradW = new Float64Array(outChannels * inPerGroup * kH * kW);
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < outChannels; oc++) {
      const outBase = (n * outChannels + oc) * outPlane;
      const inFirst = (n * inChannels + Math.floor(oc / outPerGroup) * inPerGroup) * inPlane;
      for (let icg = 0; icg < inPerGroup; icg++) {
        const inBase = inFirst + icg * inPlane;
        const wBase = (oc * inPerGroup + icg) * kH * kW;
        for (let e = 0; e < count; e++) {
          const o = outBase + outOffset[e];
          const i = inBase + inOffset[e];
          const len = length[e];
          gradW[wBase + tap[e]] += sW === 1 ? dot(gs, o, xs, i, len) : dotStrided(gs, o, xs, i, sW, len);
        }
      }
    }
  }
  return gradW;
}
