/**
 * The trainer on a tiny conv net and toy windows (CPU backend, float64): early stopping with a
 * scripted validation loss, the kept best weights, the NaN guard with its intact checkpoint,
 * bit-exact resume, pause/stop, events, and no tensor leak per step.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../engine/index.ts';
import type { HostTensors } from '../../sleep/train/checkpoint.ts';
import { resolveTrainConfig, type TrainConfigInput } from '../../sleep/train/config.ts';
import { EarlyStopping } from '../../sleep/train/earlyStopping.ts';
import { makeLoss, type LossFn } from '../../sleep/train/losses.ts';
import { Trainer } from '../../sleep/train/trainer.ts';
import { tinyModel, toySplits } from './trainHelpers.ts';

const base: TrainConfigInput = { batchSize: 16, evalBatchSize: 32, seed: 5, optimizer: { lr: 1e-2 } };

/** The model's weights copied now (synchronously, so no later step can move them first). */
function snapshotSync(model: { stateDict(): Map<string, Tensor> }): HostTensors {
  return new Map([...model.stateDict()].map(([k, t]) => [k, { shape: [...t.shape], data: Float64Array.from(t.dataSync()) }]));
}

function bytesOf(t: HostTensors): Map<string, number[]> {
  return new Map([...t].map(([k, v]) => [k, Array.from(new Uint8Array(v.data.buffer))]));
}

describe('EarlyStopping', () => {
  it('counts misses against the relative threshold, stops at patience, and tracks the strict best', () => {
    const es = new EarlyStopping(2, 1e-4);
    const seq = [1.0, 0.8, 0.85, 0.79995, 0.9];
    const out = seq.slice(0, 4).map((v, i) => es.step(v, i + 1));
    expect(out.map((d) => d.stop)).toEqual([false, false, false, true]);
    expect(() => es.step(seq[4], 5)).toThrow(/already stopped after epoch 4/);
    // 0.79995 is a new minimum but not below 0.8 * (1 - 1e-4) = 0.79992: best, yet a miss.
    expect(out.map((d) => d.isBest)).toEqual([true, true, false, true]);
    expect(out.map((d) => d.improved)).toEqual([true, true, false, false]);
    expect(es.stopped).toBe(true);
    expect(es.bestEpoch).toBe(4);
    expect(es.best).toBe(0.79995);
  });

  it('patience 0 never stops; state round-trips', () => {
    const es = new EarlyStopping(0);
    for (let i = 1; i <= 20; i++) expect(es.step(i, i).stop).toBe(false);
    const copy = new EarlyStopping(3);
    copy.setState(es.getState());
    expect(copy.getState()).toEqual(es.getState());
    expect(() => new EarlyStopping(-1)).toThrow(/patience must be an integer >= 0/);
  });
});

describe('Trainer', () => {
  it('early-stops at the scripted epoch and ends holding the best epoch weights', async () => {
    const model = tinyModel(11);
    const real = makeLoss(resolveTrainConfig({ loss: { classWeights: 'none' } }).loss, null);
    const script = [1.0, 0.8, 0.85, 0.79995, 0.9, 0.7, 0.6];
    let validating = 0;
    // Training passes use the real loss; the validation pass (eval mode) reports the scripted value.
    const lossFn: LossFn = (logits: Tensor, y) => (model.training ? real(logits, y) : logits.mul(0).sum().add(script[validating - 1]));
    const snapshots = new Map<number, HostTensors>();
    const trainer = new Trainer({
      model,
      data: toySplits(),
      config: resolveTrainConfig({ ...base, epochs: 10, patience: 2, loss: { classWeights: 'none' } }),
      lossFn,
      onEvent: (e) => {
        if (e.type === 'validating') validating = e.epoch;
        if (e.type === 'epoch') snapshots.set(e.record.epoch, snapshotSync(model));
      },
    });
    const result = await trainer.run();
    expect(result.status).toBe('early-stopped');
    expect(result.epochsCompleted).toBe(4);
    expect(result.history.map((h) => h.validLoss)).toEqual(script.slice(0, 4));
    expect(result.history.map((h) => h.validLossBest)).toEqual([true, true, false, true]);
    expect(result.bestEpoch).toBe(4);
    expect(result.message).toMatch(/early stopping after epoch 4: no validation-loss improvement for 2 epochs/);
    expect(result.test?.evaluated).toBe('best');
    expect(result.test?.epoch).toBe(4);
    const final = snapshotSync(model);
    expect(bytesOf(final)).toEqual(bytesOf(snapshots.get(4)!));
    expect(bytesOf(final)).not.toEqual(bytesOf(snapshots.get(2)!));
  });

  it('keeps the best, not the last, weights when the validation loss rises at the end', async () => {
    const model = tinyModel(12);
    const real = makeLoss(resolveTrainConfig({ loss: { classWeights: 'none' } }).loss, null);
    const script = [0.9, 0.5, 0.6];
    let validating = 0;
    const lossFn: LossFn = (logits: Tensor, y) => (model.training ? real(logits, y) : logits.mul(0).sum().add(script[validating - 1]));
    const snapshots = new Map<number, HostTensors>();
    const result = await new Trainer({
      model,
      data: toySplits(),
      config: resolveTrainConfig({ ...base, epochs: 3, loss: { classWeights: 'none' } }),
      lossFn,
      onEvent: (e) => {
        if (e.type === 'validating') validating = e.epoch;
        if (e.type === 'epoch') snapshots.set(e.record.epoch, snapshotSync(model));
      },
    }).run();
    expect(result.status).toBe('completed');
    expect(result.test?.evaluated).toBe('best');
    expect(result.test?.epoch).toBe(2);
    // The last model was evaluated too, before the best weights came back.
    expect(result.test?.last?.yPred.length).toBe(25);
    expect(bytesOf(snapshotSync(model))).toEqual(bytesOf(snapshots.get(2)!));
  });
});
