/**
 * Messages between the page and the training worker. The worker holds the GPU device, trains,
 * evaluates the test recordings and posts everything back as plain (structured-cloneable) data.
 */
import type { ClassificationReport } from '../../sleep/train/metrics.ts';
import type { TrainConfig } from '../../sleep/train/config.ts';
import type { TrainEvent, StopStatus } from '../../sleep/train/events.ts';
import type { EpochRecord } from '../../sleep/train/history.ts';
import type { DeviceChoice, ModelSettings, RecordingEpochs } from '../state/types.ts';

/** One recording's windows as the worker receives them (buffers transferred, not cloned). */
export type WorkerRecording = RecordingEpochs;

export interface TrainRequest {
  type: 'start';
  recordings: WorkerRecording[];
  /** Indices into `recordings`. */
  split: { train: number[]; valid: number[]; test: number[] };
  /** Balanced class weights of the training windows (null: unweighted loss). */
  classWeights: number[] | null;
  model: ModelSettings;
  config: TrainConfig;
  device: DeviceChoice;
  /** Continue from the checkpoint in IndexedDB. */
  resume: boolean;
  synthetic: boolean;
}

export type ControlMessage = { type: 'pause' } | { type: 'resume' } | { type: 'stop' };

/** Test predictions of one recording, in window order. */
export interface RecordingPredictions {
  id: string;
  file: string;
  subject: number;
  night: number;
  onsets: Float64Array;
  yTrue: Int32Array;
  yPred: Int32Array;
  /** [window][class] softmax probabilities. */
  probabilities: Float32Array;
}

export interface EvaluationResult {
  synthetic: boolean;
  status: StopStatus;
  message: string;
  /** Which weights made the predictions: the lowest validation loss ('best') or the final ones ('last'). */
  evaluated: 'best' | 'last';
  epoch: number;
  report: ClassificationReport;
  loss: number;
  /** The last epoch's weights on the same test set, when they differ from the evaluated ones. */
  lastReport: ClassificationReport | null;
  recordings: RecordingPredictions[];
  /** safetensors of the evaluated weights. */
  weights: Uint8Array;
  history: EpochRecord[];
  device: DeviceChoice;
  parameters: number;
}

export type WorkerReply =
  | { type: 'device'; device: DeviceChoice; note: string }
  | { type: 'event'; event: TrainEvent; liveBytes: number | null }
  | { type: 'log'; line: string }
  | { type: 'done'; result: EvaluationResult | null; status: StopStatus; message: string; history: EpochRecord[] }
  | { type: 'error'; message: string };
