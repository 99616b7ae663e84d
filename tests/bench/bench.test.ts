/**
 * Smoke test of `npm run bench`: the CLI end to end in a tiny configuration (batch 4, 2 steps,
 * CPU-side peers so it needs no GPU adapter), its JSON figures present and positive, every model
 * at 5,227 parameters, and the wasm Conv2DBackpropFilter shim the TF.js wasm peer relies on
 * checked against TF.js's cpu backend. The kernel-efficiency step (WebGPU adapter needed) at
 * batch 2 and matmul 128: FLOP counts against hand-derived numbers, every GFLOP/s figure equal to
 * its FLOPs over its median time, and every timed kernel's output checked against a float64
 * recomputation and the other library. Timings are not asserted: speed lives in the benchmark.
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
import type { KernelFigure, PeerResult } from './types.ts';
import { PEAK_W, PEAK_X, peakChainReference, peakChainStart } from './peakKernel.ts';
import { median } from './stats.ts';

const TSX = join(repoRoot, 'node_modules', '.bin', 'tsx');
// The PyTorch peer needs Debian's python3-torch, which CI does not install: include it only where it imports.
const HAS_TORCH = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
const dirs: string[] = [];
// A busy 2-core machine can take minutes over what takes seconds alone: the waits are generous
// and name what was waited for; speed itself is the benchmark's business, not the test's.
const CLI_WAIT = 300_000;
const TEST_WAIT = CLI_WAIT + 30_000;

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function runCli(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [join(repoRoot, 'tests', 'bench', 'cli.ts'), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench CLI (${args.join(' ')}) did not finish within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`));
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
      ['--json', json, '--batch', '4', '--eval-batch', '8', '--steps', '2', '--warmup', '0', '--budget-s', '0', '--peers', peers.join(','), '--no-kernels', '--quiet'],
      CLI_WAIT,
    );
    expect(code, stderr).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8')) as BenchReport;
    expect(report.errors).toEqual({});
    expectPositiveFigures(report.hypnograd.cpu, 4);
    expectPositiveFigures(report.tfjs.wasm, 4);
    if (HAS_TORCH) expectPositiveFigures(report.torch.cpu, 4);
    expect(report.tfjs.wasm!.backendInfo.simd).toBe(true);
    // No --memory-steps (and no WebGPU): no memory figure.
    expect(report.hypnograd.cpu!.gpuMemory).toBeNull();
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(report.adapter).not.toBeNull();
    // The markdown table names every peer that ran.
    for (const p of peers) expect(stdout).toContain(`| ${p} | 4 |`);
    // --no-kernels skips the kernel-efficiency step.
    expect(report.config.kernels).toBe(false);
    expect(report.kernelEfficiency).toBeNull();
    expect(stdout).not.toContain('kernel efficiency');
  }, TEST_WAIT);

  it('checks that hypnograd-webgpu trains --memory-steps more steps in flat GPU memory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hypnograd-bench-'));
    dirs.push(dir);
    const json = join(dir, 'bench.json');
    const { code, stdout, stderr } = await runCli(
      ['--json', json, '--batch', '2', '--eval-batch', '2', '--steps', '2', '--warmup', '1', '--budget-s', '0', '--peers', 'hypnograd-webgpu', '--no-kernels', '--no-profile', '--memory-steps', '30'],
      CLI_WAIT,
    );
    expect(code, stderr).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8')) as BenchReport;
    expect(report.errors).toEqual({});
    const m = report.hypnograd.webgpu!.gpuMemory!;
    expect(m.steps).toBe(30);
    // The pool recycles every step's buffers: nothing new after warm-up, nothing kept alive.
    expect(m.buffersCreated).toBe(0);
    expect(m.liveBytesAfter).toBe(m.liveBytesBefore);
    expect(m.gpuBytesAfter).toBe(m.gpuBytesBefore);
    expect(m.gpuBytesBefore).toBeGreaterThan(0);
    expect(stdout).toContain('hypnograd-webgpu GPU memory over 30 more steps at batch 2');
  }, TEST_WAIT);

  it('measures kernel efficiency: FMA peak, both matmuls and the conv kernels, consistent and correct', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hypnograd-bench-'));
    dirs.push(dir);
    const json = join(dir, 'bench.json');
    const { code, stdout, stderr } = await runCli(
      ['--json', json, '--batch', '2', '--eval-batch', '2', '--steps', '1', '--warmup', '0', '--budget-s', '0', '--peers', 'hypnograd-cpu', '--matmul-size', '128', '--quiet'],
      CLI_WAIT,
    );
    expect(code, stderr).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8')) as BenchReport;
    expect(report.kernelEfficiencyError).toBeNull();
    const k = report.kernelEfficiency!;
    expect(k.config).toMatchObject({ batch: 2, matmulSize: 128, peakWorkgroups: 256, peakIterations: 1000, runs: 5 });
    expect(k.adapter).toBe(`${report.adapter!.vendor} ${report.adapter!.architecture} ${report.adapter!.description}`.trim());

    // FLOPs, hand-derived. Peak: 256 workgroups x 64 invocations x 16 vec4 chains x 4 lanes x 1000 FMA x 2.
    expect(k.peakFma.flops).toBe(2_097_152_000);
    // Matmul: 2 M N K = 2 x 128^3.
    expect(k.matmul.tfjsWebgpu.flops).toBe(4_194_304);
    expect(k.matmul.hypnogradWebgpu.flops).toBe(4_194_304);
    // conv1: 2 x B 2 x outC 8 x inC 1 x rows 2 x outW (3000 + 50 - 50 + 1 = 3001) x K 50.
    expect(k.conv.conv1.flops).toBe(9_603_200);
    expect(k.conv.conv1.out).toEqual([2, 8, 2, 3001]);
    expect(k.conv.conv1).toMatchObject({ x: [2, 1, 2, 3000], weight: [8, 1, 1, 50], bias: [8], padding: [0, 25] });
    // conv2: 2 x 2 x 8 x 8 x 2 x 251 x 50.
    expect(k.conv.conv2.flops).toBe(6_425_600);
    expect(k.conv.conv2.out).toEqual([2, 8, 2, 251]);
    expect(k.conv.conv2).toMatchObject({ x: [2, 8, 2, 250], weight: [8, 8, 1, 50], bias: null });
    expect(k.conv.conv1.tfjsConv2d!.flops).toBe(9_603_200);
    expect(k.conv.conv2.tfjsConv2d!.batch).toBe(2);

    // Every figure: 5 timed runs, ms their median, GFLOP/s = FLOPs / time.
    const consistent = (f: KernelFigure, what: string) => {
      expect(f.samplesMs, what).toHaveLength(5);
      for (const s of f.samplesMs) expect(s, what).toBeGreaterThan(0);
      expect(f.ms, what).toBe(median(f.samplesMs));
      expect(Number.isFinite(f.gflops) && f.gflops > 0, `${what}: ${f.gflops}`).toBe(true);
      expect(f.gflops / (f.flops / (f.ms * 1e6)), what).toBeCloseTo(1, 9);
      expect(f.method, what).toBe(k.timestampQuery ? 'gpu-timestamps' : 'wall-clock');
    };
    const { conv1, conv2 } = k.conv;
    for (const [what, f] of [['peak', k.peakFma], ['tfjs matmul', k.matmul.tfjsWebgpu], ['hypnograd matmul', k.matmul.hypnogradWebgpu], ['conv1', conv1], ['conv2', conv2], ['tfjs conv1', conv1.tfjsConv2d!], ['tfjs conv2', conv2.tfjsConv2d!]] as const) consistent(f, what);
    // Ratios are the reported figures' ratios.
    for (const c of [conv1, conv2]) {
      expect(c.overTfjsMatmul! / (c.gflops / k.matmul.tfjsWebgpu.gflops)).toBeCloseTo(1, 9);
      expect(c.overHypnogradMatmul! / (c.gflops / k.matmul.hypnogradWebgpu.gflops)).toBeCloseTo(1, 9);
      expect(c.overPeak! / (c.gflops / k.peakFma.gflops)).toBeCloseTo(1, 9);
    }
    expect(k.matmul.hypnogradOverTfjs / (k.matmul.hypnogradWebgpu.gflops / k.matmul.tfjsWebgpu.gflops)).toBeCloseTo(1, 9);
    if (k.timestampQuery) {
      // Only the conv kernels (and the matmul kernels) are counted.
      for (const c of [conv1, conv2]) expect(c.kernels.length && c.kernels.every((n) => n.startsWith('conv')), c.kernels.join()).toBe(true);
      expect(k.matmul.hypnogradWebgpu.kernels.every((n) => n.startsWith('matmul'))).toBe(true);
      expect(k.matmul.tfjsWebgpu.kernels.length).toBeGreaterThan(0);
    }

    // The timed kernels computed the real thing. Peak: 5 invocations x 16 chains x 4 lanes
    // recomputed; equal to the float32 recomputation (fused or not) and near float64's.
    expect(k.peakFma.check.chainsChecked).toBe(320);
    expect(k.peakFma.check.maxRelDiffFloat32).toBeLessThan(1e-6);
    expect(k.peakFma.check.maxRelDiff).toBeLessThan(1e-4);
    // Matmuls and convs: sampled outputs against float64, and the two libraries against each other.
    for (const f of [k.matmul.tfjsWebgpu, k.matmul.hypnogradWebgpu, conv1, conv2, conv1.tfjsConv2d!, conv2.tfjsConv2d!]) {
      expect(f.check.samples).toBe(64);
      expect(f.check.maxRelError).toBeLessThan(1e-5);
    }
    for (const a of [k.matmul.agreement, conv1.agreement!, conv2.agreement!]) {
      expect(a.maxAbs).toBeGreaterThan(1);
      expect(a.maxAbsDiff / a.maxAbs).toBeLessThan(1e-5);
    }
    expect(stdout).toMatch(/\| FMA peak \(raw WebGPU probe\) \| 256 x 64 inv\. x 16 vec4 x 1000 \| 2\.097 \|/);
    expect(stdout).toContain('| hypnograd F.conv2d conv2 (');
  }, TEST_WAIT);

  it("recomputes the peak probe's FMA chains: float64 follows the closed form, float32 stays near it", () => {
    const w = Math.fround(PEAK_W);
    const x = Math.fround(PEAK_X);
    const fixed = x / (1 - w);
    for (const [inv, acc, lane] of [[0, 0, 0], [16383, 15, 3], [700, 7, 2]]) {
      const a0 = peakChainStart(inv, acc, lane, 1 / 16384);
      // Start = invocation / 16384 + lane / 16 + accumulator / 4 (all exact in float32 here).
      expect(a0).toBe(inv / 16384 + lane / 16 + acc / 4);
      const r = peakChainReference(inv, acc, lane, 1000, 1 / 16384);
      // a_n = fixed + (a_0 - fixed) w^n.
      expect(r.float64).toBeCloseTo(fixed + (a0 - fixed) * w ** 1000, 10);
      expect(Math.abs(r.float32Fused - r.float64) / r.float64).toBeLessThan(1e-4);
      expect(Math.abs(r.float32Unfused - r.float64) / r.float64).toBeLessThan(1e-4);
      // 999 iterations would be far off: the check tells a short loop from the full one.
      expect(Math.abs(peakChainReference(inv, acc, lane, 999, 1 / 16384).float64 - r.float64)).toBeGreaterThan(Math.abs(a0 - fixed) * 3e-4);
    }
  });

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
    const b = await startBenchBrowser({ timeoutMs: 120_000 });
    try {
      expect(await withTimeout(b.tfjsParameterCount(), 120_000, 'TF.js parameter count')).toBe(CHAMBON_PARAMETERS);
      for (const pad of ['valid', 'same'] as const) {
        const { maxAbsDiff, maxAbs } = await b.wasmShimCheck(1, pad);
        expect(maxAbs).toBeGreaterThan(1);
        expect(maxAbsDiff / maxAbs, `pad ${pad}`).toBeLessThan(1e-5);
      }
    } finally {
      await b.close();
    }
  }, TEST_WAIT);
});
