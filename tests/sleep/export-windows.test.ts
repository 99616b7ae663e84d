/**
 * app/cli/exportWindows.ts: the windows, labels, subjects, split, class weights and initial
 * weights of a training run, written for PyTorch (tests/fixtures/scripts/torch_train_synthetic.py).
 * Tiny SYNTHETIC set: 4 two-hour nights.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportWindows } from '../../app/cli/exportWindows.ts';
import { buildJob, planFromArgs, type CliPlan } from '../../app/cli/train.ts';
import { decodeWindowsFile, type WindowsFile } from '../../app/cli/windowsFile.ts';
import { decodeSafetensors, type SafetensorsFile } from '../../sleep/model/safetensors.ts';
import { TrainControl } from '../../sleep/train/control.ts';
import { runTrainingJob } from '../../sleep/train/job.ts';
import { preprocessRecording } from '../../sleep/train/pipeline.ts';
import { readPsgHypnogramBatch } from '../../sleep/edf/batch.ts';
import { syntheticPairSources } from '../../sleep/train/pipeline.ts';

const ARGS = ['--synthetic', '--subjects', '0-3', '--hours', '2', '--test-subjects', '0', '--valid-subjects', '1', '--seed', '7'];
const dir = mkdtempSync(join(tmpdir(), 'hypnograd-export-'));
let plan: CliPlan;
let file: WindowsFile;
let initial: SafetensorsFile;

beforeAll(async () => {
  plan = planFromArgs([...ARGS, '--out', dir]) as CliPlan;
  const r = await exportWindows(plan);
  file = decodeWindowsFile(new Uint8Array(readFileSync(r.windowsFile)), r.windowsFile);
  initial = decodeSafetensors(new Uint8Array(readFileSync(r.weightsFile)), r.weightsFile);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('export windows for PyTorch', () => {
  it('writes a header with the run config, the split by subject, and arrays that match it', () => {
    const h = file.header;
    expect(h.format).toBe('hypnograd-windows');
    expect(h.synthetic).toBe(true);
    expect(h.note).toMatch(/^SYNTHETIC data/);
    expect(h.config).toEqual(plan.config);
    expect([h.nChannels, h.nSamples, h.sfreq]).toEqual([2, 3000, 100]);
    // Two hours from 30 min before sleep are 240 thirty-second windows a night.
    expect(h.windows).toBe(960);
    expect(h.recordings.map((r) => [r.subject, r.split, r.start, r.windows])).toEqual([
      [2, 'train', 0, 240],
      [3, 'train', 240, 240],
      [1, 'valid', 480, 240],
      [0, 'test', 720, 240],
    ]);
    expect(file.x.length).toBe(960 * 2 * 3000);
    const splitOf: Record<number, number> = { 0: 2, 1: 1, 2: 0, 3: 0 };
    for (let i = 0; i < 960; i++) {
      const rec = h.recordings.find((r) => i >= r.start && i < r.start + r.windows)!;
      expect([file.subject[i], file.split[i]]).toEqual([rec.subject, splitOf[rec.subject]]);
      expect(file.y[i] >= 0 && file.y[i] < 5).toBe(true);
    }
  });

  it('class weights are n / (5 * count) over the exported training labels', () => {
    const counts = [0, 0, 0, 0, 0];
    let n = 0;
    for (let i = 0; i < file.y.length; i++) if (file.split[i] === 0) (counts[file.y[i]]++, n++);
    expect(n).toBe(480);
    expect(file.header.classWeights).toEqual(counts.map((c) => n / (5 * c)));
  });

  it('holds the preprocessed windows of each night, window for window (z-scored per window and channel)', async () => {
    const [source] = syntheticPairSources([3], [1], 0, 2);
    const read = await readPsgHypnogramBatch([source], { channels: plan.config.preprocess.channels, keep: (r) => preprocessRecording(r, plan.config.preprocess) });
    const epochs = read.recordings[0];
    const at = file.header.recordings.find((r) => r.subject === 3)!.start;
    const win = 2 * 3000;
    expect(Array.from(file.y.subarray(at, at + 240))).toEqual(Array.from(epochs.labels));
    for (const w of [0, 117, 239]) expect(file.x.subarray((at + w) * win, (at + w + 1) * win)).toEqual(epochs.data.subarray(w * win, (w + 1) * win));
    const row = file.x.subarray(5 * 3000, 6 * 3000);
    const mean = row.reduce((a, b) => a + b, 0) / 3000;
    const sd = Math.sqrt(row.reduce((a, b) => a + (b - mean) ** 2, 0) / 3000);
    expect(mean).toBeCloseTo(0, 5);
    expect(sd).toBeCloseTo(1, 5);
  });

  it("initial weights are the training job's, and seed 7's are the committed PyTorch-checked export", async () => {
    // A job stopped before its first step returns its untouched initial weights (as F32).
    const control = new TrainControl();
    control.stop('test');
    const job = { ...buildJob(plan, () => {}, control, false), store: undefined };
    const { weights } = await runTrainingJob(job);
    const fromJob = decodeSafetensors(weights, 'job weights');
    const committed = decodeSafetensors(new Uint8Array(readFileSync(new URL('../fixtures/torch/chambon_hypnograd.safetensors', import.meta.url))), 'chambon_hypnograd.safetensors');
    expect([...initial.tensors.keys()]).toEqual([...committed.tensors.keys()]);
    for (const [name, t] of initial.tensors) {
      expect(t.dtype).toBe('F64');
      expect(t.data).toEqual(committed.tensors.get(name)!.data);
      expect(fromJob.tensors.get(name)!.data).toEqual(t.data.map(Math.fround));
    }
  }, 30_000);

  it('refuses a file that is not a windows export, naming it', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, 8n, true);
    bytes.set(new TextEncoder().encode('{"a":1}  '.slice(0, 8)), 8);
    expect(() => decodeWindowsFile(bytes, 'x.bin')).toThrow(/^x\.bin: format: 'undefined' is not 'hypnograd-windows'/);
  });
});
