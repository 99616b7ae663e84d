/** Parameter-free layers: activations, dropout, reshaping, identity. */
import { elu, relu } from '../ops/activation.ts';
import { dropout } from '../ops/dropout.ts';
import { flatten } from '../ops/view.ts';
import type { Generator } from '../random.ts';
import type { Tensor } from '../tensor.ts';
import { Module } from './module.ts';

export class ReLU extends Module {
  override forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** Zeroes elements with probability p in train mode (scaling the rest by 1/(1-p)); the identity in eval mode. */
export class Dropout extends Module {
  constructor(
    readonly p = 0.5,
    readonly opts: { generator?: Generator } = {},
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout: probability has to be between 0 and 1, but got ${p}`);
  }
  override forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.opts);
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

export class Identity extends Module {
  override forward(x: Tensor): Tensor {
    return x;
  }
}
