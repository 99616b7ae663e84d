/**
 * The page `npm run train -- --backend webgpu` drives in headless Chromium: the same training job
 * as the CPU path (sleep/train/job.ts), on the WebGPU backend. File bytes, checkpoints, progress
 * and the result cross to Node through functions the CLI exposes on the page (puppeteer
 * bindings); nothing else leaves the page.
 */
import '../../engine/index.ts';
import { initWebGPU } from '../../engine/backends/webgpu/index.ts';
import type { BatchError } from '../../sleep/edf/batch.ts';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointStore, type StoredCheckpoint } from '../../sleep/train/checkpoint.ts';
import type { TrainConfig } from '../../sleep/train/config.ts';
import { TrainControl } from '../../sleep/train/control.ts';
import type { TrainEvent } from '../../sleep/train/events.ts';
import { runTrainingJob, type ModelChoices } from '../../sleep/train/job.ts';
import { syntheticPairSources, type PairSource } from '../../sleep/train/pipeline.ts';
import type { TrainingReport } from '../../sleep/train/report.ts';

export interface BrowserJobSpec {
  synthetic: boolean;
  subjects: number[];
  nights: number[];
  hours?: number;
  syntheticSeed: number;
  /** Files on the Node side (folder data). */
  pairs: { psg: string; hypnogram: string; subject: number; night: number }[];
  skipped: BatchError[];
  sourceDescription: string;
  config: TrainConfig;
  model: ModelChoices;
  resume: boolean;
  runtime: string;
}

export type BrowserJobOutcome = { ok: true; report: TrainingReport; weightsBase64: string } | { ok: false; error: string };

/** Functions the CLI exposes (page.exposeFunction); each returns a promise. */
interface Bindings {
  hgReadFile(name: string): Promise<string>;
  hgSaveCheckpoint(base64: string): Promise<void>;
  hgLoadCheckpoint(): Promise<string | null>;
  hgDescribeCheckpoint(): Promise<string>;
  hgEvent(event: TrainEvent): Promise<void>;
  hgLog(line: string): Promise<void>;
  hgDone(outcome: BrowserJobOutcome): Promise<void>;
}

const w = globalThis as unknown as Bindings & { hypnogradTrain: { start(spec: BrowserJobSpec): void; stop(): void }; hypnogradTrainReady: boolean };

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

class BindingCheckpointStore implements CheckpointStore {
  constructor(private readonly where: string) {}
  async save(_name: string, checkpoint: StoredCheckpoint): Promise<void> {
    await w.hgSaveCheckpoint(toBase64(encodeCheckpoint(checkpoint)));
  }
  async load(_name: string): Promise<StoredCheckpoint | undefined> {
    const text = await w.hgLoadCheckpoint();
    return text === null ? undefined : decodeCheckpoint(fromBase64(text), this.where);
  }
  describe(): string {
    return this.where;
  }
}

const control = new TrainControl();

async function run(spec: BrowserJobSpec): Promise<BrowserJobOutcome> {
  const info = await initWebGPU({ setDefault: true });
  await w.hgLog(`WebGPU adapter: ${[info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || '(no details given)'}`);
  const sources: PairSource[] = spec.synthetic
    ? syntheticPairSources(spec.subjects, spec.nights, spec.syntheticSeed, spec.hours)
    : spec.pairs.map((p) => ({
        subject: p.subject,
        night: p.night,
        psg: { file: p.psg, load: async () => fromBase64(await w.hgReadFile(p.psg)) },
        hypnogram: { file: p.hypnogram, load: async () => fromBase64(await w.hgReadFile(p.hypnogram)) },
      }));
  const { report, weights } = await runTrainingJob({
    sources,
    skipped: spec.skipped,
    synthetic: spec.synthetic,
    sourceDescription: spec.sourceDescription,
    config: spec.config,
    model: spec.model,
    device: 'webgpu',
    backendInfo: { runtime: `${spec.runtime}; ${navigator.userAgent}`, adapter: { ...info } },
    store: new BindingCheckpointStore(await w.hgDescribeCheckpoint()),
    resume: spec.resume,
    control,
    onEvent: (e) => void w.hgEvent(e),
    onLog: (line) => void w.hgLog(line),
    onRecording: (r, i, n) => void w.hgLog(`  [${i}/${n}] ${r.file}: ${r.epochs.nEpochs} windows`),
    weightsFiles: ['model.safetensors'],
  });
  return { ok: true, report, weightsBase64: toBase64(weights) };
}

w.hypnogradTrain = {
  start(spec) {
    run(spec).then(
      (outcome) => w.hgDone(outcome),
      (err: unknown) => w.hgDone({ ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  },
  stop() {
    control.stop('interrupted (Ctrl-C)');
  },
};
w.hypnogradTrainReady = true;
document.getElementById('log')!.textContent = 'ready';
