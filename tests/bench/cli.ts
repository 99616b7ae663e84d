/**
 * The benchmark's command line; it lives with the benchmark (tests/bench), since the product (app/)
 * never imports test code.
 *
 * npm run bench -- [--json FILE] [--steps N] [--warmup N] [--batch N] [--eval-batch N]
 *                  [--peers hypnograd-webgpu,tfjs-webgpu,tfjs-wasm,hypnograd-cpu,tfjs-cpu,torch-cpu]
 *                  [--budget-s S] [--batch-for peer=N,...] [--no-profile] [--no-kernels]
 *                  [--matmul-size N] [--memory-steps N] [--quiet]
 *
 * The Chambon sleep stager (2 x 3000 input, 5,227 parameters, class-weighted cross-entropy, Adam)
 * trained in hypnograd and in TensorFlow.js in one headless Chromium on the same WebGPU adapter,
 * plus PyTorch on the CPU (tests/bench/torch_bench.py via /usr/bin/python3 when present). Prints
 * a markdown table; --json writes every figure (library.backend.figure, ratios, machine, adapter).
 *
 * --budget-s bounds each browser peer's timed work: a peer too slow for --batch on this adapter
 * is measured at a halved batch (recorded per figure, with the reason). --batch-for fixes a
 * peer's batch instead. Peers run one after another, never concurrently.
 *
 * Kernel efficiency (after the peers, off with --no-kernels): the adapter's FMA peak (a raw
 * WebGPU probe), TF.js's and hypnograd's matmul at --matmul-size (1024), and hypnograd's conv
 * forward on the two Chambon temporal-convolution shapes at --batch, as GFLOP/s and ratios.
 *
 * --memory-steps N: after its timed steps, hypnograd-webgpu trains N more steps and reports its
 * GPU memory (live and total bytes, buffers created) before and after.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from '../../app/cli/args.ts';
import { repoRoot } from '../../app/cli/headless.ts';
import { startBenchBrowser, type BenchBrowser } from './browser.ts';
import { addResult, computeRatios, emptyReport, markdownTable, topKernels, type BenchReport, type MachineInfo } from './report.ts';
import { ALL_PEERS, BROWSER_PEERS, type KernelEfficiencyConfig, type PeerConfig, type PeerName, type PeerResult } from './types.ts';

export const PYTHON = '/usr/bin/python3';
export const TORCH_SCRIPT = join(repoRoot, 'tests', 'bench', 'torch_bench.py');

export interface BenchOptions {
  json: string | null;
  steps: number;
  warmup: number;
  batch: number;
  evalBatch: number;
  peers: PeerName[];
  budgetS: number;
  fixedBatches: Partial<Record<PeerName, number>>;
  profileKernels: boolean;
  /** Run the kernel-efficiency step (peak FMA, matmuls, conv kernels). */
  kernels: boolean;
  matmulSize: number;
  memorySteps: number;
  quiet: boolean;
}

/** The FMA peak probe's size: enough workgroups to fill the device, about 2.1 GFLOP a run. */
export const PEAK_WORKGROUPS = 256;
export const PEAK_ITERATIONS = 1000;
export const KERNEL_WARMUP = 1;
export const KERNEL_RUNS = 5;

function positiveInt(name: string, v: string | undefined, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got '${v}'`);
  return n;
}

function peerName(s: string, flag: string): PeerName {
  if (!(ALL_PEERS as readonly string[]).includes(s)) throw new Error(`${flag}: unknown peer '${s}'; known: ${ALL_PEERS.join(', ')}`);
  return s as PeerName;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const a = parseArgs(argv, {
    json: 'value', steps: 'value', warmup: 'value', batch: 'value', 'eval-batch': 'value', peers: 'value',
    'budget-s': 'value', 'batch-for': 'value', 'no-profile': 'flag', 'no-kernels': 'flag', 'matmul-size': 'value', 'memory-steps': 'value', quiet: 'flag',
  });
  const peers = (a.get('peers') ?? ALL_PEERS.join(',')).split(',').filter(Boolean).map((p) => peerName(p.trim(), '--peers'));
  if (!peers.length) throw new Error('--peers names no peer');
  const fixedBatches: Partial<Record<PeerName, number>> = {};
  for (const item of (a.get('batch-for') ?? '').split(',').filter(Boolean)) {
    const [p, b] = item.split('=');
    fixedBatches[peerName(p.trim(), '--batch-for')] = positiveInt('batch-for', b, 0);
  }
  const budgetS = Number(a.get('budget-s') ?? 60);
  if (!(budgetS >= 0)) throw new Error(`--budget-s must be a number >= 0, got '${a.get('budget-s')}'`);
  return {
    json: a.get('json') ?? null,
    steps: positiveInt('steps', a.get('steps'), 20),
    warmup: positiveInt('warmup', a.get('warmup'), 3, 0),
    batch: positiveInt('batch', a.get('batch'), 128),
    evalBatch: positiveInt('eval-batch', a.get('eval-batch'), 256),
    peers: [...new Set(peers)],
    budgetS,
    fixedBatches,
    profileKernels: !a.has('no-profile'),
    kernels: !a.has('no-kernels'),
    matmulSize: positiveInt('matmul-size', a.get('matmul-size'), 1024),
    memorySteps: positiveInt('memory-steps', a.get('memory-steps'), 0, 0),
    quiet: a.has('quiet'),
  };
}

function machineInfo(chromium: string | null): MachineInfo {
  const c = cpus();
  return {
    cpuModel: c[0]?.model ?? 'unknown',
    cpus: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: platform(),
    release: release(),
    node: process.version,
    chromium,
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
  };
}

/** Runs the PyTorch peer; resolves to its JSON, rejects with its stderr. */
function runTorch(opts: BenchOptions, batch: number, timeoutMs: number): Promise<PeerResult> {
  const args = [TORCH_SCRIPT, '--batch', String(batch), '--eval-batch', String(Math.max(1, Math.round((opts.evalBatch * batch) / opts.batch))), '--steps', String(opts.steps), '--warmup', String(opts.warmup)];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(PYTHON, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${TORCH_SCRIPT} did not finish within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${PYTHON} ${TORCH_SCRIPT} exited with ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`));
      try {
        resolvePromise(JSON.parse(out.trim().split('\n').pop()!) as PeerResult);
      } catch (e) {
        reject(new Error(`${TORCH_SCRIPT} printed no JSON (${(e as Error).message}): ${out.slice(0, 200)}`));
      }
    });
  });
}

export async function runBench(opts: BenchOptions, log: (line: string) => void = () => undefined): Promise<BenchReport> {
  const browserPeers = opts.peers.filter((p) => BROWSER_PEERS.includes(p));
  const budgetMs = opts.budgetS * 1000;
  // The probe and the first step (shader compilation) come on top of the budget.
  const peerTimeoutMs = Math.max(300_000, 4 * budgetMs);
  let browser: BenchBrowser | null = null;
  const config = {
    peers: opts.peers, steps: opts.steps, warmup: opts.warmup, batch: opts.batch, evalBatch: opts.evalBatch,
    budgetS: opts.budgetS, fixedBatches: opts.fixedBatches, profileKernels: opts.profileKernels,
    kernels: opts.kernels, matmulSize: opts.matmulSize,
  };
  const report = emptyReport(config, machineInfo(null));
  try {
    if (browserPeers.length || opts.kernels) {
      log('starting Vite and Chromium');
      browser = await startBenchBrowser({ log });
      report.machine.chromium = await browser.chromiumVersion();
      report.adapter = await browser.adapterInfo();
      log(`adapter: ${report.adapter.available ? `${report.adapter.vendor} ${report.adapter.architecture} ${report.adapter.description}` : `none (${report.adapter.error})`}; cross-origin isolated: ${report.adapter.crossOriginIsolated}`);
      if (report.adapter.architecture === 'swiftshader') {
        report.notes.push('The WebGPU adapter is SwiftShader, a CPU emulation of a GPU: absolute WebGPU times say little about a real GPU; the ratios between libraries on the same adapter are the meaningful figures.');
      }
    }
    for (const peer of opts.peers) {
      const fixed = opts.fixedBatches[peer];
      try {
        let result: PeerResult;
        if (peer === 'torch-cpu') {
          if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is not present (Debian python3-torch); PyTorch peer skipped`);
          log(`torch-cpu: ${TORCH_SCRIPT} at batch ${fixed ?? opts.batch}`);
          result = await runTorch(opts, fixed ?? opts.batch, peerTimeoutMs);
        } else {
          const cfg: PeerConfig = {
            peer, batch: fixed ?? opts.batch, evalBatch: fixed ? Math.max(1, Math.round((opts.evalBatch * fixed) / opts.batch)) : opts.evalBatch,
            steps: opts.steps, warmup: opts.warmup, budgetMs: fixed ? 0 : budgetMs, profileKernels: opts.profileKernels,
            memorySteps: opts.memorySteps,
          };
          if (peer.endsWith('webgpu') && !report.adapter?.available) throw new Error(`no WebGPU adapter in this Chromium (${report.adapter?.error})`);
          result = await browser!.runPeer(cfg, peerTimeoutMs);
        }
        if (fixed) result.batchNote = `batch ${fixed} fixed by --batch-for`;
        addResult(report, result);
        log(`${peer}: train step ${result.trainStep.medianMs} ms at batch ${result.batch}; eval ${result.evalForward.medianMs} ms at ${result.evalBatch}${result.gpuKernelTime ? `; kernels: ${topKernels(result)}` : ''}`);
        const m = result.gpuMemory;
        if (m) {
          const mb = (b: number) => (b / 2 ** 20).toFixed(2);
          const line = `${peer} GPU memory over ${m.steps} more steps at batch ${result.batch}: live ${mb(m.liveBytesBefore)} -> ${mb(m.liveBytesAfter)} MiB, all buffers ${mb(m.gpuBytesBefore)} -> ${mb(m.gpuBytesAfter)} MiB, ${m.buffersCreated} buffers created.`;
          log(line);
          report.notes.push(line);
        }
      } catch (err) {
        report.errors[peer] = (err as Error).message;
        log(`${peer} failed: ${(err as Error).message}`);
      }
    }
    if (opts.kernels) {
      try {
        if (!report.adapter?.available) throw new Error(`no WebGPU adapter in this Chromium (${report.adapter?.error})`);
        const cfg: KernelEfficiencyConfig = { batch: opts.batch, matmulSize: opts.matmulSize, warmup: KERNEL_WARMUP, runs: KERNEL_RUNS, budgetMs: budgetMs / 2, peakWorkgroups: PEAK_WORKGROUPS, peakIterations: PEAK_ITERATIONS };
        log(`kernel efficiency: FMA peak, matmul ${opts.matmulSize}, conv at batch ${opts.batch}`);
        // Seven figures, each bounded by its budget after a warm-up run (which may take as long again).
        const k = await browser!.kernelEfficiency(cfg, Math.max(600_000, 10 * budgetMs));
        report.kernelEfficiency = k;
        report.notes.push(`Kernel efficiency: GFLOP/s = 2 x multiply-adds / median time of ${KERNEL_RUNS} runs after ${KERNEL_WARMUP} warm-up; ${k.timestampQuery ? 'GPU time from timestamp queries (hypnograd: its profiler, conv/matmul kernels only; TF.js: tf.time kernelMs; the FMA probe: its own pass timestamps)' : 'wall time (no timestamp-query on this adapter)'}. Every timed output is checked against a float64 recomputation.`);
        for (const n of k.notes) report.notes.push(`Kernel efficiency: ${n}.`);
        const g = (v: number) => v.toFixed(2);
        log(`kernel efficiency: peak ${g(k.peakFma.gflops)} GFLOP/s; matmul TF.js ${g(k.matmul.tfjsWebgpu.gflops)}, hypnograd ${g(k.matmul.hypnogradWebgpu.gflops)}; conv1 ${g(k.conv.conv1.gflops)}, conv2 ${g(k.conv.conv2.gflops)} GFLOP/s`);
      } catch (err) {
        report.kernelEfficiencyError = (err as Error).message;
        log(`kernel efficiency failed: ${(err as Error).message}`);
      }
    }
  } finally {
    await browser?.close();
  }
  computeRatios(report);
  const fixed = Object.entries(opts.fixedBatches);
  if (fixed.length) report.notes.push(`Batches fixed by --batch-for: ${fixed.map(([p, b]) => `${p} at ${b}`).join(', ')}.`);
  if (Object.values(report.ratios).some((r) => r.basis !== 'same batch')) report.notes.push('Ratios between different batches are per sample, which favours the peer at the larger batch (fixed per-step overheads are spread over more samples).');
  const reduced = [...Object.values(report.hypnograd), ...Object.values(report.tfjs)].filter((r) => r && r.batch !== r.requestedBatch && !opts.fixedBatches[r.peer]);
  if (reduced.length) report.notes.push(`Reduced below batch ${opts.batch} to fit the ${opts.budgetS} s budget per peer: ${reduced.map((r) => `${r!.peer} at ${r!.batch}`).join(', ')}.`);
  return report;
}

async function main(): Promise<void> {
  let opts: BenchOptions;
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`bench: ${(err as Error).message}`);
    process.exit(2);
  }
  const t0 = Date.now();
  const log = opts.quiet ? () => undefined : (line: string) => console.error(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const report = await runBench(opts, log);
  if (opts.json) {
    const path = resolve(process.cwd(), opts.json);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(report, null, 2) + '\n');
    log(`wrote ${path}`);
  }
  const m = report.machine;
  const a = report.adapter;
  console.log(`Machine: ${m.cpuModel} (${m.cpus} cores, ${m.memoryGiB} GiB), ${m.platform} ${m.release}, Node ${m.node}, Chromium ${m.chromium ?? '–'}, load average ${m.loadAverage1m}`);
  if (a) console.log(`Adapter: ${a.available ? `${a.vendor} / ${a.architecture} / ${a.description}, timestamp-query ${a.timestampQuery}` : `none (${a.error})`}`);
  console.log('');
  console.log(markdownTable(report));
  for (const n of report.notes) console.log(`\n- ${n}`);
  const failed = Object.keys(report.errors).length;
  log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s${failed ? `; ${failed} peer(s) failed` : ''}`);
  if (failed === opts.peers.length) process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('tests/bench/cli.ts')) {
  main().catch((err) => {
    console.error(`bench: ${(err as Error).stack ?? err}`);
    process.exit(1);
  });
}
