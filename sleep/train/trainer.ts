/**
 * The training loop of the tutorial (braindecode's EEGClassifier with skorch): shuffled seeded
 * mini-batches, class-weighted loss, Adam, validation after every epoch, early stopping on the
 * validation loss with the best weights kept, the test set evaluated once at the end with the
 * best model. Backend-agnostic and free of Node APIs: the CLI runs it on the CPU, the app in a
 * Web Worker on WebGPU.
 *
 * After every epoch a checkpoint holds the weights, optimizer state, both generators' states,
 * history, best weights and early-stopping state, so `resume` continues bit-exactly (on the CPU
 * backend) as if the run had never stopped. A NaN or infinite loss ends the run without writing
 * a checkpoint, so the last good one stays.
 */
import { Generator, defaultGenerator, keep, nn, optim, tidy, type DeviceName, type Tensor } from '../../engine/index.ts';
import { balancedClassWeights } from '../dataset/classWeights.ts';
import { WindowDataset } from '../dataset/dataset.ts';
import { batchToTensors } from '../dataset/tensors.ts';
import type { EpochSet } from '../epochs/epochs.ts';
import { STAGES } from '../types.ts';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  checkCheckpointMeta,
  loadHostStateDict,
  loadOptimizerFromHost,
  optimizerToHost,
  packTensors,
  stateDictToHost,
  unpackTensors,
  withPrefix,
  type CheckpointMeta,
  type CheckpointStore,
  type HostTensors,
  type StoredCheckpoint,
} from './checkpoint.ts';
import { resumeConflicts, type TrainConfig } from './config.ts';
import type { TrainControl } from './control.ts';
import { EarlyStopping, earlyStoppingStateFromJson, earlyStoppingStateToJson } from './earlyStopping.ts';
import { argmaxRows, evaluate, type Evaluation } from './evaluate.ts';
import type { StopStatus, TrainEvent, TrainEventListener } from './events.ts';
import type { EpochRecord } from './history.ts';
import { makeLoss, type LossFn } from './losses.ts';
import { balancedAccuracy, cohenKappa, confusionMatrix } from './metrics.ts';

export interface SplitSets {
  train: readonly EpochSet[];
  valid: readonly EpochSet[];
  test: readonly EpochSet[];
}

export interface TrainerOptions {
  /** Maps [N, channels, samples] to logits [N, nClasses]; its parameters are trained in place. */
  model: nn.Module;
  data: SplitSets;
  config: TrainConfig;
  device?: DeviceName;
  nClasses?: number;
  /** Where a checkpoint is written after every epoch (none: no checkpoints). */
  store?: CheckpointStore;
  checkpointName?: string;
  onEvent?: TrainEventListener;
  control?: TrainControl;
  /** The generator the model's dropout draws from (default: the engine's default generator). */
  dropoutGenerator?: Generator;
  /** Replaces the loss the config describes (tests inject faults through this). */
  lossFn?: LossFn;
  /** Milliseconds of work between yields to the event loop, so a worker can receive pause/stop messages. */
  yieldEveryMs?: number;
}

export interface TestResults {
  /** Which weights the headline test metrics come from. */
  evaluated: 'best' | 'last';
  /** Epoch of those weights. */
  epoch: number;
  best: Evaluation | null;
  last: Evaluation | null;
}

export interface TrainResult {
  status: StopStatus;
  message: string;
  history: EpochRecord[];
  /** Epoch of the kept best weights (0: none). */
  bestEpoch: number;
  epochsCompleted: number;
  steps: number;
  classWeights: Float64Array | null;
  test: TestResults | null;
  seconds: number;
  /** Epoch the run started from (0 unless resumed). */
  resumedFromEpoch: number;
}

export class TrainingDiverged extends Error {}

interface PendingStep {
  loss: Tensor;
  logits: Tensor;
  y: Int32Array;
  size: number;
}

export function buildOptimizer(model: nn.Module, c: TrainConfig['optimizer']): optim.AnyOptimizer {
  const params = model.parameters();
  const wd = c.weightDecay ?? undefined;
  switch (c.name) {
    case 'adam':
      return new optim.Adam(params, { lr: c.lr, weightDecay: wd });
    case 'adamw':
      return new optim.AdamW(params, { lr: c.lr, weightDecay: wd });
    case 'sgd':
      return new optim.SGD(params, { lr: c.lr, momentum: c.momentum, weightDecay: wd });
  }
}

export class Trainer {
  readonly model: nn.Module;
  readonly config: TrainConfig;
  readonly device: DeviceName;
  readonly nClasses: number;
  readonly optimizer: optim.AnyOptimizer;
  readonly classWeights: Float64Array | null;
  readonly lossFn: LossFn;
  readonly shuffleGenerator: Generator;
  readonly dropoutGenerator: Generator;
  readonly trainSet: WindowDataset;
  readonly validSet: WindowDataset;
  readonly testSet: WindowDataset;
  private readonly earlyStopping: EarlyStopping;
  private history: EpochRecord[] = [];
  private bestWeights: HostTensors | null = null;
  private bestEpoch = 0;
  private epochsDone = 0;
  private steps = 0;
  private resumedFromEpoch = 0;
  private readonly emit: TrainEventListener;

  constructor(private readonly opts: TrainerOptions) {
    const { model, config } = opts;
    this.model = model;
    this.config = config;
    this.device = opts.device ?? 'cpu';
    this.nClasses = opts.nClasses ?? STAGES.length;
    this.emit = opts.onEvent ?? (() => {});
    if (opts.data.train.length === 0) throw new Error('Trainer: the training split has no recordings');
    if (opts.data.valid.length === 0) throw new Error('Trainer: the validation split has no recordings (early stopping and the best model need it)');
    this.classWeights = null;
    if (config.loss.classWeights === 'balanced') {
      try {
        this.classWeights = balancedClassWeights(opts.data.train.map((s) => s.labels), this.nClasses);
      } catch (err) {
        throw new Error(`Trainer: balanced class weights need every class in the training split: ${(err as Error).message.replace(/^balancedClassWeights: /, '')}; add training recordings or use unweighted classes (classWeights 'none')`);
      }
    }
    this.lossFn = opts.lossFn ?? makeLoss(config.loss, this.classWeights);
    this.shuffleGenerator = new Generator(config.seed);
    this.dropoutGenerator = opts.dropoutGenerator ?? defaultGenerator();
    // Evaluation order never draws from the generator (shuffle off).
    this.trainSet = new WindowDataset(opts.data.train, this.shuffleGenerator, { batchSize: config.batchSize, shuffle: true });
    this.validSet = new WindowDataset(opts.data.valid, this.shuffleGenerator, { batchSize: config.evalBatchSize, shuffle: false });
    this.testSet = new WindowDataset(opts.data.test, this.shuffleGenerator, { batchSize: config.evalBatchSize, shuffle: false });
    this.optimizer = buildOptimizer(model, config.optimizer);
    this.earlyStopping = new EarlyStopping(config.patience, config.earlyStoppingThreshold);
  }

  get checkpointName(): string {
    return this.opts.checkpointName ?? 'checkpoint';
  }

  /** Restores a checkpoint; `run` then continues with the epoch after it. */
  resume(checkpoint: StoredCheckpoint, where = 'checkpoint'): void {
    const meta = checkCheckpointMeta(checkpoint.meta, where);
    const conflicts = resumeConflicts(meta.config, this.config);
    if (conflicts.length) throw new Error(`${where}: config: the checkpoint was made with other settings (${conflicts.join(', ')}); start a new run instead`);
    const tensors = unpackTensors(meta.tensors, checkpoint.binary, where);
    loadHostStateDict(this.model, withPrefix(tensors, 'model.'), this.device);
    loadOptimizerFromHost(this.optimizer, meta.optimizer, tensors, this.device);
    // The learning rate and other hyperparameters come from this run's config, not the checkpoint.
    for (const g of this.optimizer.paramGroups) g.lr = this.config.optimizer.lr;
    const best = withPrefix(tensors, 'best.');
    this.bestWeights = best.size ? best : null;
    this.bestEpoch = meta.bestEpoch;
    this.shuffleGenerator.setState(meta.rng.shuffle);
    this.dropoutGenerator.setState(meta.rng.dropout);
    this.earlyStopping.setState(earlyStoppingStateFromJson(meta.earlyStopping));
    // A grown epoch budget lets a run that used them all continue (early stopping still stands).
    this.history = meta.history.map((r) => ({ ...r }));
    this.epochsDone = meta.epoch;
    this.steps = meta.steps;
    this.resumedFromEpoch = meta.epoch;
  }

  /** Loads the named checkpoint from the store, if there is one; returns whether it did. */
  async resumeFromStore(): Promise<boolean> {
    const store = this.opts.store;
    if (!store) throw new Error('Trainer.resumeFromStore: no checkpoint store was given');
    const c = await store.load(this.checkpointName);
    if (!c) return false;
    this.resume(c, store.describe(this.checkpointName));
    return true;
  }

  async checkpoint(): Promise<StoredCheckpoint> {
    const tensors: HostTensors = new Map();
    for (const [k, v] of await stateDictToHost(this.model)) tensors.set(`model.${k}`, v);
    if (this.bestWeights) for (const [k, v] of this.bestWeights) tensors.set(`best.${k}`, v);
    const optimizerState = await optimizerToHost(this.optimizer, 'optim.', tensors);
    const { index, binary } = packTensors(tensors);
    const meta: CheckpointMeta = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      epoch: this.epochsDone,
      steps: this.steps,
      config: this.config,
      history: this.history,
      earlyStopping: earlyStoppingStateToJson(this.earlyStopping.getState()),
      rng: { shuffle: this.shuffleGenerator.getState(), dropout: this.dropoutGenerator.getState() },
      optimizer: optimizerState,
      tensors: index,
      bestEpoch: this.bestEpoch,
      savedAt: new Date().toISOString(),
    };
    return { meta, binary };
  }

  getHistory(): EpochRecord[] {
    return this.history.map((r) => ({ ...r }));
  }

  /** The kept best weights on the host (null before the first validation). */
  getBestWeights(): HostTensors | null {
    return this.bestWeights;
  }

  async run(): Promise<TrainResult> {
    const t0 = performance.now();
    const cfg = this.config;
    const control = this.opts.control;
    const stepsPerEpoch = this.trainSet.numBatches;
    this.emit({
      type: 'start',
      startEpoch: this.epochsDone + 1,
      epochs: cfg.epochs,
      stepsPerEpoch,
      trainWindows: this.trainSet.length,
      validWindows: this.validSet.length,
      testWindows: this.testSet.length,
      resumed: this.resumedFromEpoch > 0,
    });
    const pace = { trainSeconds: 0, trainSteps: 0, validSeconds: 0, validPasses: 0 };
    // Seconds left: training steps at this run's pace so far, plus one validation pass per epoch left.
    const eta = (epoch: number, stepInEpoch: number, secondsThisEpoch: number) => {
      const stepsDone = pace.trainSteps + stepInEpoch;
      const perStep = stepsDone ? (pace.trainSeconds + secondsThisEpoch) / stepsDone : 0;
      const perValid = pace.validPasses ? pace.validSeconds / pace.validPasses : perStep * (this.validSet.length / cfg.batchSize) * 0.5;
      const stepsLeft = (cfg.epochs - epoch) * stepsPerEpoch + Math.max(0, stepsPerEpoch - stepInEpoch);
      const validsLeft = cfg.epochs - epoch + (stepInEpoch <= stepsPerEpoch ? 1 : 0);
      return stepsLeft * perStep + validsLeft * perValid;
    };

    let status: StopStatus = 'completed';
    let message = '';
    if (this.earlyStopping.stopped) {
      status = 'early-stopped';
      message = `early stopping had already ended this run after epoch ${this.epochsDone}`;
    }
    let lastYield = performance.now();
    const yieldEvery = this.opts.yieldEveryMs ?? 50;

    epochs: for (let epoch = this.epochsDone + 1; status === 'completed' && epoch <= cfg.epochs; epoch++) {
      const epochStart = performance.now();
      this.model.train();
      const trainTrue = new Int32Array(this.trainSet.length);
      const trainPred = new Int32Array(this.trainSet.length);
      let seen = 0;
      let lossSum = 0;
      let readCount = 0;
      let lastLoss: number | null = null;
      let pending: PendingStep[] = [];
      let trainSeconds = 0;
      let segmentStart = performance.now();

      const flush = async (step: number) => {
        const batch = pending;
        pending = [];
        try {
          for (const p of batch) {
            const [l, lg] = await Promise.all([p.loss.data(), p.logits.data()]);
            const loss = l[0];
            if (!Number.isFinite(loss)) {
              throw new TrainingDiverged(
                `the training loss became ${loss} at epoch ${epoch}, step ${step - batch.length + batch.indexOf(p) + 1} of ${stepsPerEpoch} ` +
                  `(learning rate ${cfg.optimizer.lr}); training stopped` +
                  (this.epochsDone > 0 && this.opts.store ? `; the last good checkpoint (epoch ${this.epochsDone}) is kept` : '') +
                  '. Try a lower learning rate.',
              );
            }
            lastLoss = loss;
            lossSum += loss * p.size;
            readCount += p.size;
            trainTrue.set(p.y, seen);
            argmaxRows(lg, p.size, this.nClasses, trainPred, seen);
            seen += p.size;
          }
        } finally {
          for (const p of batch) {
            p.loss.dispose();
            p.logits.dispose();
          }
        }
      };

      let step = 0;
      try {
        for (const batch of this.trainSet.batches()) {
          if (control) {
            if (control.paused) {
              trainSeconds += (performance.now() - segmentStart) / 1000;
              this.emit({ type: 'paused', epoch, step });
              await control.gate();
              this.emit({ type: 'resumed', epoch, step });
              segmentStart = performance.now();
            }
            if (control.stopRequested) {
              status = 'stopped';
              message = `${control.reason} during epoch ${epoch}; the checkpoint of epoch ${this.epochsDone} is the one to resume from`;
              break epochs;
            }
          }
          if (performance.now() - lastYield > yieldEvery) {
            await new Promise<void>((r) => setTimeout(r, 0));
            lastYield = performance.now();
          }
          step++;
          const out = tidy(() => {
            const { x } = batchToTensors(batch, { device: this.device });
            const logits = this.model.forward(x);
            if (logits.ndim !== 2 || logits.shape[0] !== batch.size || logits.shape[1] !== this.nClasses) {
              throw new Error(`Trainer: the model returned [${logits.shape}] for a batch of ${batch.size}, expected [${batch.size}, ${this.nClasses}]`);
            }
            const loss = this.lossFn(logits, batch.y);
            this.optimizer.zeroGrad();
            loss.backward();
            this.optimizer.step();
            return { loss: loss.detach(), logits: logits.detach() };
          });
          pending.push({ loss: keep(out.loss), logits: keep(out.logits), y: batch.y, size: batch.size });
          this.steps++;
          if (pending.length >= cfg.readbackInterval || step === stepsPerEpoch) await flush(step);
          const elapsed = trainSeconds + (performance.now() - segmentStart) / 1000;
          this.emit({
            type: 'step',
            epoch,
            step,
            stepsPerEpoch,
            loss: lastLoss,
            meanLoss: readCount ? lossSum / readCount : null,
            samplesPerSecond: elapsed > 0 ? (step * cfg.batchSize) / elapsed : 0,
            etaSeconds: eta(epoch, step, elapsed),
          });
        }
        if (pending.length) await flush(step);
      } catch (err) {
        for (const p of pending) {
          p.loss.dispose();
          p.logits.dispose();
        }
        pending = [];
        if (!(err instanceof TrainingDiverged)) throw err;
        status = 'diverged';
        message = err.message;
        break;
      }
      trainSeconds += (performance.now() - segmentStart) / 1000;
      pace.trainSeconds += trainSeconds;
      pace.trainSteps += stepsPerEpoch;

      this.emit({ type: 'validating', epoch });
      const valid = await evaluate(this.model, this.validSet, this.lossFn, this.nClasses, this.device);
      pace.validSeconds += valid.seconds;
      pace.validPasses++;
      if (!Number.isFinite(valid.loss)) {
        status = 'diverged';
        message = `the validation loss became ${valid.loss} after epoch ${epoch} (learning rate ${cfg.optimizer.lr}); training stopped${this.epochsDone > 0 && this.opts.store ? `; the last good checkpoint (epoch ${this.epochsDone}) is kept` : ''}. Try a lower learning rate.`;
        break;
      }
      const decision = this.earlyStopping.step(valid.loss, epoch);
      if (decision.isBest) {
        this.bestWeights = await stateDictToHost(this.model);
        this.bestEpoch = epoch;
      }
      const trainConfusion = confusionMatrix(trainTrue, trainPred, this.nClasses);
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / readCount,
        trainBalancedAccuracy: balancedAccuracy(trainConfusion),
        trainKappa: cohenKappa(trainConfusion),
        validLoss: valid.loss,
        validBalancedAccuracy: valid.report.balancedAccuracy,
        validKappa: valid.report.kappa,
        validAccuracy: valid.report.accuracy,
        validLossBest: decision.isBest,
        learningRate: this.optimizer.paramGroups[0].lr,
        seconds: (performance.now() - epochStart) / 1000,
        trainSeconds,
        samplesPerSecond: trainSeconds > 0 ? this.trainSet.length / trainSeconds : 0,
      };
      this.history.push(record);
      this.epochsDone = epoch;
      this.emit({ type: 'epoch', record: { ...record }, etaSeconds: eta(epoch + 1, 0, 0), earlyStoppingMisses: this.earlyStopping.getState().misses });
      if (this.opts.store) {
        await this.opts.store.save(this.checkpointName, await this.checkpoint());
        this.emit({ type: 'checkpoint', epoch, where: this.opts.store.describe(this.checkpointName) });
      }
      if (decision.stop) {
        status = 'early-stopped';
        message = `early stopping after epoch ${epoch}: no validation-loss improvement for ${cfg.patience} epochs (best ${this.earlyStopping.best.toFixed(4)} at epoch ${this.bestEpoch})`;
      }
    }
    if (status === 'completed') message = `trained ${this.epochsDone} epochs`;

    let test: TestResults | null = null;
    if (status !== 'stopped' && this.testSet.length > 0 && (this.bestWeights || status !== 'diverged')) test = await this.evaluateTest(status === 'diverged');
    // Whatever ended the run, the model is left holding the kept best weights (what gets exported).
    if (!test && this.bestWeights) loadHostStateDict(this.model, this.bestWeights, this.device);
    this.emit({ type: 'end', status, message });
    return {
      status,
      message,
      history: this.getHistory(),
      bestEpoch: this.bestEpoch,
      epochsCompleted: this.epochsDone,
      steps: this.steps,
      classWeights: this.classWeights,
      test,
      seconds: (performance.now() - t0) / 1000,
      resumedFromEpoch: this.resumedFromEpoch,
    };
  }

  /**
   * Test metrics of the best weights (and of the last epoch's, if the config asks and they are
   * sound). Leaves the best weights in the model, so what is exported is what was evaluated.
   */
  private async evaluateTest(lastIsBroken: boolean): Promise<TestResults> {
    let last: Evaluation | null = null;
    if (this.config.testLastModel && !lastIsBroken) {
      this.emit({ type: 'testing', model: 'last' });
      last = await evaluate(this.model, this.testSet, this.lossFn, this.nClasses, this.device);
    }
    if (!this.bestWeights) return { evaluated: 'last', epoch: this.epochsDone, best: null, last };
    loadHostStateDict(this.model, this.bestWeights, this.device);
    this.emit({ type: 'testing', model: 'best' });
    const best = await evaluate(this.model, this.testSet, this.lossFn, this.nClasses, this.device);
    return { evaluated: 'best', epoch: this.bestEpoch, best, last };
  }
}

export type { TrainEvent };
