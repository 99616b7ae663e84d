/**
 * Pooling, as torch.nn.functional.max_pool2d / max_pool1d / avg_pool2d. maxPool1d is maxPool2d
 * over a height-1 image.
 *
 * Backward: a max is locally the identity on its window's winner and constant elsewhere, so the
 * gradient goes to the remembered argmax only; an average spreads it evenly over its window.
 * Overlapping windows (stride < kernel) add their shares.
 */
import type { Pool2dParams } from '../backend.ts';
import { isGradEnabled, noGrad, record } from '../autograd.ts';
import { Tensor, fromStorage, ones } from '../tensor.ts';
import { pair, poolOutLength, type Size2 } from './spatial.ts';

export interface Pool2dOptions {
  /** Defaults to the kernel size (non-overlapping windows), as PyTorch. */
  stride?: Size2 | null;
  /** Implicit padding on both sides (-inf for max, zero for average); at most half the kernel. */
  padding?: Size2;
  /** Round the output length up, keeping a last partial window that starts inside the input or its left padding. */
  ceilMode?: boolean;
}

export interface AvgPool2dOptions extends Pool2dOptions {
  /** Divide by the whole window, padding included (PyTorch's default), or only by the input elements it covers. */
  countIncludePad?: boolean;
}

export interface Pool1dOptions {
  stride?: number | null;
  padding?: number;
  ceilMode?: boolean;
}

/** torch.nn.functional.max_pool2d. x: [N, C, H, W] or unbatched [C, H, W]. */
export function maxPool2d(x: Tensor, kernelSize: Size2, opts: Pool2dOptions = {}): Tensor {
  const op = 'maxPool2d';
  return withBatch(op, x, (x4) => maxPoolCore(op, x4, x, pair(op, 'kernelSize', kernelSize, 1), opts, 2));
}

/** torch.nn.functional.max_pool1d. x: [N, C, L] or unbatched [C, L]. */
export function maxPool1d(x: Tensor, kernelSize: number, opts: Pool1dOptions = {}): Tensor {
  const op = 'maxPool1d';
  if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`${op}: input must be [N, C, L] or unbatched [C, L], got ${x.describe()}`);
  const kernel = pair(op, 'kernelSize', [1, kernelSize], 1);
  const opts2: Pool2dOptions = {
    stride: opts.stride == null ? null : [1, opts.stride],
    padding: [0, opts.padding ?? 0],
    ceilMode: opts.ceilMode,
  };
  const x4 = x.ndim === 3 ? x.reshape([x.shape[0], x.shape[1], 1, x.shape[2]]) : x.reshape([1, x.shape[0], 1, x.shape[1]]);
  const out = maxPoolCore(op, x4, x, kernel, opts2, 1);
  const [n, c, , l] = out.shape;
  return out.reshape(x.ndim === 3 ? [n, c, l] : [c, l]);
}

/** torch.nn.functional.avg_pool2d. x: [N, C, H, W] or unbatched [C, H, W]. */
export function avgPool2d(x: Tensor, kernelSize: Size2, opts: AvgPool2dOptions = {}): Tensor {
  const op = 'avgPool2d';
  return withBatch(op, x, (x4) => {
    const p = poolParams(op, x4, x, pair(op, 'kernelSize', kernelSize, 1), opts, 2);
    const b = x4.backend;
    const sums = fromStorage(b.avgPool2d(x4.storage, p), [p.batch, p.channels, p.outH, p.outW], b);
    if (opts.countIncludePad ?? true) {
      return record(op, [x4], sums, (g) => [fromStorage(b.avgPool2dBackward(g.storage, p), x4.shape, b)], []);
    }
    // Without padding in the count, each output is rescaled by (window size / input elements in
    // it); pooling a plane of ones gives exactly that ratio's inverse per output position.
    const coverage = noGrad(() => {
      const plane = ones([1, 1, p.inH, p.inW], { device: x4.device });
      const c = fromStorage(b.avgPool2d(plane.storage, { ...p, batch: 1, channels: 1 }), [1, 1, p.outH, p.outW], b);
      plane.dispose();
      return c;
    });
    const out = noGrad(() => sums.div(coverage));
    sums.dispose();
    return record(op, [x4], out, (g) => [fromStorage(b.avgPool2dBackward(g.div(coverage).storage, p), x4.shape, b)], []);
  });
}

/** Runs a 4-D pooling on 4-D input, or on unbatched 3-D input as a batch of one. */
function withBatch(op: string, x: Tensor, pool: (x4: Tensor) => Tensor): Tensor {
  if (x.ndim === 4) return pool(x);
  if (x.ndim !== 3) throw new Error(`${op}: input must be [N, C, H, W] or unbatched [C, H, W], got ${x.describe()}`);
  const out = pool(x.reshape([1, ...x.shape]));
  return out.reshape(out.shape.slice(1));
}

function maxPoolCore(op: string, x: Tensor, shownX: Tensor, kernel: [number, number], opts: Pool2dOptions, spatialRank: 1 | 2): Tensor {
  const p = poolParams(op, x, shownX, kernel, opts, spatialRank);
  const b = x.backend;
  const { out: outStorage, argmax: argmaxStorage } = b.maxPool2d(x.storage, p);
  const out = fromStorage(outStorage, [p.batch, p.channels, p.outH, p.outW], b);
  const argmax = fromStorage(argmaxStorage, out.shape, b);
  if (!isGradEnabled() || !x.requiresGrad) {
    // Only the backward reads the winners; free them now rather than at the end of a tidy.
    argmax.dispose();
    return out;
  }
  return record(op, [x], out, (g) => [fromStorage(b.maxPool2dBackward(g.storage, argmax.storage, p), x.shape, b)], [argmax]);
}

function poolParams(op: string, x: Tensor, shownX: Tensor, kernel: [number, number], opts: Pool2dOptions, spatialRank: 1 | 2): Pool2dParams {
  return pool2dParams(op, x.shape, shownX.describe(), kernel, opts, spatialRank);
}

/** Pooling parameters for an [N, C, H, W] input of `shape` (`shown` names it in errors). */
export function pool2dParams(op: string, shape: readonly number[], shown: string, kernel: [number, number], opts: Pool2dOptions, spatialRank: 1 | 2 = 2): Pool2dParams {
  const [batch, channels, inH, inW] = shape;
  const stride = opts.stride == null ? kernel : pair(op, 'stride', opts.stride, 1);
  const padding = pair(op, 'padding', opts.padding ?? 0, 0);
  const ceilMode = opts.ceilMode ?? false;
  const show = (v: readonly number[]) => (spatialRank === 1 ? `${v[1]}` : `${v[0]} x ${v[1]}`);
  if (padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2) {
    throw new Error(`${op}: padding (${show(padding)}) must be at most half the kernel size (${show(kernel)})`);
  }
  const outH = poolOutLength(inH, kernel[0], stride[0], padding[0], ceilMode);
  const outW = poolOutLength(inW, kernel[1], stride[1], padding[1], ceilMode);
  if (outH < 1 || outW < 1) {
    throw new Error(
      `${op}: kernel (${show(kernel)}) is larger than the padded input (${show([inH + 2 * padding[0], inW + 2 * padding[1]])}) of input ${shown}`,
    );
  }
  return { batch, channels, inH, inW, kH: kernel[0], kW: kernel[1], strideH: stride[0], strideW: stride[1], padH: padding[0], padW: padding[1], outH, outW };
}
