/**
 * Multinomial logistic regression trained with hypnograd itself: one Linear layer, cross-entropy
 * (optionally with balanced class weights), full-batch Adam with a learning rate decaying
 * linearly to zero, and sklearn's L2 penalty. sklearn's LogisticRegression minimises
 *   sum_i w_i CE_i + ||W||^2 / (2C)        (intercept not penalised)
 * which divided by S = sum_i w_i is hypnograd's weighted mean cross-entropy + ||W||^2 / (2 C S):
 * the same minimiser. C = Infinity drops the penalty. Weights start at zero, as sklearn's lbfgs.
 * It runs on the CPU backend (float64): a few thousand rows by ten features is no work for a GPU,
 * and reading the objective back stays synchronous.
 */
import { F, nn, noGrad, optim, tensor, tidy, type Tensor } from '../../engine/index.ts';
import { balancedClassWeights } from '../dataset/classWeights.ts';
import type { FeatureMatrix } from './bandPower.ts';
import { STAGES } from '../types.ts';

export interface LogisticRegressionOptions {
  nClasses?: number;
  /** Inverse regularisation strength, as sklearn (default 1; Infinity: none). */
  C?: number;
  classWeight?: 'balanced' | 'none';
  /** Full-batch optimisation steps (default 1000). */
  iterations?: number;
  /** Adam's initial learning rate (default 0.3), decayed linearly to 0 over the iterations. */
  lr?: number;
  /**
   * Called every `reportEvery` steps (and after the last) with the 1-based step, the objective
   * before that step's update, and a function that reads the current model.
   */
  onProgress?: (step: number, objective: number, current: () => FittedLogisticRegression) => void;
  reportEvery?: number;
}

export interface FittedLogisticRegression {
  /** [nClasses][nFeatures] row-major. */
  coef: Float64Array;
  intercept: Float64Array;
  nClasses: number;
  nFeatures: number;
  /** The penalised objective (per unit sample weight) after the last step. */
  objective: number;
  classWeights: Float64Array | null;
}

function checkLabels(y: ArrayLike<number>, n: number, nClasses: number): void {
  if (y.length !== n) throw new Error(`logistic regression: ${y.length} labels for ${n} rows`);
  for (let i = 0; i < y.length; i++) if (!(Number.isInteger(y[i]) && y[i] >= 0 && y[i] < nClasses)) throw new Error(`logistic regression: label ${y[i]} at row ${i} is outside 0..${nClasses - 1}`);
}

export function fitLogisticRegression(x: FeatureMatrix, y: ArrayLike<number>, opts: LogisticRegressionOptions = {}): FittedLogisticRegression {
  const nClasses = opts.nClasses ?? STAGES.length;
  const C = opts.C ?? 1;
  const iterations = opts.iterations ?? 1000;
  const lr0 = opts.lr ?? 0.3;
  const device = 'cpu';
  if (!(C > 0)) throw new Error(`logistic regression: C must be positive, got ${C}`);
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`logistic regression: iterations must be a positive integer, got ${iterations}`);
  if (x.nRows === 0) throw new Error('logistic regression: no training rows');
  checkLabels(y, x.nRows, nClasses);
  const classWeights = opts.classWeight === 'balanced' ? balancedClassWeights(y, nClasses) : null;
  let totalWeight = x.nRows;
  if (classWeights) {
    totalWeight = 0;
    for (let i = 0; i < y.length; i++) totalWeight += classWeights[y[i]];
  }
  const penalty = Number.isFinite(C) ? 1 / (2 * C * totalWeight) : 0;
  const layer = new nn.Linear(x.nFeatures, nClasses, { device });
  noGrad(() => {
    layer.weight.copy_(tensor(new Float64Array(nClasses * x.nFeatures), [nClasses, x.nFeatures], { device }));
    layer.bias!.copy_(tensor(new Float64Array(nClasses), [nClasses], { device }));
  });
  const opt = new optim.Adam(layer.parameters(), { lr: lr0 });
  const inputs = tensor(x.values, [x.nRows, x.nFeatures], { device });
  const targets = Int32Array.from(y);
  const weight = classWeights ? tensor(classWeights, [nClasses], { device }) : null;
  const objectiveOf = (): Tensor => {
    const ce = F.crossEntropy(layer.forward(inputs), targets, { weight });
    return penalty > 0 ? ce.add(layer.weight.square().sum().mul(penalty)) : ce;
  };
  const every = opts.reportEvery ?? 100;
  const current = (objective: number): FittedLogisticRegression => ({
    coef: Float64Array.from(layer.weight.dataSync()),
    intercept: Float64Array.from(layer.bias!.dataSync()),
    nClasses,
    nFeatures: x.nFeatures,
    objective,
    classWeights,
  });
  try {
    for (let step = 1; step <= iterations; step++) {
      opt.paramGroups[0].lr = lr0 * (1 - (step - 1) / iterations);
      opt.zeroGrad();
      const value = tidy(() => {
        const loss = objectiveOf();
        loss.backward();
        return opts.onProgress && (step % every === 0 || step === iterations) ? loss.dataSync()[0] : NaN;
      });
      opt.step();
      if (opts.onProgress && !Number.isNaN(value)) opts.onProgress(step, value, () => current(value));
    }
    return current(noGrad(() => tidy(() => objectiveOf().dataSync()[0])));
  } finally {
    opt.zeroGrad();
    inputs.dispose();
    weight?.dispose();
    for (const p of layer.parameters()) p.dispose();
  }
}

/** Class probabilities [nRows][nClasses] (softmax of x W^T + b), in float64 on the host. */
export function predictProba(model: FittedLogisticRegression, x: FeatureMatrix): Float64Array {
  if (x.nFeatures !== model.nFeatures) throw new Error(`predictProba: the model takes ${model.nFeatures} features, got ${x.nFeatures}`);
  const k = model.nClasses;
  const out = new Float64Array(x.nRows * k);
  const z = new Float64Array(k);
  for (let r = 0; r < x.nRows; r++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = model.intercept[c];
      for (let j = 0; j < x.nFeatures; j++) s += model.coef[c * x.nFeatures + j] * x.values[r * x.nFeatures + j];
      z[c] = s;
      max = Math.max(max, s);
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += (z[c] = Math.exp(z[c] - max));
    for (let c = 0; c < k; c++) out[r * k + c] = z[c] / sum;
  }
  return out;
}

/** The most probable class of each row (the first on ties). */
export function predict(model: FittedLogisticRegression, x: FeatureMatrix): Int32Array {
  const p = predictProba(model, x);
  const k = model.nClasses;
  return Int32Array.from({ length: x.nRows }, (_, r) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[r * k + c] > p[r * k + best]) best = c;
    return best;
  });
}

/** Weighted mean cross-entropy (no penalty) of the model on (x, y), as the trainer's losses. */
export function logLoss(model: FittedLogisticRegression, x: FeatureMatrix, y: ArrayLike<number>, classWeights: ArrayLike<number> | null = null): number {
  const p = predictProba(model, x);
  let s = 0;
  let w = 0;
  for (let r = 0; r < x.nRows; r++) {
    const wr = classWeights ? classWeights[y[r]] : 1;
    s -= wr * Math.log(p[r * model.nClasses + y[r]]);
    w += wr;
  }
  return s / w;
}
