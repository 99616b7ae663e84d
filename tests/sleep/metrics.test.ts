import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/sklearn/metrics.json';
import { classificationReport, confusionMatrix } from '../../sleep/train/metrics.ts';

interface MetricsCase {
  name: string;
  yTrue: number[];
  yPred: number[];
  accuracy: number;
  balancedAccuracy: number;
  kappa: number;
  macroF1: number;
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  confusion: number[][];
}

describe('metrics against scikit-learn', () => {
  for (const c of fixture.cases as MetricsCase[]) {
    it(c.name, () => {
      const r = classificationReport(c.yTrue, c.yPred, 5);
      expect(r.confusion).toEqual(c.confusion);
      expect(r.accuracy).toBeCloseTo(c.accuracy, 12);
      expect(r.balancedAccuracy).toBeCloseTo(c.balancedAccuracy, 12);
      expect(r.kappa).toBeCloseTo(c.kappa, 12);
      expect(r.macroF1).toBeCloseTo(c.macroF1, 12);
      r.perClass.forEach((s, i) => {
        expect(s.precision).toBeCloseTo(c.precision[i], 12);
        expect(s.recall).toBeCloseTo(c.recall[i], 12);
        expect(s.f1).toBeCloseTo(c.f1[i], 12);
        expect(s.support).toBe(c.support[i]);
      });
    });
  }

  it('rejects labels outside the classes', () => {
    expect(() => confusionMatrix([0, 5], [0, 1], 5)).toThrow(/label 5/);
    expect(() => confusionMatrix([0], [0, 1], 5)).toThrow(/1 labels but 2 predictions/);
  });
});
