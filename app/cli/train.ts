/**
 * npm run train -- --data DIR --subjects 0-29 --recording 1 --epochs 10 --out DIR [--backend cpu|webgpu] [--seed 87]
 * npm run train -- --synthetic --subjects 0-19 --out DIR ...
 *
 * Trains the Chambon et al. (2018) sleep stager as the braindecode/MNE tutorial does, and writes
 * report.json, model.safetensors and checkpoint.ckpt (resumable with --resume) to --out.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from './args.ts';
import { parseIntegerList } from '../../sleep/physionet/catalog.ts';
import { DEFAULT_SEED, resolveTrainConfig, type TrainConfig, type TrainConfigInput } from '../../sleep/train/config.ts';
import { TrainControl } from '../../sleep/train/control.ts';
import type { TrainEvent } from '../../sleep/train/events.ts';
import { runTrainingJob, type ModelChoices, type TrainingJob } from '../../sleep/train/job.ts';
import { NodeCheckpointStore } from '../../sleep/train/nodeCheckpointStore.ts';
import { pairSleepCassetteFiles, syntheticPairSources, type PairSource } from '../../sleep/train/pipeline.ts';
import { reportToJson, SYNTHETIC_NOTE, type TrainingReport } from '../../sleep/train/report.ts';
import { STAGES } from '../../sleep/types.ts';
import type { BatchError } from '../../sleep/edf/batch.ts';
import type { WakeCropMode } from '../../sleep/epochs/crop.ts';

const USAGE = `usage: npm run train -- (--data DIR | --synthetic) --out DIR [options]
data
  --data DIR            PSG/hypnogram EDF pairs: MNE's cache folder (DIR or DIR/physionet-sleep-data) or any flat folder
  --synthetic           train on generated SYNTHETIC recordings (sleep/synthetic; no download)
  --hours H             synthetic nights cut to H hours from 30 min before sleep (default: whole nights)
  --synthetic-seed N    generator seed of the synthetic recordings (default 0)
  --subjects LIST       subjects, e.g. 0-29 or 0,3,5-9 (default 0-29)
  --recording LIST      nights, 1 and/or 2 (default 1)
  --test-subjects LIST  (default 0-9)      --valid-subjects LIST (default: the --n-valid lowest others)
  --n-valid N           (default 4)
preprocessing
  --channels A,B        (default "EEG Fpz-Cz,EEG Pz-Oz")
  --crop MODE           braindecode | sleep-end | mne-tutorial | none (default braindecode)
  --crop-minutes M      wake kept either side of sleep (default 30)
  --l-freq HZ|none      (default none)  --h-freq HZ|none (default 30)
  --scaling MODE        window (z-score each window) | channel (train-set mean/std) | none (default window)
training
  --epochs N (10)  --batch-size N (128)  --eval-batch-size N (256)  --patience N (5; 0 = off)
  --optimizer adam|adamw|sgd (adam)  --lr X (1e-3)  --weight-decay X (optimizer default)  --momentum X (SGD, 0.9)
  --loss cross-entropy|focal  --class-weights balanced|none  --label-smoothing X  --gamma X (focal, 2)
  --seed N (${DEFAULT_SEED})  --readback-interval N (1)  --resume (continue from --out/checkpoint.ckpt)
model (SleepStagerChambon2018)
  --n-conv-chs N (8)  --dropout X (0.25)  --batch-norm  --rounding tutorial|braindecode (tutorial)
run
  --out DIR             report.json, model.safetensors, checkpoint.ckpt
  --backend cpu|webgpu  (default cpu; webgpu runs the same code in headless Chromium)`;

const OPTIONS = {
  data: 'value', synthetic: 'flag', hours: 'value', 'synthetic-seed': 'value', subjects: 'value', recording: 'value',
  'test-subjects': 'value', 'valid-subjects': 'value', 'n-valid': 'value',
  channels: 'value', crop: 'value', 'crop-minutes': 'value', 'l-freq': 'value', 'h-freq': 'value', scaling: 'value',
  epochs: 'value', 'batch-size': 'value', 'eval-batch-size': 'value', patience: 'value', optimizer: 'value', lr: 'value',
  'weight-decay': 'value', momentum: 'value', loss: 'value', 'class-weights': 'value', 'label-smoothing': 'value', gamma: 'value',
  seed: 'value', 'readback-interval': 'value', resume: 'flag',
  'n-conv-chs': 'value', dropout: 'value', 'batch-norm': 'flag', rounding: 'value',
  out: 'value', backend: 'value', help: 'flag',
} as const satisfies Record<string, 'value' | 'flag'>;

export interface CliPlan {
  config: TrainConfig;
  model: ModelChoices;
  out: string;
  backend: 'cpu' | 'webgpu';
  synthetic: boolean;
  dataDir: string | null;
  subjects: number[];
  nights: number[];
  hours: number | undefined;
  syntheticSeed: number;
  resume: boolean;
}

function num(args: Map<string, string>, name: string): number | undefined {
  const v = args.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new Error(`--${name}: '${v}' is not a number`);
  return n;
}

function freq(args: Map<string, string>, name: string): number | null | undefined {
  const v = args.get(name);
  if (v === undefined) return undefined;
  return v === 'none' ? null : num(args, name);
}

export function planFromArgs(argv: readonly string[]): CliPlan | 'help' {
  const args = parseArgs(argv, OPTIONS);
  if (args.has('help')) return 'help';
  const synthetic = args.has('synthetic');
  if (synthetic === args.has('data')) throw new Error('give exactly one of --data DIR and --synthetic');
  if (!args.has('out')) throw new Error('--out is required');
  if (args.has('hours') && !synthetic) throw new Error('--hours applies to --synthetic data only');
  const backend = args.get('backend') ?? 'cpu';
  if (backend !== 'cpu' && backend !== 'webgpu') throw new Error(`--backend: '${backend}' must be cpu or webgpu`);
  const list = (name: string) => (args.has(name) ? parseIntegerList(args.get(name)!, `--${name}`) : undefined);
  const hours = num(args, 'hours');
  if (hours !== undefined && !(hours > 0)) throw new Error(`--hours: ${hours} must be positive`);
  const input: TrainConfigInput = {
    seed: num(args, 'seed'),
    epochs: num(args, 'epochs'),
    batchSize: num(args, 'batch-size'),
    evalBatchSize: num(args, 'eval-batch-size'),
    patience: num(args, 'patience'),
    readbackInterval: num(args, 'readback-interval'),
    optimizer: { name: args.get('optimizer') as TrainConfig['optimizer']['name'] | undefined, lr: num(args, 'lr'), weightDecay: num(args, 'weight-decay'), momentum: num(args, 'momentum') },
    loss: {
      name: args.get('loss') as TrainConfig['loss']['name'] | undefined,
      classWeights: args.get('class-weights') as TrainConfig['loss']['classWeights'] | undefined,
      labelSmoothing: num(args, 'label-smoothing'),
      gamma: num(args, 'gamma'),
    },
    preprocess: {
      channels: args.get('channels')?.split(',').map((s) => s.trim()),
      crop: args.get('crop') as WakeCropMode | undefined,
      cropMinutes: num(args, 'crop-minutes'),
      lFreq: freq(args, 'l-freq'),
      hFreq: freq(args, 'h-freq'),
      scaling: args.get('scaling') as TrainConfig['preprocess']['scaling'] | undefined,
    },
    split: { testSubjects: list('test-subjects'), validSubjects: list('valid-subjects'), nValid: num(args, 'n-valid') },
  };
  const config = resolveTrainConfig(input);
  const rounding = args.get('rounding');
  if (rounding !== undefined && rounding !== 'tutorial' && rounding !== 'braindecode') throw new Error(`--rounding: '${rounding}' must be tutorial or braindecode`);
  const model: ModelChoices = { nConvChs: num(args, 'n-conv-chs'), dropout: num(args, 'dropout'), batchNorm: args.has('batch-norm') || undefined, rounding };
  const syntheticSeed = num(args, 'synthetic-seed') ?? 0;
  return {
    config,
    model: Object.fromEntries(Object.entries(model).filter(([, v]) => v !== undefined)) as ModelChoices,
    out: resolve(args.get('out')!),
    backend,
    synthetic,
    dataDir: args.has('data') ? resolve(args.get('data')!) : null,
    subjects: list('subjects') ?? parseIntegerList('0-29', '--subjects'),
    nights: list('recording') ?? [1],
    hours,
    syntheticSeed,
    resume: args.has('resume'),
  };
}

/** EDF pairs in DIR (or DIR/physionet-sleep-data, where MNE keeps them), for the subjects and nights asked. */
export function discoverPairs(dir: string, subjects: readonly number[], nights: readonly number[]): { sources: PairSource[]; skipped: BatchError[]; folder: string } {
  const candidates = [join(dir, 'physionet-sleep-data'), dir];
  const folder = candidates.find((d) => {
    try {
      return statSync(d).isDirectory() && readdirSync(d).some((f) => /\.edf$/i.test(f));
    } catch {
      return false;
    }
  });
  if (!folder) throw new Error(`--data: no .edf files in ${dir} nor in ${join(dir, 'physionet-sleep-data')}`);
  const { pairs, skipped } = pairSleepCassetteFiles(readdirSync(folder), subjects, nights);
  const found = new Set(pairs.map((p) => `${p.subject}/${p.night}`));
  for (const s of subjects) for (const n of nights) if (!found.has(`${s}/${n}`) && !skipped.some((e) => e.file.startsWith(`SC4${String(s).padStart(2, '0')}${n}`))) skipped.push({ file: `SC4${String(s).padStart(2, '0')}${n}*`, field: null, reason: `subject ${s} night ${n}: no PSG file in ${folder}` });
  const sources = pairs.map((p) => ({
    subject: p.subject,
    night: p.night,
    psg: { file: p.psg, load: () => new Uint8Array(readFileSync(join(folder, p.psg))) },
    hypnogram: { file: p.hypnogram, load: () => new Uint8Array(readFileSync(join(folder, p.hypnogram))) },
  }));
  return { sources, skipped, folder };
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

function bar(fraction: number, width = 24): string {
  const n = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}]`;
}

/** Prints progress: one rewritten line on a terminal, a line per tenth of an epoch otherwise. */
export function progressPrinter(write: (s: string) => void, tty: boolean): (e: TrainEvent) => void {
  let lastTenth = -1;
  let lineOpen = false;
  const endLine = () => {
    if (lineOpen) write('\n');
    lineOpen = false;
  };
  return (e) => {
    switch (e.type) {
      case 'start':
        write(`training: ${e.trainWindows} train / ${e.validWindows} valid / ${e.testWindows} test windows, ${e.stepsPerEpoch} steps per epoch, epochs ${e.startEpoch}-${e.epochs}${e.resumed ? ' (resumed)' : ''}\n`);
        break;
      case 'step': {
        const loss = e.loss === null ? '   -  ' : e.loss.toFixed(4);
        const line = `epoch ${e.epoch} ${bar(e.step / e.stepsPerEpoch)} ${e.step}/${e.stepsPerEpoch} loss ${loss} ${e.samplesPerSecond.toFixed(0)} win/s ETA ${formatSeconds(e.etaSeconds)}`;
        if (tty) {
          write(`\r${line}\x1b[K`);
          lineOpen = true;
        } else {
          const tenth = Math.floor((10 * e.step) / e.stepsPerEpoch);
          if (tenth !== lastTenth) {
            lastTenth = tenth;
            write(`${line}\n`);
          }
        }
        break;
      }
      case 'epoch': {
        endLine();
        lastTenth = -1;
        const r = e.record;
        write(
          `epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)} bal-acc ${r.trainBalancedAccuracy.toFixed(3)} kappa ${r.trainKappa.toFixed(3)} | ` +
            `valid loss ${r.validLoss.toFixed(4)}${r.validLossBest ? '*' : ' '} bal-acc ${r.validBalancedAccuracy.toFixed(3)} kappa ${r.validKappa.toFixed(3)} | ` +
            `${r.seconds.toFixed(1)} s, ${r.samplesPerSecond.toFixed(0)} win/s, ETA ${formatSeconds(e.etaSeconds)}\n`,
        );
        break;
      }
      case 'paused':
        endLine();
        write(`paused at epoch ${e.epoch} step ${e.step}\n`);
        break;
      case 'testing':
        endLine();
        write(`testing the ${e.model} model\n`);
        break;
      case 'end':
        endLine();
        write(`${e.status}: ${e.message}\n`);
        break;
      default:
        break;
    }
  };
}

function printSummary(report: TrainingReport, out: string, write: (s: string) => void): void {
  if (report.synthetic) write(`NOTE: ${SYNTHETIC_NOTE}\n`);
  const t = report.test;
  if (t) {
    const m = t.metrics;
    write(`test (${t.evaluatedModel} model, epoch ${t.epoch}, ${m.windows} windows): balanced accuracy ${m.balancedAccuracy.toFixed(3)}, kappa ${m.kappa.toFixed(3)}, accuracy ${m.accuracy.toFixed(3)}, macro-F1 ${m.macroF1.toFixed(3)}\n`);
    write(`confusion matrix (rows true, columns predicted: ${STAGES.join(' ')}):\n`);
    for (const [i, row] of m.confusionMatrix.entries()) write(`  ${STAGES[i].padEnd(3)} ${row.map((v) => String(v).padStart(6)).join('')}\n`);
    if (t.lastModel) write(`last model (epoch ${report.outcome.epochsCompleted}) on the test set: balanced accuracy ${t.lastModel.balancedAccuracy.toFixed(3)}, kappa ${t.lastModel.kappa.toFixed(3)}\n`);
  }
  write(`wrote ${join(out, 'report.json')}${report.weights ? `, ${report.weights.files.map((f) => join(out, f)).join(', ')} (${report.weights.model} weights, epoch ${report.weights.epoch})` : ''}\n`);
}

export function buildJob(plan: CliPlan, write: (s: string) => void, control: TrainControl, tty: boolean): TrainingJob {
  let sources: PairSource[];
  let skipped: BatchError[] = [];
  let description: string;
  if (plan.synthetic) {
    sources = syntheticPairSources(plan.subjects, plan.nights, plan.syntheticSeed, plan.hours);
    description = `SYNTHETIC sleep-cassette nights (sleep/synthetic, seed ${plan.syntheticSeed}${plan.hours !== undefined ? `, ${plan.hours} h each` : ''})`;
  } else {
    const found = discoverPairs(plan.dataDir!, plan.subjects, plan.nights);
    sources = found.sources;
    skipped = found.skipped;
    description = found.folder;
  }
  return {
    sources,
    skipped,
    synthetic: plan.synthetic,
    sourceDescription: description,
    config: plan.config,
    model: plan.model,
    device: plan.backend,
    backendInfo: { runtime: `Node ${process.version} (${process.platform} ${process.arch})`, adapter: null },
    store: new NodeCheckpointStore(plan.out),
    resume: plan.resume,
    control,
    onEvent: progressPrinter(write, tty),
    onLog: (line) => write(`${line}\n`),
    onRecording: (r, i, n) => write(`  [${i}/${n}] ${r.file}: ${r.epochs.nEpochs} windows\n`),
    weightsFiles: ['model.safetensors'],
  };
}

async function main(): Promise<number> {
  let plan: CliPlan | 'help';
  try {
    plan = planFromArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`train: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (plan === 'help') {
    console.log(USAGE);
    return 0;
  }
  const write = (s: string) => void process.stdout.write(s);
  if (plan.synthetic) write(`NOTE: ${SYNTHETIC_NOTE}\n`);
  if (plan.backend === 'webgpu') {
    const { runInBrowser } = await import('./trainBrowser.ts');
    return runInBrowser(plan, write);
  }
  mkdirSync(plan.out, { recursive: true });
  const control = new TrainControl();
  let interrupts = 0;
  process.on('SIGINT', () => {
    if (++interrupts > 1) process.exit(130);
    write('\nstopping after this step (Ctrl-C again to quit now)\n');
    control.stop('interrupted (Ctrl-C)');
  });
  const job = buildJob(plan, write, control, process.stdout.isTTY === true);
  write(`reading ${job.sources.length} recordings from ${job.sourceDescription}\n`);
  const { report, weights } = await runTrainingJob(job);
  writeFileSync(join(plan.out, 'model.safetensors'), weights);
  writeFileSync(join(plan.out, 'report.json'), reportToJson(report));
  printSummary(report, plan.out, write);
  return report.outcome.status === 'diverged' ? 1 : report.outcome.status === 'stopped' ? 130 : 0;
}

export { printSummary, USAGE };

// Run only as the entry point (tests import the helpers above).
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`train: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
