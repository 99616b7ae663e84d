/**
 * report.json: one self-describing record of a training run (what was trained on what, how it
 * went epoch by epoch, and how the evaluated model scores on the test subjects). Plain JSON.
 */
import type { BatchError } from '../edf/batch.ts';
import { STAGES } from '../types.ts';
import type { TrainConfig } from './config.ts';
import type { Evaluation } from './evaluate.ts';
import type { EpochRecord } from './history.ts';
import type { PreparedData, SplitCounts } from './pipeline.ts';
import type { TrainResult } from './trainer.ts';

export const REPORT_FORMAT = 'hypnograd-training-report';

export interface TestMetrics {
  windows: number;
  loss: number;
  accuracy: number;
  balancedAccuracy: number;
  kappa: number;
  macroF1: number;
  perClass: { stage: string; precision: number; recall: number; f1: number; support: number }[];
  /** Rows: true stage, columns: predicted stage, in `stages` order. */
  confusionMatrix: number[][];
}

export interface TrainingReport {
  format: typeof REPORT_FORMAT;
  version: 1;
  /** True when the recordings were generated (sleep/synthetic), not recorded from people. */
  synthetic: boolean;
  dataNote: string;
  createdAt: string;
  stages: string[];
  config: TrainConfig;
  model: { name: string; options: Record<string, unknown>; parameters: number };
  data: {
    source: string;
    recordingsRead: number;
    skipped: BatchError[];
    counts: { train: SplitCounts; valid: SplitCounts; test: SplitCounts; total: SplitCounts };
    files: PreparedData['files'];
    windowShape: [channels: number, samples: number];
    sfreq: number;
    classWeights: number[] | null;
    channelScaler: PreparedData['channelScaler'];
  };
  outcome: { status: TrainResult['status']; message: string; epochsCompleted: number; bestEpoch: number; steps: number; resumedFromEpoch: number };
  history: EpochRecord[];
  test: {
    /** The weights the headline metrics come from: 'best' (lowest validation loss) or 'last'. */
    evaluatedModel: 'best' | 'last';
    epoch: number;
    metrics: TestMetrics;
    /** The last epoch's weights on the same test set (what the tutorial's notebook reported), when asked for. */
    lastModel: TestMetrics | null;
  } | null;
  /** Which weights were written to the weights file, and where. */
  weights: { model: 'best' | 'last'; epoch: number; files: string[] } | null;
  timings: { totalSeconds: number; dataSeconds: number; trainSeconds: number };
  backend: { device: string; adapter: Record<string, unknown> | null; runtime: string };
}

export function testMetrics(e: Evaluation): TestMetrics {
  return {
    windows: e.yTrue.length,
    loss: e.loss,
    accuracy: e.report.accuracy,
    balancedAccuracy: e.report.balancedAccuracy,
    kappa: e.report.kappa,
    macroF1: e.report.macroF1,
    perClass: e.report.perClass.map((s, i) => ({ stage: STAGES[i] ?? String(i), ...s })),
    confusionMatrix: e.report.confusion.map((r) => [...r]),
  };
}

export interface ReportParts {
  synthetic: boolean;
  source: string;
  config: TrainConfig;
  model: TrainingReport['model'];
  data: PreparedData;
  skipped: BatchError[];
  result: TrainResult;
  weightsFiles: string[];
  timings: TrainingReport['timings'];
  backend: TrainingReport['backend'];
}

export const SYNTHETIC_NOTE = 'SYNTHETIC data: generated recordings (sleep/synthetic), not EEG from any person; the metrics say nothing about real sleep staging.';

export function buildReport(p: ReportParts): TrainingReport {
  const r = p.result;
  const headline = r.test ? (r.test.evaluated === 'best' ? r.test.best : r.test.last) : null;
  return {
    format: REPORT_FORMAT,
    version: 1,
    synthetic: p.synthetic,
    dataNote: p.synthetic ? SYNTHETIC_NOTE : 'Recorded data (PSG and hypnogram EDF files).',
    createdAt: new Date().toISOString(),
    stages: [...STAGES],
    config: p.config,
    model: p.model,
    data: {
      source: p.source,
      recordingsRead: p.data.counts.total.recordings,
      skipped: p.skipped,
      counts: p.data.counts,
      files: p.data.files,
      windowShape: [p.data.nChannels, p.data.nSamples],
      sfreq: p.data.sfreq,
      classWeights: r.classWeights ? Array.from(r.classWeights) : null,
      channelScaler: p.data.channelScaler,
    },
    outcome: { status: r.status, message: r.message, epochsCompleted: r.epochsCompleted, bestEpoch: r.bestEpoch, steps: r.steps, resumedFromEpoch: r.resumedFromEpoch },
    history: r.history,
    test:
      r.test && headline
        ? { evaluatedModel: r.test.evaluated, epoch: r.test.epoch, metrics: testMetrics(headline), lastModel: r.test.evaluated === 'best' && r.test.last ? testMetrics(r.test.last) : null }
        : null,
    weights: p.weightsFiles.length ? { model: r.test?.evaluated ?? (r.bestEpoch > 0 ? 'best' : 'last'), epoch: r.test?.epoch ?? r.bestEpoch, files: p.weightsFiles } : null,
    timings: p.timings,
    backend: p.backend,
  };
}

/** JSON with non-finite numbers written as null (JSON.stringify does that too, but silently; here it is deliberate). */
export function reportToJson(report: TrainingReport): string {
  return JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
}
