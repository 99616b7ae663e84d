/** torch.nn.Conv2d and Conv1d (cross-correlation; weight [out, in / groups, ...kernel]). */
import { conv1d, conv2d, type Conv1dOptions, type Conv2dOptions } from '../ops/conv.ts';
import { pair, type Size2 } from '../ops/spatial.ts';
import type { Tensor } from '../tensor.ts';
import { defaultWeightAndBias, type InitOptions } from './init.ts';
import { Module, requireParameter } from './module.ts';

export interface ConvLayerOptions extends InitOptions {
  bias?: boolean;
}

function checkChannels(layer: string, inChannels: number, outChannels: number, groups: number): void {
  for (const [k, v] of [['inChannels', inChannels], ['outChannels', outChannels], ['groups', groups]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${layer}: ${k} must be a positive integer, got ${v}`);
  }
  if (inChannels % groups !== 0) throw new Error(`${layer}: inChannels (${inChannels}) must be divisible by groups (${groups})`);
  if (outChannels % groups !== 0) throw new Error(`${layer}: outChannels (${outChannels}) must be divisible by groups (${groups})`);
}

abstract class ConvNd extends Module {
  get weight(): Tensor {
    return requireParameter(this, 'weight');
  }
  get bias(): Tensor | null {
    return this.getParameter('bias');
  }
}

export class Conv2d extends ConvNd {
  readonly kernelSize: [number, number];
  readonly conv: Conv2dOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size2,
    opts: Conv2dOptions & ConvLayerOptions = {},
  ) {
    super();
    const groups = opts.groups ?? 1;
    checkChannels('Conv2d', inChannels, outChannels, groups);
    this.kernelSize = pair('Conv2d', 'kernelSize', kernelSize, 1);
    this.conv = { stride: opts.stride ?? 1, padding: opts.padding ?? 0, dilation: opts.dilation ?? 1, groups };
    const { weight, bias } = defaultWeightAndBias([outChannels, inChannels / groups, ...this.kernelSize], opts.bias ?? true, opts);
    this.registerParameter('weight', weight);
    this.registerParameter('bias', bias);
  }

  override forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.conv);
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}], ${JSON.stringify(this.conv)}`;
  }
}

export class Conv1d extends ConvNd {
  readonly kernelSize: number;
  readonly conv: Conv1dOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly [number],
    opts: Conv1dOptions & ConvLayerOptions = {},
  ) {
    super();
    const groups = opts.groups ?? 1;
    checkChannels('Conv1d', inChannels, outChannels, groups);
    const k = typeof kernelSize === 'number' ? kernelSize : kernelSize[0];
    if (!Number.isInteger(k) || k < 1) throw new Error(`Conv1d: kernelSize must be a positive integer, got ${JSON.stringify(kernelSize)}`);
    this.kernelSize = k;
    this.conv = { stride: opts.stride ?? 1, padding: opts.padding ?? 0, dilation: opts.dilation ?? 1, groups };
    const { weight, bias } = defaultWeightAndBias([outChannels, inChannels / groups, k], opts.bias ?? true, opts);
    this.registerParameter('weight', weight);
    this.registerParameter('bias', bias);
  }

  override forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, this.conv);
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}, ${JSON.stringify(this.conv)}`;
  }
}
