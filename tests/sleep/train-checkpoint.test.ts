/**
 * Checkpoints and resume: 4 epochs straight equal 2 epochs + resume 2 bit for bit (weights,
 * optimizer state, generators, history), the NaN guard keeps the last good checkpoint, pause and
 * stop work between steps, and a step leaks no tensors.
 */
import { describe, expect, it } from 'vitest';
import { liveTensorCount, type Tensor } from '../../engine/index.ts';
import { MemoryCheckpointStore, packTensors, unpackTensors, withPrefix, type HostTensors } from '../../sleep/train/checkpoint.ts';
import { resolveTrainConfig, type TrainConfigInput } from '../../sleep/train/config.ts';
import { TrainControl } from '../../sleep/train/control.ts';
import type { TrainEvent } from '../../sleep/train/events.ts';
import { withoutTimings } from '../../sleep/train/history.ts';
import { makeLoss, type LossFn } from '../../sleep/train/losses.ts';
import { Trainer } from '../../sleep/train/trainer.ts';
import { tinyModel, toySplits } from './trainHelpers.ts';

const base: TrainConfigInput = { batchSize: 16, evalBatchSize: 32, seed: 5, epochs: 4, optimizer: { lr: 1e-2 } };

function bytes(t: HostTensors): Record<string, string> {
  return Object.fromEntries([...t].map(([k, v]) => [k, Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength).toString('hex')]));
}

async function stored(store: MemoryCheckpointStore) {
  const c = (await store.load('checkpoint'))!;
  return { meta: c.meta, tensors: unpackTensors(c.meta.tensors, c.binary) };
}

describe('checkpoint blobs', () => {
  it('pack and unpack float64 tensors exactly, from any byte offset', () => {
    const t: HostTensors = new Map([
      ['a', { shape: [2, 3], data: Float64Array.from([1, -2.5, Math.PI, 1e-300, -0, 7]) }],
      ['b', { shape: [1], data: Float64Array.from([Number.MAX_VALUE]) }],
    ]);
    const { index, binary } = packTensors(t);
    const shifted = new Uint8Array(binary.length + 3).subarray(3);
    shifted.set(binary);
    expect(bytes(unpackTensors(index, shifted))).toEqual(bytes(t));
    expect(() => unpackTensors([{ name: 'a', shape: [9], offset: 0, length: 9 }], binary)).toThrow(/'a' \(shape \[9\], 9 values at 0\) does not fit the 7-value blob/);
  });
});

describe('resume', () => {
  it('2 epochs + resume 2 equals 4 epochs straight, bit for bit', async () => {
    const data = toySplits();
    const config = resolveTrainConfig(base);
    // Dropout 0.25 makes the dropout generator's state matter too.
    const straightStore = new MemoryCheckpointStore();
    const straight = await new Trainer({ model: tinyModel(21), data, config, store: straightStore }).run();
    expect(straight.status).toBe('completed');

    const store = new MemoryCheckpointStore();
    const control = new TrainControl();
    const first = await new Trainer({
      model: tinyModel(21),
      data,
      config,
      store,
      control,
      onEvent: (e) => e.type === 'checkpoint' && e.epoch === 2 && control.stop('interrupted by the test'),
    }).run();
    expect(first.status).toBe('stopped');
    expect(first.message).toMatch(/interrupted by the test during epoch 3; the checkpoint of epoch 2 is the one to resume from/);
    expect(first.test).toBeNull();
    expect(store.saves).toBe(2);

    // A differently initialised model: everything must come from the checkpoint.
    const resumed = new Trainer({ model: tinyModel(999), data, config, store });
    expect(await resumed.resumeFromStore()).toBe(true);
    const second = await resumed.run();
    expect(second.status).toBe('completed');
    expect(second.resumedFromEpoch).toBe(2);
    expect(second.steps).toBe(straight.steps);

    const a = await stored(straightStore);
    const b = await stored(store);
    expect(b.meta.epoch).toBe(4);
    expect(bytes(b.tensors)).toEqual(bytes(a.tensors)); // model, best and optimizer tensors
    expect(b.meta.optimizer).toEqual(a.meta.optimizer);
    expect(b.meta.rng).toEqual(a.meta.rng);
    expect(b.meta.earlyStopping).toEqual(a.meta.earlyStopping);
    expect(withoutTimings(b.meta.history)).toEqual(withoutTimings(a.meta.history));
    expect(withoutTimings(second.history)).toEqual(withoutTimings(straight.history));
    expect(Array.from(second.test!.best!.yPred)).toEqual(Array.from(straight.test!.best!.yPred));
    expect(second.test!.best!.loss).toBe(straight.test!.best!.loss);
    // The run did learn something (the comparison is not between two untouched models).
    expect(straight.history[3].trainLoss).toBeLessThan(straight.history[0].trainLoss);
  });

  it('refuses a checkpoint made with other settings, naming them; a longer epoch budget is fine', async () => {
    const data = toySplits();
    const store = new MemoryCheckpointStore();
    await new Trainer({ model: tinyModel(3), data, config: resolveTrainConfig({ ...base, epochs: 1 }), store }).run();
    const other = new Trainer({ model: tinyModel(3), data, config: resolveTrainConfig({ ...base, epochs: 1, batchSize: 8, optimizer: { lr: 1e-3 } }), store });
    await expect(other.resumeFromStore()).rejects.toThrow(/memory:checkpoint: config: the checkpoint was made with other settings \(batchSize, optimizer\)/);
    const longer = new Trainer({ model: tinyModel(3), data, config: resolveTrainConfig({ ...base, epochs: 2 }), store });
    expect(await longer.resumeFromStore()).toBe(true);
    const r = await longer.run();
    expect(r.history.map((h) => h.epoch)).toEqual([1, 2]);
  });
});

describe('NaN guard', () => {
  it('an injected NaN stops the run with a clear message; the last good checkpoint is intact and resumable', async () => {
    const data = toySplits();
    const config = resolveTrainConfig({ ...base, epochs: 5, loss: { classWeights: 'none' } });
    const real = makeLoss(config.loss, null);
    let trainSteps = 0;
    const model = tinyModel(8);
    // Step 3 of epoch 3 (5 steps per epoch) returns NaN.
    const lossFn: LossFn = (logits: Tensor, y) => {
      const l = real(logits, y);
      if (!model.training) return l;
      trainSteps++;
      return trainSteps === 13 ? l.mul(NaN) : l;
    };
    const store = new MemoryCheckpointStore();
    let atEpoch2: HostTensors | null = null;
    const result = await new Trainer({
      model,
      data,
      config,
      store,
      lossFn,
      onEvent: (e) => {
        if (e.type === 'epoch' && e.record.epoch === 2) atEpoch2 = new Map([...model.stateDict()].map(([k, t]) => [k, { shape: [...t.shape], data: Float64Array.from(t.dataSync()) }]));
      },
    }).run();
    expect(result.status).toBe('diverged');
    expect(result.message).toBe(
      'the training loss became NaN at epoch 3, step 3 of 5 (learning rate 0.01); training stopped; the last good checkpoint (epoch 2) is kept. Try a lower learning rate.',
    );
    expect(result.epochsCompleted).toBe(2);
    expect(store.saves).toBe(2);
    const { meta, tensors } = await stored(store);
    expect(meta.epoch).toBe(2);
    expect(bytes(withPrefix(tensors, 'model.'))).toEqual(bytes(atEpoch2!));
    for (const v of tensors.values()) expect(v.data.every(Number.isFinite)).toBe(true);
    // The best model (from a good epoch) is still evaluated on the test set.
    expect(result.test?.evaluated).toBe('best');
    expect(result.test?.last).toBeNull();
    const resumed = new Trainer({ model: tinyModel(1), data, config, store });
    await resumed.resumeFromStore();
    expect((await resumed.run()).status).toBe('completed');
  });

  it('a huge SGD learning rate diverges and says so', async () => {
    const result = await new Trainer({
      model: tinyModel(9),
      data: toySplits(),
      config: resolveTrainConfig({ ...base, epochs: 3, optimizer: { name: 'sgd', lr: 1e200, momentum: 0.9 } }),
      store: new MemoryCheckpointStore(),
    }).run();
    expect(result.status).toBe('diverged');
    expect(result.message).toMatch(/^the training loss became (NaN|Infinity) at epoch 1, step \d+ of 5 \(learning rate 1e\+200\); training stopped\. Try a lower learning rate\.$/);
    expect(result.history).toEqual([]);
    expect(result.test).toBeNull();
  });
});

describe('control, events and memory', () => {
  it('pauses between steps until resumed, and an AbortSignal stops the run', async () => {
    const control = new TrainControl();
    const events: TrainEvent[] = [];
    let resumedAt = 0;
    const trainer = new Trainer({
      model: tinyModel(4),
      data: toySplits(),
      config: resolveTrainConfig({ ...base, epochs: 2 }),
      control,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'step' && e.epoch === 1 && e.step === 2) {
          control.pause();
          setTimeout(() => {
            resumedAt = events.length;
            control.resume();
          }, 30);
        }
      },
    });
    const r = await trainer.run();
    expect(r.status).toBe('completed');
    const types = events.map((e) => e.type);
    const paused = types.indexOf('paused');
    expect(paused).toBeGreaterThan(0);
    expect(events[paused]).toEqual({ type: 'paused', epoch: 1, step: 2 });
    // Nothing happened while paused: the next event is the resume.
    expect(resumedAt).toBe(paused + 1);
    expect(events[paused + 1]).toEqual({ type: 'resumed', epoch: 1, step: 2 });
    expect(types.filter((t) => t === 'step').length).toBe(10);
    expect(types[0]).toBe('start');
    expect(types.at(-1)).toBe('end');
    const steps = events.filter((e): e is Extract<TrainEvent, { type: 'step' }> => e.type === 'step');
    expect(steps.every((e) => e.loss !== null && Number.isFinite(e.loss) && e.etaSeconds >= 0 && e.samplesPerSecond > 0)).toBe(true);
    expect(steps.at(-1)!.etaSeconds).toBeLessThan(steps[0].etaSeconds);

    const abort = new AbortController();
    abort.abort();
    const stopped = await new Trainer({ model: tinyModel(4), data: toySplits(), config: resolveTrainConfig(base), control: new TrainControl(abort.signal) }).run();
    expect(stopped.status).toBe('stopped');
    expect(stopped.epochsCompleted).toBe(0);
  });

  it('reads the loss back every k steps and leaks no tensors per step', async () => {
    const model = tinyModel(6);
    const trainer = new Trainer({ model, data: toySplits(), config: resolveTrainConfig({ ...base, epochs: 1, readbackInterval: 3 }) });
    const losses: (number | null)[] = [];
    const t2 = new Trainer({
      model: tinyModel(6),
      data: toySplits(),
      config: resolveTrainConfig({ ...base, epochs: 3, readbackInterval: 3 }),
      onEvent: (e) => e.type === 'step' && e.epoch === 1 && losses.push(e.loss),
    });
    // 5 steps, readback every 3 and at the epoch's end: no value until step 3.
    const before = liveTensorCount();
    await trainer.run();
    const afterOne = liveTensorCount();
    await t2.run();
    expect(losses.slice(0, 2)).toEqual([null, null]);
    expect(losses[2]).not.toBeNull();
    expect(losses[3]).toBe(losses[2]);
    expect(losses[4]).not.toBe(losses[2]);
    // A run leaves behind only each parameter's gradient and two Adam moments, whatever its epoch count.
    const params = model.parameters().length;
    expect(liveTensorCount() - afterOne).toBe(afterOne - before);
    expect(afterOne - before).toBe(params * 3);
  });
});

describe('NodeCheckpointStore', () => {
  it('round-trips a checkpoint exactly and refuses a truncated file clearly', async () => {
    const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { NodeCheckpointStore } = await import('../../sleep/train/nodeCheckpointStore.ts');
    const dir = mkdtempSync(join(tmpdir(), 'hypnograd-ckpt-'));
    try {
      const mem = new MemoryCheckpointStore();
      await new Trainer({ model: tinyModel(2), data: toySplits(), config: resolveTrainConfig({ ...base, epochs: 1 }), store: mem }).run();
      const original = (await mem.load('checkpoint'))!;
      const store = new NodeCheckpointStore(dir);
      expect(await store.load('checkpoint')).toBeUndefined();
      await store.save('checkpoint', original);
      const back = (await store.load('checkpoint'))!;
      expect(back.meta).toEqual(original.meta);
      expect(Buffer.from(back.binary).equals(Buffer.from(original.binary))).toBe(true);
      const file = join(dir, 'checkpoint.ckpt');
      const bytes = readFileSync(file);
      writeFileSync(file, bytes.subarray(0, bytes.length - 8));
      await expect(store.load('checkpoint')).rejects.toThrow(/checkpoint\.ckpt: tensors: \d+ bytes of tensor data, the index needs \d+ \(truncated\?\)/);
      writeFileSync(file, bytes.subarray(0, 20));
      await expect(store.load('checkpoint')).rejects.toThrow(/checkpoint\.ckpt: header: says \d+ bytes of JSON but the file has 12/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
