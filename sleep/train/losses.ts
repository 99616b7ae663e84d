/**
 * Training losses on logits [N, C] and class-index targets, built from engine ops so autograd
 * differentiates them (no kernel of their own).
 *
 * Focal loss (Lin et al. 2017) with class weights w:
 *   FL_i = -(1 - p_t)^gamma * w_t * log p_t,   p_t = softmax(x_i)[y_i], w_t = w[y_i]
 * reduced as PyTorch's weighted nll_loss: 'mean' divides by sum_i w_t, so gamma = 0 gives
 * exactly the weighted cross-entropy.
 */
import { F, Tensor, tensor } from '../../engine/index.ts';
import type { LossConfig } from './config.ts';

export type Targets = Tensor | readonly number[] | Int32Array;
export type LossFn = (logits: Tensor, targets: Targets) => Tensor;

export interface FocalLossOptions {
  gamma?: number;
  weight?: readonly number[] | Float64Array | null;
  reduction?: 'mean' | 'sum' | 'none';
}

function hostTargets(op: string, targets: Targets, n: number, c: number): ArrayLike<number> {
  let host: ArrayLike<number>;
  if (targets instanceof Tensor) {
    if (!targets.backend.readSync) throw new Error(`${op}: targets must be on the host or the CPU (a [${n}] class-index array)`);
    host = targets.dataSync();
  } else host = targets;
  if (host.length !== n) throw new Error(`${op}: ${host.length} targets for ${n} samples`);
  for (let i = 0; i < n; i++) {
    const t = host[i];
    if (!Number.isInteger(t) || t < 0 || t >= c) throw new Error(`${op}: target[${i}] = ${t} is not a class index in [0, ${c})`);
  }
  return host;
}

export function focalLoss(logits: Tensor, targets: Targets, opts: FocalLossOptions = {}): Tensor {
  const gamma = opts.gamma ?? 2;
  const reduction = opts.reduction ?? 'mean';
  if (logits.ndim !== 2) throw new Error(`focalLoss: logits must be [N, C], got [${logits.shape}]`);
  if (!(gamma >= 0)) throw new Error(`focalLoss: gamma must be >= 0, got ${gamma}`);
  const [n, c] = logits.shape;
  if (opts.weight && opts.weight.length !== c) throw new Error(`focalLoss: weight must have one value per class (${c}), got ${opts.weight.length}`);
  const y = hostTargets('focalLoss', targets, n, c);
  // Constant one-hot rows and per-sample weights, built on the host and uploaded once.
  const oneHot = new Float64Array(n * c);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    oneHot[i * c + y[i]] = 1;
    w[i] = opts.weight ? opts.weight[y[i]] : 1;
  }
  const device = logits.device;
  const logPt = F.logSoftmax(logits, 1).mul(tensor(oneHot, [n, c], { device })).sum(1);
  const wt = tensor(w, [n], { device });
  // (1 - p_t)^0 is 1 everywhere: skip the factor so gamma = 0 is cross-entropy to the last bit.
  const modulated = gamma === 0 ? logPt : logPt.mul(F.pow(logPt.exp().neg().add(1), gamma));
  const losses = modulated.mul(wt).neg();
  if (reduction === 'none') return losses;
  if (reduction === 'sum') return losses.sum();
  return losses.sum().div(wt.sum());
}

/** The loss a config asks for, with the class weights already chosen (null = unweighted). */
export function makeLoss(config: LossConfig, classWeights: Float64Array | null): LossFn {
  const weight = config.classWeights === 'balanced' ? classWeights : null;
  if (config.classWeights === 'balanced' && !classWeights) throw new Error('makeLoss: balanced class weights were asked for but none were given');
  const weightList = weight ? Array.from(weight) : null;
  if (config.name === 'focal') return (logits, y) => focalLoss(logits, y, { gamma: config.gamma, weight: weightList });
  return (logits, y) => F.crossEntropy(logits, y as Tensor | readonly number[] | Int32Array, { weight: weightList, labelSmoothing: config.labelSmoothing });
}
