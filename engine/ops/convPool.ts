/**
 * maxPool2d(relu(conv2d(x, weight, bias)), kernelSize): the convolution block of most small
 * ConvNets (the Chambon sleep stager's feature extractor is two of them) as one op. PyTorch has
 * no such function; it equals F.max_pool2d(F.relu(F.conv2d(...)), ...) exactly, and the fused
 * and unfused graphs give the same values and gradients.
 *
 * Why fuse: the convolution's full output never needs to exist. The forward keeps each window's
 * winner only (a twelfth of the outputs for Chambon's pool of 12), and the backward is sparse: a
 * max passes its gradient to its winner alone, and the ReLU passes it only where the winner is
 * positive, so d/dweight and d/dx sum over one convolution output per window instead of all of
 * them. With p the pooled output, a its winner's position and g' = gradOut * (p > 0):
 *   d/dw[o, i, k] = sum over windows g'[n, o, w] * x[n, i, a + k - pad]
 *   d/dx[n, i, s] = sum over o, windows with 0 <= s - a + pad < K of g'[n, o, w] * w[o, i, s - a + pad]
 *   d/db[o]       = sum over windows g'[n, o, w]
 *
 * Backends fuse what they can (the WebGPU backend: row convolutions with non-overlapping pooling
 * windows along the row, see conv_rows_forward.wgsl); elsewhere, and on the CPU reference, the
 * op runs its parts' kernels in turn: conv2d with ReLU, max pool, and backward the pool's scatter,
 * the ReLU mask (pooled > 0) and conv2d's gradients. Either way it is one op in the graph.
 */
import type { Storage } from '../backend.ts';
import { isGradEnabled, record } from '../autograd.ts';
import { Tensor, fromStorage } from '../tensor.ts';
import { conv2dParams, convBackward, type Conv2dOptions } from './conv.ts';
import { pool2dParams, type Pool2dOptions } from './pool.ts';
import { pair, type Size2 } from './spatial.ts';

/** maxPool2d(relu(conv2d(x, weight, bias, conv)), kernelSize, pool) as one op. x: [N, Cin, H, W] or unbatched [Cin, H, W]. */
export function conv2dReluMaxPool2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  conv: Omit<Conv2dOptions, 'activation'>,
  kernelSize: Size2,
  pool: Pool2dOptions = {},
): Tensor {
  if (x.ndim === 3) {
    const out = conv2dReluMaxPool2d(x.reshape([1, ...x.shape]), weight, bias, conv, kernelSize, pool);
    return out.reshape(out.shape.slice(1));
  }
  const op = 'conv2dReluMaxPool2d';
  const p = conv2dParams(op, x, weight, bias, conv);
  const pp = pool2dParams(op, [p.batch, p.outChannels, p.outH, p.outW], `relu(conv2d(${x.describe()}))`, pair(op, 'kernelSize', kernelSize, 1), pool);
  const b = x.backend;
  const needGrad = isGradEnabled() && (x.requiresGrad || weight.requiresGrad || bias?.requiresGrad === true);
  const biasStorage = bias?.storage ?? null;
  const kernels = b.convReluMaxPool;
  let fused = kernels?.forward(x.storage, weight.storage, biasStorage, p, pp, needGrad) ?? null;
  const isFused = fused !== null;
  if (!fused) {
    let y: Storage;
    if (b.conv2dRelu) y = b.conv2dRelu(x.storage, weight.storage, biasStorage, p);
    else {
      const linear = b.conv2d(x.storage, weight.storage, biasStorage, p);
      y = b.unary('relu', linear, 0);
      b.release(linear);
    }
    fused = b.maxPool2d(y, pp);
    b.release(y);
  }
  const shape = [pp.batch, pp.channels, pp.outH, pp.outW];
  const out = fromStorage(fused.out, shape, b);
  if (!needGrad || !fused.argmax) {
    if (fused.argmax) b.release(fused.argmax);
    return out;
  }
  const argmax = fromStorage(fused.argmax, shape, b);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(
    op,
    inputs,
    out,
    (gradOut) => {
      if (isFused && kernels) {
        const g = kernels.backward(gradOut.storage, out.storage, argmax.storage, x.storage, weight.storage, p, pp, {
          input: x.requiresGrad,
          weight: weight.requiresGrad,
          bias: bias?.requiresGrad === true,
        });
        const wrap = (s: Storage | null, like: Tensor) => (s ? fromStorage(s, like.shape, b) : null);
        return [wrap(g.input, x), wrap(g.weight, weight), ...(bias ? [wrap(g.bias, bias)] : [])];
      }
      // relu(winner) = pooled, so the ReLU passes the gradient where pooled > 0.
      const masked = b.unaryBackward('relu', gradOut.storage, out.storage, 0);
      const gradY = fromStorage(b.maxPool2dBackward(masked, argmax.storage, pp), [p.batch, p.outChannels, p.outH, p.outW], b);
      b.release(masked);
      return convBackward(gradY, x, weight, bias, p);
    },
    [x, weight, out, argmax],
  );
}
