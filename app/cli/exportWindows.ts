/**
 * npx tsx app/cli/exportWindows.ts <the arguments of an `npm run train` run> --out DIR
 *
 * Writes what that training run trains on, for a PyTorch run on the very same data
 * (tests/fixtures/scripts/torch_train_synthetic.py):
 *   DIR/windows.bin          the preprocessed windows, labels, subjects and split (format below)
 *   DIR/initial.safetensors  the model's initial weights (F64), drawn from the run's seed as the job draws them
 *
 * It reads the arguments with the train command's own parser and runs the same pipeline
 * (loadRecordings, buildDatasets), so a window here is the window the run saw, in the order of
 * its training set.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { manualSeed } from '../../engine/index.ts';
import { balancedClassWeights } from '../../sleep/dataset/classWeights.ts';
import { SleepStagerChambon2018 } from '../../sleep/model/chambon.ts';
import { saveSafetensors } from '../../sleep/model/safetensors.ts';
import { buildDatasets, loadRecordings, type PreparedRecording } from '../../sleep/train/pipeline.ts';
import { encodeWindowsFile, type WindowsFileRecording } from './windowsFile.ts';
import { buildJob, planFromArgs, type CliPlan } from './train.ts';
import { TrainControl } from '../../sleep/train/control.ts';
import { SYNTHETIC_NOTE } from '../../sleep/train/report.ts';

export interface ExportResult {
  windowsFile: string;
  weightsFile: string;
  windows: number;
  classWeights: number[];
}

/** Runs the plan's preprocessing and writes DIR/windows.bin and DIR/initial.safetensors. */
export async function exportWindows(plan: CliPlan, write: (s: string) => void = () => {}): Promise<ExportResult> {
  const job = buildJob(plan, () => {}, new TrainControl(), false);
  const { config } = plan;
  const loaded = await loadRecordings(job.sources, config.preprocess, (r, i, n) => write(`  [${i}/${n}] ${r.file}: ${r.epochs.nEpochs} windows\n`));
  for (const e of [...(job.skipped ?? []), ...loaded.errors]) write(`skipped ${e.file}${e.field ? ` (${e.field})` : ''}: ${e.reason}\n`);
  const data = buildDatasets(loaded.recordings, config.split, config.preprocess.scaling);
  const byFile = new Map<string, PreparedRecording>(loaded.recordings.map((r) => [r.file, r]));
  const recordings: WindowsFileRecording[] = (['train', 'valid', 'test'] as const).flatMap((split) =>
    data.files[split].map((file) => {
      const r = byFile.get(file)!;
      return { file, subject: r.subject, night: r.night, split, epochs: r.epochs };
    }),
  );
  let classWeights: number[] | null = null;
  if (config.loss.classWeights === 'balanced') {
    try {
      classWeights = Array.from(balancedClassWeights(data.sets.train.map((s) => s.labels), 5));
    } catch (err) {
      throw new Error(`training split (subjects ${data.counts.train.subjects.join(', ')}): ${(err as Error).message}; the run would refuse it too`);
    }
  }

  // As runTrainingJob: the seed, then the model, so the initial draws are the run's.
  manualSeed(config.seed);
  const model = new SleepStagerChambon2018({ ...plan.model, nChannels: data.nChannels, sfreq: data.sfreq, inputSizeS: data.nSamples / data.sfreq, nClasses: 5, device: 'cpu' });
  const c = model.config;
  const bytes = encodeWindowsFile({
    synthetic: plan.synthetic,
    source: job.sourceDescription,
    note: plan.synthetic ? SYNTHETIC_NOTE : 'Recorded data (PSG and hypnogram EDF files).',
    config,
    model: { name: 'SleepStagerChambon2018', options: { nChannels: c.nChannels, sfreq: c.sfreq, inputSizeS: c.inputSizeS, nClasses: c.nClasses, nConvChs: c.nConvChs, timeConvSizeS: c.timeConvSizeS, maxPoolSizeS: c.maxPoolSizeS, padSizeS: c.padSizeS, dropout: c.dropout, batchNorm: c.batchNorm, rounding: c.rounding }, parameters: model.numParameters() },
    classWeights,
    sfreq: data.sfreq,
    recordings,
  });
  const weights = await saveSafetensors(model, { dtype: 'F64', metadata: { model: 'SleepStagerChambon2018', weights: `initial (seed ${config.seed})`, synthetic: String(plan.synthetic) } });
  mkdirSync(plan.out, { recursive: true });
  const windowsFile = join(plan.out, 'windows.bin');
  const weightsFile = join(plan.out, 'initial.safetensors');
  writeFileSync(windowsFile, bytes);
  writeFileSync(weightsFile, weights);
  const windows = recordings.reduce((n, r) => n + r.epochs.nEpochs, 0);
  return { windowsFile, weightsFile, windows, classWeights: classWeights ?? [] };
}

async function main(): Promise<number> {
  let plan: CliPlan | 'help';
  try {
    plan = planFromArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`export-windows: ${(err as Error).message}\nusage: npx tsx app/cli/exportWindows.ts <npm run train arguments> --out DIR`);
    return 2;
  }
  if (plan === 'help') {
    console.log('usage: npx tsx app/cli/exportWindows.ts <npm run train arguments> --out DIR\nwrites DIR/windows.bin and DIR/initial.safetensors (see app/cli/exportWindows.ts)');
    return 0;
  }
  const write = (s: string) => void process.stdout.write(s);
  if (plan.synthetic) write(`NOTE: ${SYNTHETIC_NOTE}\n`);
  const r = await exportWindows(plan, write);
  write(`wrote ${r.windowsFile} (${r.windows} windows) and ${r.weightsFile}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`export-windows: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
