/**
 * Smoke test of `npm run bench`: the CLI end to end in a tiny configuration (batch 4, 2 steps,
 * CPU-side peers so it needs no GPU adapter), its JSON figures present and positive, every model
 * at 5,227 parameters, and the wasm Conv2DBackpropFilter shim the TF.js wasm peer relies on
 * checked against TF.js's cpu backend. Timings are not asserted: speed lives in the benchmark.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, withTimeout } from '../../app/cli/headless.ts';
import { startBenchBrowser } from './browser.ts';
import { ratio, type BenchReport } from './report.ts';
import { CHAMBON_PARAMETERS } from './data.ts';
import type { PeerResult } from './types.ts';

const TSX = join(repoRoot, 'node_modules', '.bin', 'tsx');
// The PyTorch peer needs Debian's python3-torch, which CI does not install: include it only where it imports.
const HAS_TORCH = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function runCli(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [join(repoRoot, 'app', 'cli', 'bench.ts'), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench CLI did not finish within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function expectPositiveFigures(r: PeerResult | undefined, batch: number): void {
  expect(r, 'peer result').toBeDefined();
  const p = r!;
  expect(p.parameters).toBe(CHAMBON_PARAMETERS);
  expect(p.batch).toBe(batch);
  expect(p.evalBatch).toBe(batch * 2);
  for (const s of [p.trainStep, p.trainStepRead10, p.evalForward]) {
    expect(s.medianMs).toBeGreaterThan(0);
    expect(s.p90Ms).toBeGreaterThanOrEqual(s.p10Ms);
  }
  expect(p.trainStep.n).toBe(2);
  expect(p.firstStepMs).toBeGreaterThan(0);
  expect(Number.isFinite(p.firstLoss) && p.firstLoss > 0).toBe(true);
  expect(Number.isFinite(p.lastLoss) && p.lastLoss > 0).toBe(true);
}

describe('npm run bench', () => {
  it('runs end to end in a tiny configuration and writes every figure', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hypnograd-bench-'));
    dirs.push(dir);
    const json = join(dir, 'bench.json');
    const peers = ['hypnograd-cpu', 'tfjs-wasm', ...(HAS_TORCH ? ['torch-cpu'] : [])];
    const { code, stdout, stderr } = await runCli(
      ['--json', json, '--batch', '4', '--eval-batch', '8', '--steps', '2', '--warmup', '0', '--budget-s', '0', '--peers', peers.join(','), '--quiet'],
      55_000,
    );
    expect(code, stderr).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8')) as BenchReport;
    expect(report.errors).toEqual({});
    expectPositiveFigures(report.hypnograd.cpu, 4);
    expectPositiveFigures(report.tfjs.wasm, 4);
    if (HAS_TORCH) expectPositiveFigures(report.torch.cpu, 4);
    expect(report.tfjs.wasm!.backendInfo.simd).toBe(true);
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(report.adapter).not.toBeNull();
    // The markdown table names every peer that ran.
    for (const p of peers) expect(stdout).toContain(`| ${p} | 4 |`);
  }, 60_000);

  it('computes ratios on the same batch directly and across batches per sample', () => {
    const fake = (batch: number, stepMs: number, evalMs: number) =>
      ({ batch, evalBatch: 2 * batch, trainStep: { medianMs: stepMs }, trainStepRead10: { medianMs: stepMs / 2 }, evalForward: { medianMs: evalMs } }) as PeerResult;
    expect(ratio(fake(8, 10, 30), fake(8, 40, 15))).toMatchObject({ trainStepMedian: 0.25, trainStepRead10Median: 0.25, evalForwardMedian: 2, basis: 'same batch' });
    // 10 ms for 4 samples against 40 ms for 32: 2.5 / 1.25 ms per sample.
    const across = ratio(fake(4, 10, 30), fake(32, 40, 60));
    expect(across.trainStepMedian).toBe(2);
    expect(across.evalForwardMedian).toBe(4);
    expect(across.basis).toContain('per sample');
  });

  it('builds the TF.js model with 5,227 parameters, and its wasm filter-gradient shim matches the cpu backend', async () => {
    const b = await startBenchBrowser({ timeoutMs: 30_000 });
    try {
      expect(await withTimeout(b.tfjsParameterCount(), 30_000, 'TF.js parameter count')).toBe(CHAMBON_PARAMETERS);
      for (const pad of ['valid', 'same'] as const) {
        const { maxAbsDiff, maxAbs } = await b.wasmShimCheck(1, pad);
        expect(maxAbs).toBeGreaterThan(1);
        expect(maxAbsDiff / maxAbs, `pad ${pad}`).toBeLessThan(1e-5);
      }
    } finally {
      await b.close();
    }
  }, 60_000);
});
