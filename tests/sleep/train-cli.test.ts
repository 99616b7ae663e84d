/**
 * `npm run train` as a child process on SYNTHETIC nights (small model, 2-hour nights): the
 * report's fields, the weights file, and resume through the file checkpoint giving the same
 * weights and history as an uninterrupted run. Argument handling is checked in-process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../sleep/model/safetensors.ts';
import { decodeCheckpoint } from '../../sleep/train/checkpoint.ts';
import { withoutTimings } from '../../sleep/train/history.ts';
import type { TrainingReport } from '../../sleep/train/report.ts';
import { planFromArgs } from '../../app/cli/train.ts';

const run = promisify(execFile);
const repo = new URL('../..', import.meta.url).pathname;
const tsx = join(repo, 'node_modules', '.bin', 'tsx');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const COMMON = ['--synthetic', '--subjects', '0-3', '--hours', '2', '--test-subjects', '0', '--valid-subjects', '1', '--n-conv-chs', '1', '--backend', 'cpu', '--seed', '87'];

async function train(extra: string[]): Promise<{ out: string; stdout: string }> {
  const out = extra.includes('--out') ? extra[extra.indexOf('--out') + 1] : mkdtempSync(join(tmpdir(), 'hypnograd-train-'));
  if (!dirs.includes(out)) dirs.push(out);
  const args = [join(repo, 'app', 'cli', 'train.ts'), ...COMMON, ...extra.filter((_, i) => extra[i] !== '--out' && extra[i - 1] !== '--out'), '--out', out];
  const { stdout } = await run(tsx, args, { cwd: repo, timeout: 60_000, killSignal: 'SIGKILL' });
  return { out, stdout };
}

const readReport = (out: string) => JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as TrainingReport;

describe('npm run train', () => {
  it('trains on synthetic data, writes a consistent report and the weights, and resumes from its checkpoint', async () => {
    const first = await train(['--epochs', '1']);
    const report = readReport(first.out);
    expect(first.stdout).toMatch(/NOTE: SYNTHETIC data/);
    expect(first.stdout).toMatch(/epoch 1: train loss \d\.\d{4} bal-acc/);
    expect(first.stdout).toMatch(/test \(best model, epoch 1, 240 windows\): balanced accuracy/);
    expect(report.format).toBe('hypnograd-training-report');
    expect(report.synthetic).toBe(true);
    expect(report.dataNote).toMatch(/^SYNTHETIC data/);
    expect(report.config.seed).toBe(87);
    expect(report.config.epochs).toBe(1);
    expect(report.config.optimizer).toEqual({ name: 'adam', lr: 1e-3, weightDecay: null, momentum: 0.9 });
    expect(report.config.loss.classWeights).toBe('balanced');
    expect(report.model.name).toBe('SleepStagerChambon2018');
    expect(report.model.options.nConvChs).toBe(1);
    expect(report.backend.device).toBe('cpu');
    const c = report.data.counts;
    expect(c.total).toEqual({ recordings: 4, subjects: [0, 1, 2, 3], windows: 960, perClass: expect.any(Array) });
    expect([c.train.subjects, c.valid.subjects, c.test.subjects]).toEqual([[2, 3], [1], [0]]);
    expect(c.train.windows + c.valid.windows + c.test.windows).toBe(960);
    expect(report.data.classWeights).toEqual(c.train.perClass.map((n) => c.train.windows / (5 * n)));
    expect(report.history).toHaveLength(1);
    expect(report.outcome.status).toBe('completed');
    const t = report.test!;
    expect(t.evaluatedModel).toBe('best');
    expect(t.epoch).toBe(1);
    expect(t.metrics.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(c.test.windows);
    expect(t.metrics.confusionMatrix.map((r) => r.reduce((a, b) => a + b, 0))).toEqual(c.test.perClass);
    expect(t.lastModel?.windows).toBe(240);
    expect(report.weights).toEqual({ model: 'best', epoch: 1, files: ['model.safetensors'] });
    expect(report.timings.totalSeconds).toBeGreaterThan(report.timings.trainSeconds);
    const weights = decodeSafetensors(readFileSync(join(first.out, 'model.safetensors')));
    expect([...weights.tensors.keys()]).toEqual(['spatial_conv.weight', 'spatial_conv.bias', 'feature_extractor.0.weight', 'feature_extractor.0.bias', 'feature_extractor.4.weight', 'feature_extractor.4.bias', 'fc.1.weight', 'fc.1.bias']);
    expect(weights.metadata.synthetic).toBe('true');
    const ckpt = decodeCheckpoint(new Uint8Array(readFileSync(join(first.out, 'checkpoint.ckpt'))));
    expect(ckpt.meta.epoch).toBe(1);

    // --resume with a larger epoch budget continues after epoch 1.
    const resumed = await train(['--epochs', '2', '--resume', '--out', first.out]);
    expect(resumed.stdout).toMatch(/resuming from .*checkpoint\.ckpt after epoch 1/);
    expect(resumed.stdout).toMatch(/epochs 2-2 \(resumed\)/);
    const again = readReport(first.out);
    expect(again.outcome.resumedFromEpoch).toBe(1);
    expect(again.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(withoutTimings(again.history.slice(0, 1))).toEqual(withoutTimings(report.history));
  });
});

describe('train arguments', () => {
  it('parses ranges, lists, defaults and options', () => {
    const plan = planFromArgs(['--data', '/d', '--subjects', '0-2,5', '--out', 'o', '--lr', '3e-4', '--optimizer', 'adamw', '--loss', 'focal', '--gamma', '1.5', '--h-freq', 'none', '--scaling', 'channel']);
    if (plan === 'help') throw new Error('unexpected help');
    expect(plan.subjects).toEqual([0, 1, 2, 5]);
    expect(plan.nights).toEqual([1]);
    expect(plan.config.seed).toBe(87);
    expect(plan.config.epochs).toBe(10);
    expect(plan.config.batchSize).toBe(128);
    expect(plan.config.optimizer).toEqual({ name: 'adamw', lr: 3e-4, weightDecay: null, momentum: 0.9 });
    expect(plan.config.loss).toMatchObject({ name: 'focal', gamma: 1.5, classWeights: 'balanced' });
    expect(plan.config.preprocess).toMatchObject({ hFreq: null, lFreq: null, scaling: 'channel', crop: 'braindecode' });
    expect(plan.backend).toBe('cpu');
    expect(planFromArgs(['--synthetic', '--out', 'o']) !== 'help' && (planFromArgs(['--synthetic', '--out', 'o']) as { subjects: number[] }).subjects).toHaveLength(30);
  });

  it('refuses bad arguments naming them', () => {
    expect(() => planFromArgs(['--synthetic', '--data', 'x', '--out', 'o'])).toThrow(/exactly one of --data DIR and --synthetic/);
    expect(() => planFromArgs(['--synthetic'])).toThrow(/--out is required/);
    expect(() => planFromArgs(['--synthetic', '--out', 'o', '--lr', 'fast'])).toThrow(/--lr: 'fast' is not a number/);
    expect(() => planFromArgs(['--synthetic', '--out', 'o', '--backend', 'tpu'])).toThrow(/--backend: 'tpu' must be cpu or webgpu/);
    expect(() => planFromArgs(['--synthetic', '--out', 'o', '--optimizer', 'lbfgs'])).toThrow(/optimizer.name must be adam, adamw or sgd, got 'lbfgs'/);
    expect(() => planFromArgs(['--synthetic', '--out', 'o', '--subjects', '5-2'])).toThrow(/--subjects: range '5-2' runs backwards/);
    expect(() => planFromArgs(['--data', 'd', '--out', 'o', '--hours', '2'])).toThrow(/--hours applies to --synthetic/);
    expect(() => planFromArgs(['--synthetic', '--out', 'o', '--bogus'])).toThrow(/unknown argument '--bogus'/);
  });
});
