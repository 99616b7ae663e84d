/** sklearn's StandardScaler on a feature matrix: population std (ddof 0); a constant feature keeps scale 1. */
import type { FeatureMatrix } from './bandPower.ts';

export interface StandardScaler {
  mean: Float64Array;
  scale: Float64Array;
}

export function fitStandardScaler(x: FeatureMatrix): StandardScaler {
  const { values, nRows, nFeatures } = x;
  if (nRows === 0) throw new Error('fitStandardScaler: no rows to fit');
  const mean = new Float64Array(nFeatures);
  const scale = new Float64Array(nFeatures);
  for (let r = 0; r < nRows; r++) for (let j = 0; j < nFeatures; j++) mean[j] += values[r * nFeatures + j];
  for (let j = 0; j < nFeatures; j++) mean[j] /= nRows;
  for (let r = 0; r < nRows; r++) for (let j = 0; j < nFeatures; j++) scale[j] += (values[r * nFeatures + j] - mean[j]) ** 2;
  for (let j = 0; j < nFeatures; j++) {
    const s = Math.sqrt(scale[j] / nRows);
    scale[j] = s > 0 ? s : 1;
  }
  return { mean, scale };
}

export function transformStandard(x: FeatureMatrix, s: StandardScaler): FeatureMatrix {
  if (s.mean.length !== x.nFeatures) throw new Error(`transformStandard: scaler has ${s.mean.length} features, the matrix ${x.nFeatures}`);
  const values = new Float64Array(x.values.length);
  for (let r = 0; r < x.nRows; r++) {
    for (let j = 0; j < x.nFeatures; j++) values[r * x.nFeatures + j] = (x.values[r * x.nFeatures + j] - s.mean[j]) / s.scale[j];
  }
  return { ...x, values };
}
