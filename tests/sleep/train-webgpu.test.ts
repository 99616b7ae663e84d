/**
 * `npm run train -- --backend webgpu` in headless Chromium against the same job on the float64
 * CPU backend: same data, seed, dropout masks and batches, so the per-epoch losses agree to
 * float32 accuracy. Small on purpose (1-hour SYNTHETIC nights, one epoch): SwiftShader, the
 * software WebGPU of CI machines, trains at ~20 windows/s.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { planFromArgs } from '../../app/cli/train.ts';
import { runTrainingJob } from '../../sleep/train/job.ts';
import { syntheticPairSources } from '../../sleep/train/pipeline.ts';
import type { TrainingReport } from '../../sleep/train/report.ts';

const run = promisify(execFile);
const repo = new URL('../..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'hypnograd-train-webgpu-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const ARGS = ['--synthetic', '--subjects', '0-3', '--hours', '1', '--test-subjects', '0', '--valid-subjects', '1', '--class-weights', 'none', '--epochs', '1', '--n-conv-chs', '1', '--out', out];

describe('train --backend webgpu', () => {
  it('trains in headless Chromium and matches the CPU backend to float32 accuracy', async () => {
    const { stdout } = await run(join(repo, 'node_modules', '.bin', 'tsx'), [join(repo, 'app', 'cli', 'train.ts'), ...ARGS, '--backend', 'webgpu'], {
      cwd: repo,
      timeout: 240_000,
      killSignal: 'SIGKILL',
    });
    expect(stdout).toMatch(/WebGPU adapter: /);
    const gpu = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as TrainingReport;
    expect(gpu.backend.device).toBe('webgpu');
    expect(gpu.backend.adapter).not.toBeNull();
    expect(gpu.synthetic).toBe(true);
    expect(gpu.outcome.status).toBe('completed');

    const plan = planFromArgs([...ARGS, '--backend', 'cpu']);
    if (plan === 'help') throw new Error('unexpected help');
    const cpu = (
      await runTrainingJob({
        sources: syntheticPairSources(plan.subjects, plan.nights, plan.syntheticSeed, plan.hours),
        synthetic: true,
        sourceDescription: 'synthetic',
        config: plan.config,
        model: plan.model,
        device: 'cpu',
        backendInfo: { runtime: 'vitest', adapter: null },
      })
    ).report;
    expect(gpu.data.counts).toEqual(cpu.data.counts);
    expect(gpu.history).toHaveLength(1);
    for (const k of ['trainLoss', 'validLoss'] as const) {
      expect(Math.abs(gpu.history[0][k] - cpu.history[0][k]) / cpu.history[0][k]).toBeLessThan(1e-4);
    }
    expect(Math.abs(gpu.test!.metrics.loss - cpu.test!.metrics.loss) / cpu.test!.metrics.loss).toBeLessThan(1e-4);
    expect(gpu.test!.metrics.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(cpu.data.counts.test.windows);
  });
});
