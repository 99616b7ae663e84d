/**
 * The page's side of training: one session for the whole app (it outlives the Training step's
 * element, so leaving the step does not stop a run). It owns the worker, keeps what the charts
 * need, records the run in IndexedDB and tells its subscribers (Lit controllers) when it changes.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { defaultTrainConfig, type TrainConfig } from '../../sleep/train/config.ts';
import type { EpochRecord } from '../../sleep/train/history.ts';
import type { Dataset, DeviceChoice, EpochsState, ModelSettings, PreprocessSettings, SplitState } from '../state/types.ts';
import { CHECKPOINT_NAME, IdbCheckpointStore, clearRun, loadRunRecord, saveRunRecord, type RunRecord } from './idbStore.ts';
import type { EvaluationResult, TrainRequest, WorkerRecording, WorkerReply } from './protocol.ts';

export type Phase = 'idle' | 'starting' | 'running' | 'paused' | 'stopping' | 'finished' | 'stopped' | 'error';

export interface StepPoint {
  /** Epochs as a fraction (1.5: half-way through epoch 2). */
  x: number;
  loss: number;
}

export interface TrainingView {
  phase: Phase;
  device: DeviceChoice | null;
  deviceNote: string;
  config: TrainConfig;
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  windows: { train: number; valid: number; test: number } | null;
  stepsPerSecond: number;
  etaSeconds: number | null;
  liveBytes: number | null;
  history: EpochRecord[];
  stepLosses: StepPoint[];
  /** What is happening, in words. */
  status: string;
  log: string[];
  error: string | null;
  result: EvaluationResult | null;
  /** An unfinished run found in IndexedDB at start-up (null: none, or dismissed). */
  saved: RunRecord | null;
  /** A resume is waiting for its data to be rebuilt. */
  resumeWaiting: boolean;
}

/** The tutorial's settings; every step's loss is read back, so progress and pause are exact. */
export function initialConfig(): TrainConfig {
  const c = defaultTrainConfig();
  return { ...c, testLastModel: true, readbackInterval: 1 };
}

export function fingerprintOf(epochs: EpochsState): string {
  return epochs.recordings.map((r) => `${r.id}:${r.nEpochs}`).join('|');
}

export interface StartInputs {
  dataset: Dataset;
  epochs: EpochsState;
  split: SplitState;
  model: ModelSettings;
  preprocess: PreprocessSettings;
  device: DeviceChoice;
  config: TrainConfig;
  resume: boolean;
}

class TrainingSession {
  view: TrainingView = {
    phase: 'idle', device: null, deviceNote: '', config: initialConfig(), epoch: 0, step: 0, stepsPerEpoch: 0, windows: null,
    stepsPerSecond: 0, etaSeconds: null, liveBytes: null, history: [], stepLosses: [], status: 'Not started.', log: [], error: null, result: null,
    saved: null, resumeWaiting: false,
  };
  private worker: Worker | null = null;
  private readonly hosts = new Set<ReactiveControllerHost>();
  private record: RunRecord | null = null;
  private checkedSaved = false;

  subscribe(host: ReactiveControllerHost): () => void {
    this.hosts.add(host);
    if (!this.checkedSaved) {
      this.checkedSaved = true;
      void this.findSaved();
    }
    return () => this.hosts.delete(host);
  }

  private set(patch: Partial<TrainingView>): void {
    this.view = { ...this.view, ...patch };
    for (const h of this.hosts) h.requestUpdate();
  }

  private logLine(line: string): void {
    this.set({ log: [...this.view.log.slice(-30), line] });
  }

  setConfig(config: TrainConfig): void {
    this.set({ config });
  }

  get busy(): boolean {
    return ['starting', 'running', 'paused', 'stopping'].includes(this.view.phase);
  }

  /** A run recorded as running (the page went away mid-run) or stopped, with a checkpoint to continue from. */
  private async findSaved(): Promise<void> {
    try {
      const record = await loadRunRecord();
      if (!record || record.state === 'finished' || this.busy) return;
      const checkpoint = await new IdbCheckpointStore().load(CHECKPOINT_NAME);
      if (!checkpoint || checkpoint.meta.epoch < 1) return;
      this.set({ saved: { ...record, epochsDone: checkpoint.meta.epoch }, config: record.config, history: checkpoint.meta.history });
    } catch (error) {
      this.logLine(`could not read saved runs: ${(error as Error).message}`);
    }
  }

  dismissSaved(): void {
    this.set({ saved: null });
    void clearRun().catch(() => {});
  }

  setResumeWaiting(waiting: boolean): void {
    this.set({ resumeWaiting: waiting });
  }

  async start(inputs: StartInputs): Promise<void> {
    if (this.busy) return;
    const { epochs, split, dataset } = inputs;
    if (!split.split) throw new Error('the split is not ready');
    const s = split.split;
    const resumeFrom = inputs.resume ? this.view.saved : null;
    this.set({
      phase: 'starting', error: null, result: null, history: resumeFrom ? this.view.history : [], stepLosses: [], epoch: 0, step: 0, etaSeconds: null,
      config: inputs.config, status: inputs.resume ? 'Loading the checkpoint…' : 'Starting the worker…', saved: null, resumeWaiting: false, liveBytes: null,
      log: inputs.resume ? [...this.view.log, 'resuming the saved run'] : [],
    });
    if (!inputs.resume) await clearRun().catch(() => {});
    this.record = {
      state: 'running', startedAt: new Date().toISOString(), config: inputs.config, model: inputs.model, device: inputs.device,
      preprocess: inputs.preprocess, split: split.settings, datasetDescription: dataset.description, synthetic: dataset.synthetic,
      syntheticOptions: dataset.syntheticOptions ?? null, fingerprint: fingerprintOf(epochs), epochsDone: resumeFrom?.epochsDone ?? 0,
    };
    await saveRunRecord(this.record).catch((e: Error) => this.logLine(`the run could not be recorded for resuming: ${e.message}`));
    // One copy of the windows, moved (not cloned again) into the worker; the page keeps its own for steps 2-4.
    const recordings: WorkerRecording[] = epochs.recordings.map((r) => ({
      id: r.id, file: r.file, subject: r.subject, night: r.night, data: r.data.slice(), labels: r.labels.slice(), starts: r.starts.slice(),
      nEpochs: r.nEpochs, nChannels: r.nChannels, nSamples: r.nSamples, sfreq: r.sfreq,
    }));
    const request: TrainRequest = {
      type: 'start', recordings, split: { train: s.train, valid: s.valid, test: s.test },
      classWeights: split.classWeights ? Array.from(split.classWeights) : null,
      model: inputs.model, config: inputs.config, device: inputs.device, resume: inputs.resume, synthetic: dataset.synthetic,
    };
    const worker = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'hypnograd-training' });
    this.worker = worker;
    worker.onmessage = (e: MessageEvent<WorkerReply>) => this.onReply(e.data);
    worker.onerror = (e) => this.fail(`the training worker failed: ${e.message || 'it could not start (see the console)'}`);
    worker.postMessage(request, recordings.flatMap((r) => [r.data.buffer, r.labels.buffer, r.starts.buffer] as ArrayBuffer[]));
  }

  pause(): void {
    if (this.view.phase !== 'running') return;
    this.worker?.postMessage({ type: 'pause' });
    this.set({ status: 'Pausing after this step…' });
  }

  resume(): void {
    if (this.view.phase !== 'paused') return;
    this.worker?.postMessage({ type: 'resume' });
  }

  stop(): void {
    if (!this.busy || !this.worker) return;
    this.worker.postMessage({ type: 'stop' });
    this.set({ phase: 'stopping', status: 'Stopping after this step…' });
  }

  private fail(message: string): void {
    this.worker?.terminate();
    this.worker = null;
    const saved = this.record && this.record.epochsDone >= 1 ? { ...this.record, state: 'stopped' as const } : null;
    this.set({ phase: 'error', error: message, status: 'Training failed.', saved });
    if (this.record) void saveRunRecord({ ...this.record, state: 'stopped' }).catch(() => {});
  }

  private onReply(m: WorkerReply): void {
    switch (m.type) {
      case 'device':
        this.set({ device: m.device, deviceNote: m.note });
        return;
      case 'log':
        this.logLine(m.line);
        return;
      case 'error':
        this.fail(m.message);
        return;
      case 'done': {
        this.worker?.terminate();
        this.worker = null;
        const finished = m.status !== 'stopped';
        if (this.record) void saveRunRecord({ ...this.record, state: finished ? 'finished' : 'stopped' }).catch(() => {});
        // A stopped run with a checkpoint can be continued at once, as after a reload.
        const saved = !finished && this.record && this.record.epochsDone >= 1 ? { ...this.record, state: 'stopped' as const } : null;
        this.set({
          saved,
          phase: finished ? 'finished' : 'stopped', result: m.result ?? this.view.result, history: m.history, etaSeconds: 0,
          status: finished ? `Done: ${m.message}.${m.result ? ' The test recordings are in step 8.' : ''}` : `Stopped: ${m.message}.`,
        });
        return;
      }
      case 'event':
        this.onEvent(m.event, m.liveBytes);
    }
  }

  private onEvent(e: Extract<WorkerReply, { type: 'event' }>['event'], liveBytes: number | null): void {
    const v = this.view;
    const patch: Partial<TrainingView> = liveBytes !== null ? { liveBytes } : {};
    switch (e.type) {
      case 'start':
        Object.assign(patch, {
          phase: 'running', stepsPerEpoch: e.stepsPerEpoch, epoch: e.startEpoch, step: 0,
          windows: { train: e.trainWindows, valid: e.validWindows, test: e.testWindows },
          status: `${e.resumed ? 'Resumed at' : 'Training'} epoch ${e.startEpoch} of ${e.epochs}.`,
        });
        break;
      case 'step': {
        const points = e.loss !== null ? [...v.stepLosses, { x: e.epoch - 1 + e.step / e.stepsPerEpoch, loss: e.loss }] : v.stepLosses;
        Object.assign(patch, {
          epoch: e.epoch, step: e.step, stepsPerEpoch: e.stepsPerEpoch, etaSeconds: e.etaSeconds, stepLosses: points,
          stepsPerSecond: e.samplesPerSecond / v.config.batchSize,
          status: v.phase === 'stopping' ? v.status : `Epoch ${e.epoch} of ${v.config.epochs}, step ${e.step} of ${e.stepsPerEpoch}.`,
        });
        break;
      }
      case 'validating':
        patch.status = `Epoch ${e.epoch}: scoring the validation subjects…`;
        break;
      case 'epoch':
        Object.assign(patch, {
          history: [...v.history.filter((r) => r.epoch < e.record.epoch), e.record], etaSeconds: e.etaSeconds,
          status: `Epoch ${e.record.epoch} done: validation loss ${e.record.validLoss.toFixed(4)}, balanced accuracy ${e.record.validBalancedAccuracy.toFixed(3)}${e.record.validLossBest ? ' (best so far)' : ''}.`,
        });
        break;
      case 'checkpoint':
        if (this.record) {
          this.record = { ...this.record, epochsDone: e.epoch };
          void saveRunRecord(this.record).catch(() => {});
        }
        patch.log = [...v.log, `epoch ${e.epoch}: checkpoint saved in ${e.where}`];
        break;
      case 'paused':
        Object.assign(patch, { phase: 'paused', status: `Paused at epoch ${e.epoch}, step ${e.step}.` });
        break;
      case 'resumed':
        Object.assign(patch, { phase: 'running', status: `Epoch ${e.epoch}, step ${e.step}: running again.` });
        break;
      case 'testing':
        patch.status = `Scoring the test subjects with the ${e.model} weights…`;
        break;
      case 'end':
        patch.log = [...v.log, `${e.status}: ${e.message}`];
        break;
    }
    this.set(patch);
  }
}

export const trainingSession = new TrainingSession();

/** Re-renders its host whenever the session changes. */
export class TrainingController implements ReactiveController {
  private unsubscribe: (() => void) | null = null;
  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }
  get view(): TrainingView {
    return trainingSession.view;
  }
  hostConnected(): void {
    this.unsubscribe = trainingSession.subscribe(this.host);
  }
  hostDisconnected(): void {
    this.unsubscribe?.();
  }
}
