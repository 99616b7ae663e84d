/**
 * Per-layer gradient norms and update/weight ratios over training, the learner's view of how
 * each layer learns: call `afterBackward()` once the gradients are in (it reads them and keeps a
 * copy of the weights) and `afterStep()` once the optimizer has stepped (it measures how far each
 * tensor moved). ratio = ||w_after - w_before|| / ||w_before|| (Frobenius norms, the weights
 * before the step in the denominator); around 1e-3 is the usual rule of thumb for a healthy rate.
 *
 * Reads go through `await tensor.data()`, so this works on every backend (on WebGPU each read is
 * a round trip: sample with `every` rather than tracking every step of a long run).
 */
import type { Tensor, nn } from '../../engine/index.ts';

export interface TensorStats {
  /** State-dict name, e.g. 'feature_extractor.0.weight'. */
  name: string;
  /** The module path it belongs to, e.g. 'feature_extractor.0'. */
  layer: string;
  numel: number;
  /** ||w|| before the step. */
  weightNorm: number;
  /** ||grad||; 0 when the tensor got no gradient. */
  gradNorm: number;
  /** ||w_after - w_before||. */
  updateNorm: number;
  /** updateNorm / weightNorm; null when weightNorm is 0 (a zero-initialised bias before its first step). */
  ratio: number | null;
}

export type LayerStats = Omit<TensorStats, 'name' | 'layer'> & { layer: string };

export interface StepStats {
  /** 1-based count of afterBackward calls (sampled or not). */
  step: number;
  tensors: TensorStats[];
  /** The tensors of each layer taken together (norms over all their elements). */
  layers: LayerStats[];
}

export interface GradientTrackerOptions {
  /** Measure every n-th step only (default 1). */
  every?: number;
}

interface Pending {
  step: number;
  before: Float64Array[];
  gradNorms: number[];
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

export class GradientTracker {
  readonly history: StepStats[] = [];
  private readonly named: [string, Tensor][];
  private readonly every: number;
  private steps = 0;
  private pending: Pending | null = null;

  constructor(params: nn.Module | Iterable<[string, Tensor]>, opts: GradientTrackerOptions = {}) {
    this.named = 'namedParameters' in params ? params.namedParameters() : [...params];
    if (this.named.length === 0) throw new Error('GradientTracker: no parameters to track');
    this.every = opts.every ?? 1;
    if (!Number.isInteger(this.every) || this.every < 1) throw new Error(`GradientTracker: every must be a positive integer, got ${opts.every}`);
  }

  /** After loss.backward(), before optimizer.step(). Returns whether this step is measured. */
  async afterBackward(): Promise<boolean> {
    this.steps++;
    if (this.pending) throw new Error(`GradientTracker: afterBackward() called twice without afterStep() (step ${this.steps})`);
    if ((this.steps - 1) % this.every !== 0) return false;
    const before = await Promise.all(this.named.map(([, p]) => p.data()));
    const gradNorms = await Promise.all(this.named.map(async ([, p]) => (p.grad ? norm(await p.grad.data()) : 0)));
    this.pending = { step: this.steps, before, gradNorms };
    return true;
  }

  /** After optimizer.step(). Returns this step's statistics, or null when the step was not sampled. */
  async afterStep(): Promise<StepStats | null> {
    const pending = this.pending;
    if (!pending) return null;
    this.pending = null;
    const after = await Promise.all(this.named.map(([, p]) => p.data()));
    const layerSums = new Map<string, { numel: number; w: number; g: number; u: number }>();
    const tensors = this.named.map(([name, p], i): TensorStats => {
      const w0 = pending.before[i];
      const w1 = after[i];
      let u = 0;
      for (let j = 0; j < w0.length; j++) u += (w1[j] - w0[j]) ** 2;
      const weightNorm = norm(w0);
      const updateNorm = Math.sqrt(u);
      const layer = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '';
      const acc = layerSums.get(layer) ?? { numel: 0, w: 0, g: 0, u: 0 };
      acc.numel += p.size;
      acc.w += weightNorm ** 2;
      acc.g += pending.gradNorms[i] ** 2;
      acc.u += u;
      layerSums.set(layer, acc);
      return { name, layer, numel: p.size, weightNorm, gradNorm: pending.gradNorms[i], updateNorm, ratio: weightNorm > 0 ? updateNorm / weightNorm : null };
    });
    const layers = [...layerSums].map(([layer, s]): LayerStats => {
      const weightNorm = Math.sqrt(s.w);
      const updateNorm = Math.sqrt(s.u);
      return { layer, numel: s.numel, weightNorm, gradNorm: Math.sqrt(s.g), updateNorm, ratio: weightNorm > 0 ? updateNorm / weightNorm : null };
    });
    const stats = { step: pending.step, tensors, layers };
    this.history.push(stats);
    return stats;
  }

  /** One layer's (or tensor's) field over the recorded steps, for a curve. */
  series(layerOrTensor: string, field: 'weightNorm' | 'gradNorm' | 'updateNorm' | 'ratio'): { steps: number[]; values: (number | null)[] } {
    const steps: number[] = [];
    const values: (number | null)[] = [];
    for (const s of this.history) {
      const row = s.layers.find((l) => l.layer === layerOrTensor) ?? s.tensors.find((t) => t.name === layerOrTensor);
      if (!row) continue;
      steps.push(s.step);
      values.push(row[field]);
    }
    if (steps.length === 0 && this.history.length > 0) {
      throw new Error(`GradientTracker.series: no layer or tensor '${layerOrTensor}' (layers: ${this.history[0].layers.map((l) => l.layer).join(', ')})`);
    }
    return { steps, values };
  }
}
