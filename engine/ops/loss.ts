/**
 * Loss functions with PyTorch's exact semantics, including class weights, ignore_index and
 * label smoothing. A weighted 'mean' divides by the sum of the weights of the counted targets,
 * not by their number, as torch.nn.functional.nll_loss does.
 */
import { record } from '../autograd.ts';
import { Tensor, fromStorage, tensor } from '../tensor.ts';
import { logSoftmax } from './softmax.ts';

export type Reduction = 'mean' | 'sum' | 'none';

/**
 * Class indices, one per sample. Host arrays (and CPU tensors) are checked and may hold
 * `ignoreIndex`; a tensor on a device that cannot be read synchronously is used as it is and
 * must hold valid class indices only.
 */
export type ClassTargets = Tensor | readonly number[] | Int32Array;

export interface NllLossOptions {
  /** Per-class weights, shape [C]. */
  weight?: Tensor | readonly number[] | null;
  reduction?: Reduction;
  /** Targets equal to this count for nothing, neither in the loss nor in the mean's divisor. */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** PyTorch's label_smoothing in [0, 1]: the target mixes (1 - eps) one-hot with eps uniform. */
  labelSmoothing?: number;
}

export interface MseLossOptions {
  reduction?: Reduction;
}

const reductions: readonly Reduction[] = ['mean', 'sum', 'none'];

function checkReduction(op: string, r: Reduction): void {
  if (!reductions.includes(r)) throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got '${r}'`);
}

interface ResolvedTargets {
  /** Class indices as floats, ignored targets replaced by 0 so every kernel reads in bounds. */
  index: Tensor;
  /** Per-sample weight: weight[target] (or 1), and 0 where the target is ignored. [N] */
  sampleWeight: Tensor;
  /** 1 where the target counts, 0 where ignored. [N] */
  valid: Tensor;
}

function resolveWeight(op: string, weight: Tensor | readonly number[], c: number, like: Tensor): Tensor {
  const w = weight instanceof Tensor ? weight : tensor(Float64Array.from(weight), [weight.length], { device: like.device });
  if (w.ndim !== 1 || w.shape[0] !== c) throw new Error(`${op}: weight must have one value per class ([${c}]), got [${w.shape}]`);
  if (w.device !== like.device) throw new Error(`${op}: weight is on ${w.device}, input on ${like.device}`);
  return w;
}

function resolveTargets(op: string, target: ClassTargets, n: number, c: number, ignoreIndex: number, weight: Tensor | null, like: Tensor): ResolvedTargets {
  const device = like.device;
  const be = like.backend;
  let host: ArrayLike<number> | null;
  if (target instanceof Tensor) {
    if (target.ndim !== 1 || target.shape[0] !== n) throw new Error(`${op}: target must be [${n}] (one class per sample), got [${target.shape}]`);
    host = target.backend.readSync ? target.backend.readSync(target.storage) : null;
  } else {
    if (target.length !== n) throw new Error(`${op}: target has ${target.length} entries for ${n} samples`);
    host = target;
  }
  let index: Tensor;
  let valid: Tensor;
  if (host) {
    const idx = new Float64Array(n);
    const keep = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = host[i];
      if (t === ignoreIndex) continue;
      if (!Number.isInteger(t) || t < 0 || t >= c) throw new Error(`${op}: target[${i}] = ${t} is not a class index in [0, ${c}) nor ignoreIndex ${ignoreIndex}`);
      idx[i] = t;
      keep[i] = 1;
    }
    index = tensor(idx, [n], { device });
    valid = tensor(keep, [n], { device });
  } else {
    index = (target as Tensor).detach();
    valid = tensor(new Float64Array(n).fill(1), [n], { device });
  }
  const sampleWeight = weight ? fromStorage(be.indexSelect(weight.storage, index.storage), [n], be).mul(valid) : valid;
  return { index, sampleWeight, valid };
}

/** out[i] = x[i, index[i]] for x [N, C]. */
function pickClass(x: Tensor, index: Tensor): Tensor {
  const [n, c] = x.shape;
  const be = x.backend;
  const out = fromStorage(be.gatherClass(x.storage, index.storage, n, c), [n], be);
  // The picked entry receives the gradient; every other class gets 0.
  return record('pickClass', [x], out, (g) => [fromStorage(be.scatterClass(g.storage, index.storage, n, c), x.shape, be)], [index]);
}

function reduce(losses: Tensor, sampleWeight: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return losses;
  if (reduction === 'sum') return losses.sum();
  // Divided by the total weight of the counted targets (NaN when every target is ignored, as PyTorch).
  return losses.sum().div(sampleWeight.sum());
}

function checkLogits(op: string, x: Tensor): void {
  if (x.ndim !== 2) throw new Error(`${op}: input must be [N, C], got [${x.shape}]`);
}

/** torch.nn.functional.nll_loss on log-probabilities [N, C]. */
export function nllLoss(logProbs: Tensor, target: ClassTargets, opts: NllLossOptions = {}): Tensor {
  const reduction = opts.reduction ?? 'mean';
  checkReduction('nllLoss', reduction);
  checkLogits('nllLoss', logProbs);
  const [n, c] = logProbs.shape;
  const weight = opts.weight ? resolveWeight('nllLoss', opts.weight, c, logProbs) : null;
  const t = resolveTargets('nllLoss', target, n, c, opts.ignoreIndex ?? -100, weight, logProbs);
  const losses = pickClass(logProbs, t.index).mul(t.sampleWeight).neg();
  return reduce(losses, t.sampleWeight, reduction);
}

/**
 * torch.nn.functional.cross_entropy on logits [N, C]: nll_loss(log_softmax(x)), and with label
 * smoothing eps (aten's cross_entropy_loss_label_smoothing)
 *   (1 - eps) * nll + eps / C * smooth,  smooth_i = -sum_c w_c log p_ic  (0 where ignored),
 * where smooth is reduced like nll: its 'mean' also divides by the sum of w[target].
 */
export function crossEntropy(logits: Tensor, target: ClassTargets, opts: CrossEntropyOptions = {}): Tensor {
  const reduction = opts.reduction ?? 'mean';
  const eps = opts.labelSmoothing ?? 0;
  checkReduction('crossEntropy', reduction);
  checkLogits('crossEntropy', logits);
  if (!(eps >= 0 && eps <= 1)) throw new Error(`crossEntropy: labelSmoothing must be in [0, 1], got ${eps}`);
  const [n, c] = logits.shape;
  const weight = opts.weight ? resolveWeight('crossEntropy', opts.weight, c, logits) : null;
  const t = resolveTargets('crossEntropy', target, n, c, opts.ignoreIndex ?? -100, weight, logits);
  const logProbs = logSoftmax(logits, 1);
  const nll = reduce(pickClass(logProbs, t.index).mul(t.sampleWeight).neg(), t.sampleWeight, reduction);
  if (eps === 0) return nll;
  const weighted = weight ? logProbs.mul(weight.reshape([1, c])) : logProbs;
  const smooth = reduce(weighted.sum(1).neg().mul(t.valid), t.sampleWeight, reduction);
  return nll.mul(1 - eps).add(smooth.mul(eps / c));
}

/** torch.nn.functional.mse_loss: (input - target)^2, reduced. */
export function mseLoss(input: Tensor, target: Tensor, opts: MseLossOptions = {}): Tensor {
  const reduction = opts.reduction ?? 'mean';
  checkReduction('mseLoss', reduction);
  const sq = input.sub(target).square();
  return reduction === 'none' ? sq : reduction === 'sum' ? sq.sum() : sq.mean();
}
