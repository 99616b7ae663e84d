/** torch.nn.Linear: y = x W^T + b, W: [out, in]. */
import { linear } from '../ops/linear.ts';
import type { Tensor } from '../tensor.ts';
import { defaultWeightAndBias, type InitOptions } from './init.ts';
import { Module, requireParameter } from './module.ts';

export interface LinearOptions extends InitOptions {
  bias?: boolean;
}

export class Linear extends Module {
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    for (const [k, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`Linear: ${k} must be a non-negative integer, got ${v}`);
    }
    const { weight, bias } = defaultWeightAndBias([outFeatures, inFeatures], opts.bias ?? true, opts);
    this.registerParameter('weight', weight);
    this.registerParameter('bias', bias);
  }

  get weight(): Tensor {
    return requireParameter(this, 'weight');
  }
  get bias(): Tensor | null {
    return this.getParameter('bias');
  }

  override forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
