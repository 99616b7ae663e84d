/** The bench's JSON document (figures named library.backend.figure), its ratios, and its markdown table. */
import type { AdapterInfo, BackendName, KernelEfficiency, KernelFigure, Library, PeerName, PeerResult } from './types.ts';
import { splitPeer } from './types.ts';

export interface MachineInfo {
  cpuModel: string;
  cpus: number;
  memoryGiB: number;
  platform: string;
  release: string;
  node: string;
  chromium: string | null;
  /** 1-minute load average when the run started (other work on the machine skews timings). */
  loadAverage1m: number;
}

export interface Ratio {
  numerator: PeerName;
  denominator: PeerName;
  /** numerator time / denominator time: below 1, the numerator is faster. */
  trainStepMedian: number | null;
  trainStepRead10Median: number | null;
  evalForwardMedian: number | null;
  /** 'same batch', or 'per sample' with both batches when they differ. */
  basis: string;
}

export interface BenchConfigSummary {
  peers: PeerName[];
  steps: number;
  warmup: number;
  batch: number;
  evalBatch: number;
  budgetS: number;
  fixedBatches: Partial<Record<PeerName, number>>;
  profileKernels: boolean;
  /** Whether the kernel-efficiency step ran (off with --no-kernels), and its matmul size. */
  kernels: boolean;
  matmulSize: number;
}

export interface BenchReport {
  generatedAt: string;
  config: BenchConfigSummary;
  machine: MachineInfo;
  adapter: AdapterInfo | null;
  hypnograd: Partial<Record<BackendName, PeerResult>>;
  tfjs: Partial<Record<BackendName, PeerResult>>;
  torch: Partial<Record<BackendName, PeerResult>>;
  ratios: Record<string, Ratio>;
  /** Conv kernels' GFLOP/s against a tuned matmul's and the FMA peak (null: skipped or failed). */
  kernelEfficiency: KernelEfficiency | null;
  kernelEfficiencyError: string | null;
  /** Peers that failed, with the reason (the others are still reported). */
  errors: Partial<Record<PeerName, string>>;
  notes: string[];
}

export const RATIO_PAIRS: readonly (readonly [string, PeerName, PeerName])[] = [
  ['hypnogradWebgpuOverTfjsWebgpu', 'hypnograd-webgpu', 'tfjs-webgpu'],
  ['hypnogradWebgpuOverTfjsWasm', 'hypnograd-webgpu', 'tfjs-wasm'],
  ['hypnogradWebgpuOverTorchCpu', 'hypnograd-webgpu', 'torch-cpu'],
  ['hypnogradCpuOverTfjsCpu', 'hypnograd-cpu', 'tfjs-cpu'],
  ['tfjsWebgpuOverTorchCpu', 'tfjs-webgpu', 'torch-cpu'],
];

export function peerResult(report: BenchReport, peer: PeerName): PeerResult | undefined {
  const [lib, backend] = splitPeer(peer);
  return (report[lib] as Partial<Record<BackendName, PeerResult>>)[backend];
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

export function ratio(a: PeerResult, b: PeerResult): Omit<Ratio, 'numerator' | 'denominator'> {
  const sameBatch = a.batch === b.batch && a.evalBatch === b.evalBatch;
  const r = (x: number, bx: number, y: number, by: number) => {
    if (!(x > 0 && y > 0)) return null;
    return round3(sameBatch ? x / y : x / bx / (y / by));
  };
  return {
    trainStepMedian: r(a.trainStep.medianMs, a.batch, b.trainStep.medianMs, b.batch),
    trainStepRead10Median: r(a.trainStepRead10.medianMs, a.batch, b.trainStepRead10.medianMs, b.batch),
    evalForwardMedian: r(a.evalForward.medianMs, a.evalBatch, b.evalForward.medianMs, b.evalBatch),
    basis: sameBatch ? 'same batch' : `per sample (train batch ${a.batch} vs ${b.batch}, eval batch ${a.evalBatch} vs ${b.evalBatch})`,
  };
}

export function emptyReport(config: BenchConfigSummary, machine: MachineInfo): BenchReport {
  return { generatedAt: new Date().toISOString(), config, machine, adapter: null, hypnograd: {}, tfjs: {}, torch: {}, ratios: {}, kernelEfficiency: null, kernelEfficiencyError: null, errors: {}, notes: [] };
}

export function addResult(report: BenchReport, result: PeerResult): void {
  const lib: Library = result.library;
  (report[lib] as Partial<Record<BackendName, PeerResult>>)[result.backend] = result;
}

export function computeRatios(report: BenchReport): void {
  report.ratios = {};
  for (const [name, num, den] of RATIO_PAIRS) {
    const a = peerResult(report, num);
    const b = peerResult(report, den);
    if (a && b) report.ratios[name] = { numerator: num, denominator: den, ...ratio(a, b) };
  }
}

const fmt = (v: number | null | undefined, digits = 0) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

export function markdownTable(report: BenchReport): string {
  const lines: string[] = [];
  lines.push('| peer | batch | train step, ms (median; p10–p90) | ms / sample | step, loss read every 10th, ms | eval forward, ms (batch) | first step, ms (batch) | dispatches / step | submits / step | GPU kernel time / step, ms |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const peers = report.config.peers;
  for (const peer of peers) {
    const r = peerResult(report, peer);
    if (!r) {
      const err = report.errors[peer];
      if (err) lines.push(`| ${peer} | failed: ${err.replace(/\|/g, '/').slice(0, 160)} | | | | | | | | |`);
      continue;
    }
    const t = r.trainStep;
    lines.push(
      `| ${peer} | ${r.batch}${r.batch !== r.requestedBatch ? ` (of ${r.requestedBatch})` : ''} | ${ms(t.medianMs)} (${ms(t.p10Ms)}–${ms(t.p90Ms)}) | ${ms(t.medianMs / r.batch)} | ${ms(r.trainStepRead10.medianMs)} | ${ms(r.evalForward.medianMs)} (${r.evalBatch}) | ${ms(r.firstStepMs)} (${r.firstStepBatch}) | ${fmt(r.dispatchesPerStep)} | ${fmt(r.submitsPerStep, r.submitsPerStep !== null && r.submitsPerStep % 1 ? 1 : 0)} | ${r.gpuKernelTime ? ms(r.gpuKernelTime.totalMs) : '–'} |`,
    );
  }
  const ratios = Object.entries(report.ratios);
  if (ratios.length) {
    lines.push('');
    lines.push('| ratio (time / time; below 1: first is faster) | train step | train step, read every 10th | eval forward | basis |');
    lines.push('| --- | ---: | ---: | ---: | --- |');
    for (const [name, r] of ratios) {
      lines.push(`| ${name} | ${fmt(r.trainStepMedian, 3)} | ${fmt(r.trainStepRead10Median, 3)} | ${fmt(r.evalForwardMedian, 3)} | ${r.basis} |`);
    }
  }
  const k = kernelEfficiencyTable(report);
  if (k) lines.push('', k);
  return lines.join('\n');
}

const gflops = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const pct = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(v < 0.1 ? 1 : 0)} %`);

/** Kernel efficiency: GFLOP/s of each timed kernel and the conv kernels' share of the others. */
export function kernelEfficiencyTable(report: BenchReport): string | null {
  if (report.kernelEfficiencyError) return `Kernel efficiency: failed: ${report.kernelEfficiencyError}`;
  const k = report.kernelEfficiency;
  if (!k) return null;
  const mm = k.matmul;
  const lines: string[] = [];
  lines.push(`| kernel efficiency (${k.adapter}) | shape | GFLOP | time, ms (median) | GFLOP/s | of TF.js matmul | of hypnograd matmul | of FMA peak |`);
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const row = (name: string, shape: string, f: KernelFigure, overTfjs: number | null, overHyp: number | null, overPeak: number | null) =>
    lines.push(`| ${name} | ${shape} | ${(f.flops / 1e9).toFixed(3)} | ${ms(f.ms)}${f.method === 'wall-clock' ? ' (wall)' : ''} | ${gflops(f.gflops)} | ${pct(overTfjs)} | ${pct(overHyp)} | ${pct(overPeak)} |`);
  const p = k.peakFma;
  row('FMA peak (raw WebGPU probe)', `${p.workgroups} x ${p.workgroupSize} inv. x ${p.accumulators} vec4 x ${p.iterations}`, p, null, null, 1);
  const mmShape = `[${mm.m},${mm.k}] x [${mm.k},${mm.n}]`;
  row(`TF.js tf.matMul (${mm.tfjsWebgpu.kernels.join('+') || '?'})`, mmShape, mm.tfjsWebgpu, 1, 1 / mm.hypnogradOverTfjs, mm.tfjsWebgpu.gflops / p.gflops);
  row(`hypnograd F.matmul (${mm.hypnogradWebgpu.kernels.join('+') || '?'})`, mmShape, mm.hypnogradWebgpu, mm.hypnogradOverTfjs, 1, mm.hypnogradWebgpu.gflops / p.gflops);
  for (const [name, c] of Object.entries(k.conv)) {
    const shape = `x [${c.x}] w [${c.weight}] pad [${c.padding}]`;
    row(`hypnograd F.conv2d ${name} (${c.kernels.join('+') || '?'})`, shape, c, c.overTfjsMatmul, c.overHypnogradMatmul, c.overPeak);
    if (c.tfjsConv2d) {
      const t = c.tfjsConv2d;
      row(`TF.js conv2d ${name} (${t.kernels.join('+') || '?'})`, `same, NHWC${t.batch !== c.x[0] ? `, batch ${t.batch}` : ''}`, t, t.gflops / mm.tfjsWebgpu.gflops, t.gflops / mm.hypnogradWebgpu.gflops, t.overPeak);
    }
  }
  return lines.join('\n');
}

export function topKernels(r: PeerResult, n = 4): string {
  if (!r.gpuKernelTime) return r.kernelTimingNote ?? 'no kernel times';
  return r.gpuKernelTime.kernels
    .slice(0, n)
    .map((k) => `${k.name} ${ms(k.totalMs)} ms (${k.calls}x)`)
    .join(', ');
}
