/**
 * A short training run in this page with a GradientTracker attached: the training worker does
 * not report gradients, so the per-layer gradient norms and update/weight ratios come from a few
 * steps here, on the same data, loss and optimizer, starting from the weights shown.
 */
import { tensor, tidy, type DeviceName } from '../../../engine/index.ts';
import { GradientTracker } from '../../../sleep/internals/gradientTracker.ts';
import type { SleepStagerChambon2018 } from '../../../sleep/model/chambon.ts';
import type { TrainConfig } from '../../../sleep/train/config.ts';
import { makeLoss } from '../../../sleep/train/losses.ts';
import { buildOptimizer } from '../../../sleep/train/trainer.ts';
import type { EpochsState, SplitState } from '../../state/types.ts';
import { trainBatch } from './data.ts';

export interface DemoOptions {
  steps: number;
  batchSize: number;
  onStep?: (step: number, loss: number) => void;
  signal?: AbortSignal;
}

export async function demoTrainWithTracker(
  model: SleepStagerChambon2018, epochs: EpochsState, split: SplitState, config: TrainConfig, device: DeviceName, opts: DemoOptions,
): Promise<GradientTracker> {
  const weights = config.loss.classWeights === 'balanced' ? split.classWeights ?? null : null;
  const lossFn = makeLoss(weights ? config.loss : { ...config.loss, classWeights: 'none' }, weights);
  const optimizer = buildOptimizer(model, config.optimizer);
  const tracker = new GradientTracker(model);
  model.train();
  for (let step = 0; step < opts.steps; step++) {
    if (opts.signal?.aborted) break;
    const batch = trainBatch(epochs, split, opts.batchSize, step * 7919);
    const loss = tidy(() => {
      const x = tensor(batch.x, [batch.n, batch.nChannels, batch.nSamples], { device });
      const out = lossFn(model.forward(x), batch.y);
      optimizer.zeroGrad();
      out.backward();
      return out.detach();
    });
    await tracker.afterBackward();
    tidy(() => optimizer.step());
    await tracker.afterStep();
    const value = (await loss.data())[0];
    loss.dispose();
    opts.onStep?.(step + 1, value);
  }
  return tracker;
}
