/**
 * Classification metrics as scikit-learn computes them, for the trainer's history and the
 * evaluation step: accuracy, balanced accuracy, Cohen's kappa, macro-F1, per-class
 * precision/recall/F1 and the confusion matrix (rows = true class, columns = predicted).
 */

export type ConfusionMatrix = number[][];

export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): ConfusionMatrix {
  if (yTrue.length !== yPred.length) throw new Error(`confusionMatrix: ${yTrue.length} labels but ${yPred.length} predictions`);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses)) throw new Error(`confusionMatrix: label ${t} or prediction ${p} at ${i} is outside 0..${numClasses - 1}`);
    m[t][p]++;
  }
  return m;
}

const rowSum = (m: ConfusionMatrix, i: number) => m[i].reduce((a, b) => a + b, 0);
const colSum = (m: ConfusionMatrix, j: number) => m.reduce((a, r) => a + r[j], 0);
const total = (m: ConfusionMatrix) => m.reduce((a, r) => a + r.reduce((x, y) => x + y, 0), 0);

export function accuracy(m: ConfusionMatrix): number {
  const n = total(m);
  return n === 0 ? 0 : m.reduce((a, r, i) => a + r[i], 0) / n;
}

/** Mean recall over the classes present in y_true (sklearn's balanced_accuracy_score). */
export function balancedAccuracy(m: ConfusionMatrix): number {
  let s = 0;
  let k = 0;
  for (let i = 0; i < m.length; i++) {
    const support = rowSum(m, i);
    if (support === 0) continue;
    s += m[i][i] / support;
    k++;
  }
  return k === 0 ? 0 : s / k;
}

/** Cohen's kappa: (p_o - p_e) / (1 - p_e). */
export function cohenKappa(m: ConfusionMatrix): number {
  const n = total(m);
  if (n === 0) return 0;
  const po = accuracy(m);
  let pe = 0;
  for (let i = 0; i < m.length; i++) pe += (rowSum(m, i) / n) * (colSum(m, i) / n);
  return pe === 1 ? 1 : (po - pe) / (1 - pe);
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Per-class scores; an undefined ratio (0/0) is 0, as sklearn's zero_division default warns and returns. */
export function perClassScores(m: ConfusionMatrix): ClassScores[] {
  return m.map((row, i) => {
    const tp = row[i];
    const support = rowSum(m, i);
    const predicted = colSum(m, i);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1, support };
  });
}

/** Unweighted mean F1 over the classes present in y_true or y_pred (sklearn's labels=None). */
export function macroF1(m: ConfusionMatrix): number {
  const scores = perClassScores(m);
  const present = scores.filter((_, i) => rowSum(m, i) > 0 || colSum(m, i) > 0);
  return present.length === 0 ? 0 : present.reduce((a, s) => a + s.f1, 0) / present.length;
}

export interface ClassificationReport {
  accuracy: number;
  balancedAccuracy: number;
  kappa: number;
  macroF1: number;
  perClass: ClassScores[];
  confusion: ConfusionMatrix;
}

export function classificationReport(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): ClassificationReport {
  const confusion = confusionMatrix(yTrue, yPred, numClasses);
  return {
    accuracy: accuracy(confusion),
    balancedAccuracy: balancedAccuracy(confusion),
    kappa: cohenKappa(confusion),
    macroF1: macroF1(confusion),
    perClass: perClassScores(confusion),
    confusion,
  };
}
