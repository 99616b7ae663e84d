import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Generator } from '../../engine/index.ts';
import { fitLogisticRegression, fitStandardScaler, logLoss, predict, predictProba, transformStandard, type FeatureMatrix } from '../../sleep/baseline/index.ts';

interface LogregCase {
  name: string;
  C: number;
  classWeight: 'balanced' | null;
  X: number[][];
  y: number[];
  scalerMean: number[];
  scalerScale: number[];
  coef: number[][];
  intercept: number[];
  proba: number[][];
  predictions: number[];
  objective: number;
}

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/sklearn/logreg.json', import.meta.url)), 'utf8')) as { cases: LogregCase[] };

const matrix = (rows: number[][]): FeatureMatrix => ({ values: Float64Array.from(rows.flat()), nRows: rows.length, nFeatures: rows[0].length, names: rows[0].map((_, j) => `f${j}`) });

/** Softmax coefficients are defined up to a shift shared by all classes: compare them centred over classes. */
function centred(coef: ArrayLike<number>, k: number, d: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let cc = 0; cc < k; cc++) m += coef[cc * d + j] / k;
      out.push(coef[c * d + j] - m);
    }
  }
  return out;
}

describe('logistic regression vs scikit-learn', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: scaler, objective, probabilities${c.C < 100 ? ', coefficients' : ''} and predictions`, () => {
      const x = matrix(c.X);
      const scaler = fitStandardScaler(x);
      c.scalerMean.forEach((m, j) => expect(scaler.mean[j]).toBeCloseTo(m, 12));
      c.scalerScale.forEach((s, j) => expect(scaler.scale[j]).toBeCloseTo(s, 12));
      const xs = transformStandard(x, scaler);
      const model = fitLogisticRegression(xs, c.y, { nClasses: 3, C: c.C, classWeight: c.classWeight ?? 'none', iterations: 3000, lr: c.C < 100 ? 0.3 : 1 });
      // Our objective can only be >= sklearn's optimum, and is within a hair of it.
      expect(model.objective).toBeGreaterThan(c.objective - 1e-9);
      expect(model.objective - c.objective).toBeLessThan(c.C < 100 ? 1e-12 : 1e-4);
      const p = predictProba(model, xs);
      const pMax = Math.max(...c.proba.flat().map((v, i) => Math.abs(v - p[i])));
      expect(pMax).toBeLessThan(c.C < 100 ? 1e-6 : 1e-2);
      expect([...predict(model, xs)]).toEqual(c.predictions);
      if (c.C < 100) {
        const ours = centred(model.coef, 3, 4);
        const theirs = centred(c.coef.flat(), 3, 4);
        ours.forEach((v, i) => expect(v).toBeCloseTo(theirs[i], 6));
        const b = centred(model.intercept, 3, 1);
        centred(c.intercept, 3, 1).forEach((v, i) => expect(b[i]).toBeCloseTo(v, 6));
      }
      const plainLoss = logLoss(model, xs, c.y, model.classWeights);
      expect(plainLoss).toBeLessThan(model.objective + 1e-12);
    });
  }

  it('separates a separable problem perfectly', () => {
    const g = new Generator(1);
    const rows: number[][] = [];
    const y: number[] = [];
    const centres = [[-4, 0], [4, 0], [0, 5]];
    for (let i = 0; i < 90; i++) {
      const k = i % 3;
      rows.push([centres[k][0] + g.uniform(-1, 1), centres[k][1] + g.uniform(-1, 1)]);
      y.push(k);
    }
    const model = fitLogisticRegression(matrix(rows), y, { nClasses: 3, C: Infinity, iterations: 300 });
    expect([...predict(model, matrix(rows))]).toEqual(y);
    expect(model.objective).toBeLessThan(0.02);
  });

  it('refuses bad labels and options with clear errors', () => {
    const x = matrix([[0], [1]]);
    expect(() => fitLogisticRegression(x, [0, 7], { nClasses: 3 })).toThrow(/label 7 at row 1 is outside 0..2/);
    expect(() => fitLogisticRegression(x, [0], { nClasses: 3 })).toThrow(/1 labels for 2 rows/);
    expect(() => fitLogisticRegression(x, [0, 1], { C: 0 })).toThrow(/C must be positive/);
  });
});
