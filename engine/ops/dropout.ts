/**
 * Inverted dropout (torch.nn.functional.dropout): in training, each element is zeroed with
 * probability p and the survivors scaled by 1/(1-p), so the expected value is unchanged and
 * evaluation needs no rescaling. The mask comes from a counter-based hash of one seed drawn
 * from the generator, so CPU and WebGPU draw the same mask for the same seed.
 */
import { record } from '../autograd.ts';
import { defaultGenerator, type Generator } from '../random.ts';
import { stridesOf } from '../shape.ts';
import { Tensor, fromStorage } from '../tensor.ts';

export interface DropoutOptions {
  generator?: Generator;
}

export function dropout(x: Tensor, p = 0.5, training = true, opts: DropoutOptions = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout: probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return x;
  const seed = (opts.generator ?? defaultGenerator()).nextUint32();
  const be = x.backend;
  const mask = fromStorage(p === 1 ? be.alloc(x.size) : be.dropoutMask(x.size, p, seed), x.shape, be);
  const strides = stridesOf(x.shape);
  const out = fromStorage(be.binary('mul', x.storage, strides, mask.storage, strides, x.shape), x.shape, be);
  // d(x * mask)/dx = mask
  return record('dropout', [x], out, (g) => [g.mul(mask)], [mask]);
}
