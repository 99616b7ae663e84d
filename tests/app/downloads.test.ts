/** The predictions CSV the Evaluation step offers, checked line by line against hand-made predictions. */
import { describe, expect, it } from 'vitest';
import { predictionsCsv } from '../../app/steps/evaluation/downloads.ts';
import type { EvaluationResult } from '../../app/training/protocol.ts';

function result(): EvaluationResult {
  const rec = (file: string, subject: number, onsets: number[], yTrue: number[], yPred: number[]) => ({
    id: `${file}#${subject}.1`, file, subject, night: 1, onsets: Float64Array.from(onsets), yTrue: Int32Array.from(yTrue), yPred: Int32Array.from(yPred),
    // One-hot-ish rows: 0.6 on the prediction, 0.1 elsewhere.
    probabilities: Float32Array.from(yPred.flatMap((p) => [0, 1, 2, 3, 4].map((k) => (k === p ? 0.6 : 0.1)))),
  });
  const confusion = [[1, 0, 0, 0, 0], [0, 0, 0, 0, 1], [0, 0, 1, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]];
  return {
    synthetic: true, status: 'completed', message: 'trained 1 epochs', evaluated: 'best', epoch: 1, loss: 1,
    report: { accuracy: 2 / 3, balancedAccuracy: 2 / 3, kappa: 0.5, macroF1: 0.5, perClass: [], confusion },
    lastReport: null, weights: new Uint8Array(8), history: [], device: 'cpu', parameters: 1,
    recordings: [rec('SC4001E0-PSG.edf', 0, [1800, 1830], [0, 1], [0, 4]), rec('odd,"name".edf', 1, [60], [2], [2])],
  };
}

describe('predictionsCsv', () => {
  it('writes one row per test window with onset, stages and probabilities, quoting odd file names', () => {
    const lines = predictionsCsv(result()).trimEnd().split('\n');
    expect(lines).toEqual([
      'recording,window,onset_s,true,predicted,p_W,p_N1,p_N2,p_N3,p_REM',
      'SC4001E0-PSG.edf,0,1800,W,W,0.600000,0.100000,0.100000,0.100000,0.100000',
      'SC4001E0-PSG.edf,1,1830,N1,REM,0.100000,0.100000,0.100000,0.100000,0.600000',
      '"odd,""name"".edf",0,60,N2,N2,0.100000,0.100000,0.600000,0.100000,0.100000',
    ]);
  });
});
