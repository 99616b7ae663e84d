/**
 * One pass over a dataset without gradients, in eval mode: the loss (mean of batch losses
 * weighted by batch size, as skorch reports valid_loss) and every prediction.
 */
import { batchToTensors } from '../dataset/tensors.ts';
import type { WindowDataset } from '../dataset/dataset.ts';
import { noGrad, tidy, type DeviceName, type nn } from '../../engine/index.ts';
import { classificationReport, type ClassificationReport } from './metrics.ts';
import type { LossFn } from './losses.ts';

export interface Evaluation {
  loss: number;
  yTrue: Int32Array;
  yPred: Int32Array;
  report: ClassificationReport;
  seconds: number;
}

/** Index of the largest value in each row (the first on ties, as torch.argmax). */
export function argmaxRows(values: ArrayLike<number>, rows: number, cols: number, out: Int32Array, at = 0): void {
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestValue = values[r * cols];
    for (let c = 1; c < cols; c++) {
      const v = values[r * cols + c];
      if (v > bestValue || (Number.isNaN(v) && !Number.isNaN(bestValue))) {
        best = c;
        bestValue = v;
      }
    }
    out[at + r] = best;
  }
}

export async function evaluate(model: nn.Module, dataset: WindowDataset, lossFn: LossFn, nClasses: number, device: DeviceName): Promise<Evaluation> {
  const t0 = performance.now();
  const wasTraining = model.training;
  model.eval();
  const yTrue = new Int32Array(dataset.length);
  const yPred = new Int32Array(dataset.length);
  let lossSum = 0;
  let at = 0;
  try {
    for (const batch of dataset.batches()) {
      const { logits, loss } = noGrad(() =>
        tidy(() => {
          const { x } = batchToTensors(batch, { device });
          const out = model.forward(x);
          if (out.ndim !== 2 || out.shape[0] !== batch.size || out.shape[1] !== nClasses) {
            throw new Error(`evaluate: the model returned [${out.shape}] for a batch of ${batch.size}, expected [${batch.size}, ${nClasses}]`);
          }
          return { logits: out, loss: lossFn(out, batch.y) };
        }),
      );
      try {
        const [l, lg] = await Promise.all([loss.data(), logits.data()]);
        lossSum += l[0] * batch.size;
        argmaxRows(lg, batch.size, nClasses, yPred, at);
      } finally {
        logits.dispose();
        loss.dispose();
      }
      yTrue.set(batch.y, at);
      at += batch.size;
    }
  } finally {
    model.train(wasTraining);
  }
  return { loss: dataset.length ? lossSum / dataset.length : NaN, yTrue, yPred, report: classificationReport(yTrue, yPred, nClasses), seconds: (performance.now() - t0) / 1000 };
}
