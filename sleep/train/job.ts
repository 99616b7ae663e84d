/**
 * One training job end to end, the same code in Node (the CLI on the CPU backend) and in a
 * browser page or worker (WebGPU): read and preprocess the recordings, split by subject, build
 * the Chambon model from the seed, train (resuming from the store when asked), evaluate, and
 * return the report with the safetensors weights. Browser-safe: I/O comes in through the
 * sources, the checkpoint store and the callbacks.
 */
import { manualSeed, type DeviceName } from '../../engine/index.ts';
import type { BatchError } from '../edf/batch.ts';
import { SleepStagerChambon2018, type ChambonOptions } from '../model/chambon.ts';
import { saveSafetensors } from '../model/safetensors.ts';
import type { CheckpointStore } from './checkpoint.ts';
import type { TrainConfig } from './config.ts';
import type { TrainControl } from './control.ts';
import type { TrainEventListener } from './events.ts';
import { buildDatasets, loadRecordings, type PairSource, type PreparedRecording } from './pipeline.ts';
import { buildReport, type TrainingReport } from './report.ts';
import { Trainer } from './trainer.ts';
import { STAGES } from '../types.ts';

/** Model choices a learner may change; sizes that follow from the data (channels, rate, window) are filled in. */
export type ModelChoices = Pick<ChambonOptions, 'nConvChs' | 'timeConvSizeS' | 'maxPoolSizeS' | 'padSizeS' | 'dropout' | 'batchNorm' | 'rounding'>;

export interface TrainingJob {
  sources: readonly PairSource[];
  /** Pairs already refused before reading (e.g. a PSG without hypnogram); reported with the read errors. */
  skipped?: readonly BatchError[];
  synthetic: boolean;
  /** The data's origin for the report (a folder, or a synthetic description). */
  sourceDescription: string;
  config: TrainConfig;
  model?: ModelChoices;
  device: DeviceName;
  /** Runtime and adapter for the report. */
  backendInfo: { runtime: string; adapter: Record<string, unknown> | null };
  store?: CheckpointStore;
  /** Continue from the store's checkpoint when there is one. */
  resume?: boolean;
  control?: TrainControl;
  onEvent?: TrainEventListener;
  onLog?: (line: string) => void;
  onRecording?: (r: PreparedRecording, index: number, total: number) => void;
  /** Names the caller will write the returned weights under (for the report). */
  weightsFiles?: string[];
}

export interface TrainingJobResult {
  report: TrainingReport;
  /** safetensors (F32, PyTorch-loadable) of the weights the report names. */
  weights: Uint8Array;
  model: SleepStagerChambon2018;
}

export async function runTrainingJob(job: TrainingJob): Promise<TrainingJobResult> {
  const t0 = performance.now();
  const log = job.onLog ?? (() => {});
  const { config } = job;
  const loaded = await loadRecordings(job.sources, config.preprocess, job.onRecording);
  const skipped = [...(job.skipped ?? []), ...loaded.errors];
  for (const e of skipped) log(`skipped ${e.file}${e.field ? ` (${e.field})` : ''}: ${e.reason}`);
  const data = buildDatasets(loaded.recordings, config.split, config.preprocess.scaling);
  const dataSeconds = (performance.now() - t0) / 1000;

  // Everything random (initial weights, dropout) follows the seed, as braindecode's set_random_seeds.
  manualSeed(config.seed);
  const model = new SleepStagerChambon2018({ ...job.model, nChannels: data.nChannels, sfreq: data.sfreq, inputSizeS: data.nSamples / data.sfreq, nClasses: STAGES.length, device: job.device });
  const trainer = new Trainer({ model, data: data.sets, config, device: job.device, store: job.store, control: job.control, onEvent: job.onEvent });
  if (job.resume && job.store) {
    if (await trainer.resumeFromStore()) log(`resuming from ${job.store.describe(trainer.checkpointName)} after epoch ${trainer.getHistory().length}`);
    else log(`no checkpoint at ${job.store.describe(trainer.checkpointName)}; starting fresh`);
  }
  const t1 = performance.now();
  const result = await trainer.run();
  const trainSeconds = (performance.now() - t1) / 1000;
  const weights = await saveSafetensors(model, {
    metadata: { model: 'SleepStagerChambon2018', weights: result.bestEpoch > 0 ? `best (epoch ${result.bestEpoch})` : 'last', synthetic: String(job.synthetic) },
  });
  const c = model.config;
  const report = buildReport({
    synthetic: job.synthetic,
    source: job.sourceDescription,
    config,
    model: {
      name: 'SleepStagerChambon2018',
      options: { nChannels: c.nChannels, sfreq: c.sfreq, inputSizeS: c.inputSizeS, nClasses: c.nClasses, nConvChs: c.nConvChs, timeConvSizeS: c.timeConvSizeS, maxPoolSizeS: c.maxPoolSizeS, padSizeS: c.padSizeS, dropout: c.dropout, batchNorm: c.batchNorm, rounding: c.rounding },
      parameters: model.numParameters(),
    },
    data,
    skipped,
    result,
    weightsFiles: job.weightsFiles ?? [],
    timings: { totalSeconds: (performance.now() - t0) / 1000, dataSeconds, trainSeconds },
    backend: { device: job.device, adapter: job.backendInfo.adapter, runtime: job.backendInfo.runtime },
  });
  return { report, weights, model };
}
