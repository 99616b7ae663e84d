/** torch.nn.MaxPool2d / AvgPool2d / MaxPool1d. */
import { avgPool2d, maxPool1d, maxPool2d, type AvgPool2dOptions, type Pool1dOptions, type Pool2dOptions } from '../ops/pool.ts';
import type { Size2 } from '../ops/spatial.ts';
import type { Tensor } from '../tensor.ts';
import { Module } from './module.ts';

export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: Size2,
    readonly opts: Pool2dOptions = {},
  ) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.opts);
  }
  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}, ${JSON.stringify(this.opts)}`;
  }
}

export class MaxPool1d extends Module {
  constructor(
    readonly kernelSize: number,
    readonly opts: Pool1dOptions = {},
  ) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return maxPool1d(x, this.kernelSize, this.opts);
  }
  override extraRepr(): string {
    return `kernelSize=${this.kernelSize}, ${JSON.stringify(this.opts)}`;
  }
}

export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: Size2,
    readonly opts: AvgPool2dOptions = {},
  ) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.opts);
  }
  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}, ${JSON.stringify(this.opts)}`;
  }
}
