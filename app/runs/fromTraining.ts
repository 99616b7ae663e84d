/**
 * A finished (or stopped) training session as a run record: what it was trained on (captured
 * when it started), its history, test metrics, confusion matrices and the evaluated weights.
 */
import { SLEEP_STAGE_NAMES, historyFrom, newRunId, runMetricsFrom, type JsonObject, type RunRecord } from '../../sleep/runs/record.ts';
import type { TrainConfig } from '../../sleep/train/config.ts';
import type { EpochRecord } from '../../sleep/train/history.ts';
import type { EvaluationResult } from '../training/protocol.ts';
import type { Dataset, DeviceChoice, EpochsState, ModelSettings, PreprocessSettings, SplitState } from '../state/types.ts';

/** The app's state when a run started. */
export interface RunInputs {
  dataset: Dataset | null;
  epochs: EpochsState;
  split: SplitState;
  model: ModelSettings;
  preprocess: PreprocessSettings;
  device: DeviceChoice;
  config: TrainConfig;
  /** A name chosen before the start (a one-click variation), else one is made from the config. */
  name?: string;
}

export function describeConfig(c: TrainConfig, p?: PreprocessSettings): string {
  const o = c.optimizer;
  const opt = o.name === 'sgd' ? `SGD momentum ${o.momentum}` : o.name === 'adamw' ? 'AdamW' : 'Adam';
  const loss = c.loss.name === 'focal' ? `focal γ=${c.loss.gamma}` : c.loss.labelSmoothing > 0 ? `CE smoothing ${c.loss.labelSmoothing}` : 'CE';
  const filter = p ? (p.filter === 'bandpass' ? `, ${p.lFreq}-${p.hFreq} Hz` : p.filter === 'lowpass' ? `, <${p.hFreq} Hz` : p.filter === 'highpass' ? `, >${p.lFreq} Hz` : ', unfiltered') : '';
  return `ConvNet: ${opt} lr ${o.lr}, ${loss}${filter}, ${c.epochs} epoch${c.epochs === 1 ? '' : 's'}`;
}

export function runFromTraining(
  inputs: RunInputs,
  outcome: { result: EvaluationResult | null; history: readonly EpochRecord[]; phase: string; windows: { train: number; valid: number; test: number } | null },
  created: Date = new Date(),
): RunRecord {
  const { result } = outcome;
  const recs = inputs.epochs.recordings;
  const split = inputs.split.split;
  const config: JsonObject = {
    training: structuredClone(inputs.config) as unknown as JsonObject,
    model: { ...inputs.model },
    preprocess: { ...inputs.preprocess },
    device: result?.device ?? inputs.device,
  };
  const metrics: RunRecord['metrics'] = {};
  const confusion: RunRecord['confusion'] = {};
  if (result) {
    metrics.test = runMetricsFrom(result.report, result.loss);
    confusion.test = result.report.confusion.map((r) => [...r]);
    if (result.lastReport) {
      metrics.testLast = runMetricsFrom(result.lastReport);
      confusion.testLast = result.lastReport.confusion.map((r) => [...r]);
    }
  }
  const history = historyFrom(result?.history ?? outcome.history);
  return {
    id: newRunId(),
    name: inputs.name ?? describeConfig(inputs.config, inputs.preprocess),
    created: created.toISOString(),
    model: 'chambon2018',
    config,
    data: {
      trainSubjects: split ? [...split.trainSubjects] : [],
      validSubjects: split ? [...split.validSubjects] : [],
      testSubjects: split ? [...split.testSubjects] : [],
      synthetic: inputs.dataset?.synthetic ?? false,
      ...(outcome.windows ? { windows: { ...outcome.windows } } : {}),
      recordings: recs.map((r) => r.file),
    },
    history,
    metrics,
    confusion,
    classNames: [...SLEEP_STAGE_NAMES],
    status: result?.status ?? (outcome.phase === 'error' ? 'failed' : 'stopped'),
    weights: result ? { kind: 'safetensors', bytes: result.weights.slice() } : null,
    ...(result ? { notes: `evaluated the ${result.evaluated} weights (epoch ${result.epoch}) on ${result.device}` } : {}),
  };
}
