/**
 * torch.nn.BatchNorm2d. In train mode each channel is normalised with its batch mean and biased
 * variance, and the running statistics move towards the batch's (the variance unbiased, n/(n-1)),
 * as PyTorch does; in eval mode the running statistics normalise. Composed from elementwise ops
 * and reductions, so autograd differentiates through the batch statistics.
 */
import { noGrad } from '../autograd.ts';
import { Tensor, ones, tensor, tidy, zeros } from '../tensor.ts';
import type { InitOptions } from './init.ts';
import { Module } from './module.ts';

export interface BatchNormOptions extends Pick<InitOptions, 'device'> {
  eps?: number;
  /** Weight of the new batch in the running averages; null: a cumulative average over all batches. */
  momentum?: number | null;
  /** Learnable per-channel scale (weight, ones) and shift (bias, zeros). */
  affine?: boolean;
  /** Keep running_mean / running_var / num_batches_tracked; without them eval mode uses batch statistics too. */
  trackRunningStats?: boolean;
}

export class BatchNorm2d extends Module {
  readonly eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(
    readonly numFeatures: number,
    opts: BatchNormOptions = {},
  ) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new Error(`BatchNorm2d: numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const device = opts.device;
    this.registerParameter('weight', this.affine ? ones([numFeatures], { device }) : null);
    this.registerParameter('bias', this.affine ? zeros([numFeatures], { device }) : null);
    this.registerBuffer('running_mean', this.trackRunningStats ? zeros([numFeatures], { device }) : null);
    this.registerBuffer('running_var', this.trackRunningStats ? ones([numFeatures], { device }) : null);
    this.registerBuffer('num_batches_tracked', this.trackRunningStats ? tensor(0, [], { device }) : null);
  }

  get weight(): Tensor | null {
    return this.getParameter('weight');
  }
  get bias(): Tensor | null {
    return this.getParameter('bias');
  }
  get runningMean(): Tensor | null {
    return this.getBuffer('running_mean');
  }
  get runningVar(): Tensor | null {
    return this.getBuffer('running_var');
  }
  get numBatchesTracked(): Tensor | null {
    return this.getBuffer('num_batches_tracked');
  }

  override forward(x: Tensor): Tensor {
    if (x.ndim !== 4) throw new Error(`BatchNorm2d: expected 4D input [N, C, H, W], got [${x.shape}]`);
    const c = this.numFeatures;
    if (x.shape[1] !== c) throw new Error(`BatchNorm2d: input has ${x.shape[1]} channels, the layer ${c}`);
    const perChannel = [1, c, 1, 1];
    const rm = this.runningMean;
    const rv = this.runningVar;
    const useBatchStats = this.training || !rm || !rv;
    let y: Tensor;
    if (useBatchStats) {
      const count = x.shape[0] * x.shape[2] * x.shape[3];
      if (this.training && count <= 1) throw new Error(`BatchNorm2d: expected more than 1 value per channel when training, got input of shape [${x.shape}]`);
      const mean = x.mean([0, 2, 3], true);
      const centered = x.sub(mean);
      const variance = centered.square().mean([0, 2, 3], true);
      y = centered.div(variance.add(this.eps).sqrt());
      if (this.training && rm && rv) this.updateRunningStats(mean, variance, count, rm, rv);
    } else {
      y = x.sub(rm.reshape(perChannel)).div(rv.reshape(perChannel).add(this.eps).sqrt());
    }
    const w = this.weight;
    const b = this.bias;
    if (w) y = y.mul(w.reshape(perChannel));
    if (b) y = y.add(b.reshape(perChannel));
    return y;
  }

  private updateRunningStats(mean: Tensor, variance: Tensor, count: number, rm: Tensor, rv: Tensor): void {
    const c = this.numFeatures;
    const nbt = this.numBatchesTracked!;
    noGrad(() =>
      tidy(() => {
        nbt.copy_(nbt.add(1));
        // momentum null: cumulative average, factor 1 / num_batches_tracked (kept on the device).
        const factor: Tensor | number = this.momentum === null ? nbt.reciprocal() : this.momentum;
        const keepOld = typeof factor === 'number' ? 1 - factor : factor.neg().add(1);
        const unbiased = variance.reshape([c]).mul(count / Math.max(count - 1, 1));
        rm.copy_(rm.mul(keepOld).add(mean.reshape([c]).mul(factor)));
        rv.copy_(rv.mul(keepOld).add(unbiased.mul(factor)));
      }),
    );
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}
