/**
 * scikit-learn's compute_class_weight('balanced', classes=0..nClasses-1, y):
 * weight_k = n_samples / (n_classes * count_k).
 */
import { STAGES } from '../types.ts';

export function balancedClassWeights(labels: ArrayLike<number> | readonly ArrayLike<number>[], nClasses: number = STAGES.length): Float64Array {
  const counts = new Float64Array(nClasses);
  let n = 0;
  const add = (y: ArrayLike<number>) => {
    for (let i = 0; i < y.length; i++) {
      const k = y[i];
      if (!(Number.isInteger(k) && k >= 0 && k < nClasses)) throw new Error(`balancedClassWeights: label ${k} is outside 0..${nClasses - 1}`);
      counts[k]++;
      n++;
    }
  };
  // One label array, or one per recording (summed, without concatenating them).
  const isList = labels.length > 0 && typeof labels[0] === 'object';
  if (isList) for (const y of labels as readonly ArrayLike<number>[]) add(y);
  else add(labels as ArrayLike<number>);
  const missing = [...counts.keys()].filter((k) => counts[k] === 0);
  if (missing.length) throw new Error(`balancedClassWeights: class(es) ${missing.join(', ')} have no training windows`);
  return Float64Array.from(counts, (c) => n / (nClasses * c));
}
