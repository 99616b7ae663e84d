/**
 * Weight initialisation with PyTorch's distributions (torch.nn.init), drawn from the seeded
 * generator. Values are drawn on the host and uploaded, so every device gets the same weights
 * for the same seed.
 */
import type { DeviceName } from '../backend.ts';
import { defaultGenerator, type Generator } from '../random.ts';
import { sizeOf, type Shape } from '../shape.ts';
import { Tensor, tensor } from '../tensor.ts';

export interface InitOptions {
  device?: DeviceName;
  generator?: Generator;
}

/** fan_in and fan_out of a weight as torch computes them: [out, in, ...kernel]. */
export function fans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new Error(`fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape [${shape}])`);
  const receptive = sizeOf(shape.slice(2));
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/** torch.nn.init.calculate_gain for leaky_relu with negative slope `a`. */
export function leakyReluGain(a: number): number {
  return Math.sqrt(2 / (1 + a * a));
}

/** U(low, high) values of `shape`. */
export function uniform(shape: Shape, low: number, high: number, opts: InitOptions = {}): Tensor {
  const g = opts.generator ?? defaultGenerator();
  const v = new Float64Array(sizeOf(shape));
  for (let i = 0; i < v.length; i++) v[i] = g.uniform(low, high);
  return tensor(v, shape, { device: opts.device });
}

/** kaiming_uniform_(mode='fan_in', nonlinearity='leaky_relu'): U(-b, b), b = sqrt(3) * gain / sqrt(fan_in). */
export function kaimingUniform(shape: Shape, a: number, opts: InitOptions = {}): Tensor {
  const { fanIn } = fans(shape);
  const std = leakyReluGain(a) / Math.sqrt(fanIn);
  const bound = Math.sqrt(3) * std;
  return uniform(shape, -bound, bound, opts);
}

/**
 * The default weight and bias of Linear and Conv (their reset_parameters): weight
 * kaiming_uniform_(a = sqrt(5)), bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)); weight drawn first.
 */
export function defaultWeightAndBias(weightShape: Shape, withBias: boolean, opts: InitOptions = {}): { weight: Tensor; bias: Tensor | null } {
  const weight = kaimingUniform(weightShape, Math.sqrt(5), opts);
  if (!withBias) return { weight, bias: null };
  const { fanIn } = fans(weightShape);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return { weight, bias: uniform([weightShape[0]], -bound, bound, opts) };
}
