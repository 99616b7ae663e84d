/**
 * Kernel efficiency (issue 7), in the bench page: the conv kernels' GFLOP/s against a tuned
 * matmul's on the same adapter. Four figures, each a median over `runs` after `warmup`:
 * - the adapter's FMA peak (raw WebGPU probe, peakKernel.ts);
 * - TF.js's WebGPU tf.matMul (its tiled, tuned matmul) and hypnograd's F.matmul, M = N = K;
 * - hypnograd's F.conv2d forward on the Chambon temporal convolutions (conv1, conv2), and TF.js's
 *   conv2d on the same shapes for context.
 * GPU times come from timestamp queries (hypnograd: its profiler; TF.js: tf.time's kernelMs);
 * without the timestamp-query feature, wall time (hypnograd: around syncWebGPU(); TF.js: around
 * `await data()`, which includes the readback). Only public APIs are used, so the figures follow
 * whatever the engine's kernels become. Every timed result is also checked against a float64
 * recomputation of sampled outputs, and the two libraries' results against each other.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import { F, initWebGPU, noGrad, startWebGpuProfile, stopWebGpuProfile, syncWebGPU, tensor, tidy, type Tensor } from '../../engine/index.ts';
import { syntheticWindows } from './data.ts';
import { PEAK_ACCUMULATORS, PEAK_LANES, PEAK_WORKGROUP_SIZE, runPeakFma } from './peakKernel.ts';
import { median } from './stats.ts';
import type { ConvFigure, Float64Check, KernelEfficiency, KernelEfficiencyConfig, KernelFigure, KernelTimingMethod, MatmulFigure } from './types.ts';

type Tf = typeof TfCore;

/** The Chambon temporal convolutions: kernel 50 (0.5 s at 100 Hz), padding 25, over 2 rows (EEG channels). */
export const CONV_K = 50;
export const CONV_PAD = 25;
export interface ConvShape {
  name: 'conv1' | 'conv2';
  inC: number;
  outC: number;
  rows: number;
  width: number;
  bias: boolean;
}
export const CONV_SHAPES: readonly ConvShape[] = [
  { name: 'conv1', inC: 1, outC: 8, rows: 2, width: 3000, bias: true },
  { name: 'conv2', inC: 8, outC: 8, rows: 2, width: 250, bias: false },
];

export const convOutWidth = (s: ConvShape) => s.width + 2 * CONV_PAD - CONV_K + 1;
/** 2 FLOP (multiply, add) per weight tap per output value; the bias add is not counted. */
export const convFlops = (batch: number, s: ConvShape) => 2 * batch * s.outC * s.inC * s.rows * convOutWidth(s) * CONV_K;
export const matmulFlops = (m: number, n: number, k: number) => 2 * m * n * k;

const progress = (what: string) => console.info(`[bench] kernels: ${what}`);

function figure(flops: number, samplesMs: number[], method: KernelTimingMethod, timing: string, kernels: string[]): KernelFigure {
  const ms = median(samplesMs);
  return { flops, ms, samplesMs, gflops: flops / (ms * 1e6), method, timing, kernels };
}

/** `count` standard normals (the bench's seeded generator). */
function normals(count: number, seed: number): Float32Array {
  return syntheticWindows(Math.ceil(count / 6000), seed).subarray(0, count);
}

/** Deterministic sample indices in [0, n). */
function sampleIndices(n: number, count: number): number[] {
  const out = new Set<number>([0, n - 1]);
  for (let i = 0; out.size < Math.min(n, count); i++) out.add(Math.floor((((i + 1) * 2654435761) % 4294967296) / 4294967296 * n));
  return [...out];
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>, indexB: (i: number) => number = (i) => i): { maxAbsDiff: number; maxAbs: number } {
  let maxAbsDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[indexB(i)]);
    maxAbsDiff = Math.max(maxAbsDiff, Number.isNaN(d) ? Infinity : d);
    maxAbs = Math.max(maxAbs, Math.abs(a[i]));
  }
  return { maxAbsDiff, maxAbs };
}

/** C[i, j] of row-major A [m, k] x B [k, n], in float64, with sum |a b| as the error scale. */
function matmulCheck(a: Float32Array, b: Float32Array, c: ArrayLike<number>, n: number, k: number): Float64Check {
  const idx = sampleIndices(c.length, 64);
  let maxRelError = 0;
  for (const e of idx) {
    const i = Math.floor(e / n);
    const j = e % n;
    let ref = 0;
    let scale = 0;
    for (let q = 0; q < k; q++) {
      const t = a[i * k + q] * b[q * n + j];
      ref += t;
      scale += Math.abs(t);
    }
    maxRelError = Math.max(maxRelError, Math.abs(c[e] - ref) / Math.max(scale, 1e-30));
  }
  return { samples: idx.length, maxRelError };
}

/** Sampled outputs of the conv (NCHW out [B, outC, rows, outW]) in float64. */
function convCheck(s: ConvShape, batch: number, x: Float32Array, w: Float32Array, bias: Float32Array | null, out: ArrayLike<number>, outIndex: (nchw: number) => number): Float64Check {
  const outW = convOutWidth(s);
  const idx = sampleIndices(batch * s.outC * s.rows * outW, 64);
  let maxRelError = 0;
  for (const e of idx) {
    const t = e % outW;
    const r = Math.floor(e / outW) % s.rows;
    const o = Math.floor(e / (outW * s.rows)) % s.outC;
    const b = Math.floor(e / (outW * s.rows * s.outC));
    let ref = bias ? bias[o] : 0;
    let scale = Math.abs(ref);
    for (let c = 0; c < s.inC; c++) {
      for (let q = 0; q < CONV_K; q++) {
        const src = t + q - CONV_PAD;
        if (src < 0 || src >= s.width) continue;
        const v = x[((b * s.inC + c) * s.rows + r) * s.width + src] * w[(o * s.inC + c) * CONV_K + q];
        ref += v;
        scale += Math.abs(v);
      }
    }
    maxRelError = Math.max(maxRelError, Math.abs(out[outIndex(e)] - ref) / Math.max(scale, 1e-30));
  }
  return { samples: idx.length, maxRelError };
}

interface Timed<V> {
  samplesMs: number[];
  kernels: string[];
  /** The last run's output. */
  values: V;
  method: KernelTimingMethod;
  timing: string;
}

/**
 * How many timed runs: cfg.runs, fewer (at least 1) when the last warm-up run says they would
 * not fit in cfg.budgetMs (0: never fewer). The warm-up includes compilation, so it errs short.
 */
function runPlan(cfg: KernelEfficiencyConfig, notes: string[], what: string): { total(): number; ran(run: number, wallMs: number): void } {
  let runs = cfg.runs;
  return {
    total: () => cfg.warmup + runs,
    ran(run, wallMs) {
      if (run !== cfg.warmup - 1 || cfg.budgetMs <= 0 || wallMs * cfg.runs <= cfg.budgetMs) return;
      runs = Math.max(1, Math.min(cfg.runs, Math.floor(cfg.budgetMs / wallMs)));
      notes.push(`${what}: ${runs} timed run(s) instead of ${cfg.runs}, to stay within ${(cfg.budgetMs / 1000).toFixed(0)} s (a warm-up run took ${(wallMs / 1000).toFixed(1)} s)`);
    },
  };
}

/**
 * Times `op` on hypnograd's WebGPU device: GPU time of the kernels whose key starts with `prefix`
 * (its profiler), or wall time around syncWebGPU() without timestamps. Returns the last output's values.
 */
async function timeHypnograd(op: () => Tensor, prefix: string, cfg: KernelEfficiencyConfig, timestamps: boolean, notes: string[], what: string): Promise<Timed<Float64Array>> {
  const samplesMs: number[] = [];
  const kernels = new Set<string>();
  let values: Float64Array | null = null;
  let fellBack = false;
  const plan = runPlan(cfg, notes, what);
  for (let r = 0; r < plan.total(); r++) {
    const last = r === plan.total() - 1;
    const wall0 = performance.now();
    let y: Tensor;
    let ms: number;
    if (timestamps) {
      startWebGpuProfile();
      y = noGrad(() => tidy(op));
      const p = await stopWebGpuProfile();
      let counted = p.kernels.filter((k) => k.kernel.startsWith(prefix));
      if (!counted.length) {
        counted = p.kernels;
        fellBack = true;
      }
      ms = counted.reduce((a, k) => a + k.totalMs, 0);
      if (r >= cfg.warmup) for (const k of counted) kernels.add(k.kernel);
    } else {
      await syncWebGPU();
      const t0 = performance.now();
      y = noGrad(() => tidy(op));
      await syncWebGPU();
      ms = performance.now() - t0;
    }
    if (r >= cfg.warmup) samplesMs.push(ms);
    if (last) values = await y.data();
    y.dispose();
    plan.ran(r, performance.now() - wall0);
  }
  progress(`${what}: ${median(samplesMs).toFixed(2)} ms (median of ${samplesMs.length})`);
  if (fellBack) notes.push(`${what}: no hypnograd kernel key starts with '${prefix}'; the GPU time of every kernel of the call is counted`);
  return timestamps
    ? { samplesMs, kernels: [...kernels], values: values!, method: 'gpu-timestamps', timing: `hypnograd's profiler (startWebGpuProfile / stopWebGpuProfile): GPU time of the kernels keyed '${prefix}*' per call` }
    : { samplesMs, kernels: ['(all kernels of the call)'], values: values!, method: 'wall-clock', timing: 'wall time around the call and syncWebGPU() (no timestamp-query)' };
}

/** Times `op` on TF.js's webgpu backend: tf.time's kernelMs (timestamp queries), or wall time around `await data()`. */
async function timeTfjs(tf: Tf, op: () => TfCore.Tensor, cfg: KernelEfficiencyConfig, timestamps: boolean, notes: string[], what: string): Promise<Timed<Float32Array>> {
  const samplesMs: number[] = [];
  const kernels = new Set<string>();
  let values: Float32Array | null = null;
  const plan = runPlan(cfg, notes, what);
  for (let r = 0; r < plan.total(); r++) {
    const wall0 = performance.now();
    let y: TfCore.Tensor | null = null;
    let ms: number;
    if (timestamps) {
      const info = await tf.time(() => {
        y = op();
      });
      ms = info.kernelMs as number;
      const extra = (info as { getExtraProfileInfo?: () => string }).getExtraProfileInfo?.() ?? '';
      for (const part of extra.split(', ').filter(Boolean)) kernels.add(part.split(':')[0]);
      await y!.data();
    } else {
      const t0 = performance.now();
      y = op();
      await y.data();
      ms = performance.now() - t0;
    }
    if (r >= cfg.warmup) samplesMs.push(ms);
    if (r === plan.total() - 1) values = (await y!.data()) as Float32Array;
    y!.dispose();
    plan.ran(r, performance.now() - wall0);
  }
  progress(`${what}: ${median(samplesMs).toFixed(2)} ms (median of ${samplesMs.length})`);
  return timestamps
    ? { samplesMs, kernels: [...kernels], values: values!, method: 'gpu-timestamps', timing: "tf.time's kernelMs (TF.js's timestamp queries around each program)" }
    : { samplesMs, kernels: ['(all programs of the call)'], values: values!, method: 'wall-clock', timing: 'wall time around the call and await data() (readback included; no timestamp-query)' };
}

export async function runKernelEfficiency(cfg: KernelEfficiencyConfig): Promise<KernelEfficiency> {
  const notes: string[] = [];
  const n = cfg.matmulSize;
  const B = cfg.batch;

  progress(`peak FMA probe, ${cfg.peakWorkgroups} workgroups x ${PEAK_WORKGROUP_SIZE} x ${PEAK_ACCUMULATORS} vec4 chains x ${cfg.peakIterations} iterations`);
  const peak = await runPeakFma({ workgroups: cfg.peakWorkgroups, iterations: cfg.peakIterations, warmup: cfg.warmup, runs: cfg.runs });
  const peakFigure = {
    ...figure(peak.flops, peak.samplesMs, peak.method, peak.method === 'gpu-timestamps' ? 'timestamp queries around the compute pass' : 'wall time around submit and onSubmittedWorkDone() (no timestamp-query)', ['bench_peak_fma']),
    workgroups: cfg.peakWorkgroups,
    workgroupSize: PEAK_WORKGROUP_SIZE,
    accumulators: PEAK_ACCUMULATORS,
    lanes: PEAK_LANES,
    iterations: cfg.peakIterations,
    check: { chainsChecked: peak.chainsChecked, maxRelDiff: peak.maxRelDiff, maxRelDiffFloat32: peak.maxRelDiffFloat32 },
  };

  // Same inputs for both libraries.
  const a = normals(n * n, 101);
  const b = normals(n * n, 102);
  const convInputs = CONV_SHAPES.map((s, i) => ({
    s,
    x: normals(B * s.inC * s.rows * s.width, 201 + i),
    w: normals(s.outC * s.inC * CONV_K, 301 + i).map((v) => v / Math.sqrt(s.inC * CONV_K)),
    bias: s.bias ? normals(s.outC, 401 + i) : null,
  }));

  progress('hypnograd matmul and conv');
  const info = await initWebGPU();
  const adapter = `${info.vendor} ${info.architecture} ${info.description}`.trim();
  const ta = tensor(a, [n, n], { device: 'webgpu' });
  const tb = tensor(b, [n, n], { device: 'webgpu' });
  await syncWebGPU();
  const hmm = await timeHypnograd(() => F.matmul(ta, tb), 'matmul', cfg, info.timestampQuery, notes, 'hypnograd matmul');
  ta.dispose();
  tb.dispose();
  const hConv: Timed<Float64Array>[] = [];
  for (const c of convInputs) {
    const x = tensor(c.x, [B, c.s.inC, c.s.rows, c.s.width], { device: 'webgpu' });
    const w = tensor(c.w, [c.s.outC, c.s.inC, 1, CONV_K], { device: 'webgpu' });
    const bias = c.bias ? tensor(c.bias, [c.s.outC], { device: 'webgpu' }) : null;
    await syncWebGPU();
    hConv.push(await timeHypnograd(() => F.conv2d(x, w, bias, { padding: [0, CONV_PAD] }), 'conv', cfg, info.timestampQuery, notes, `hypnograd ${c.s.name}`));
    x.dispose();
    w.dispose();
    bias?.dispose();
  }

  progress('TF.js matmul and conv2d');
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error("TF.js could not initialise its 'webgpu' backend");
  await tf.ready();
  const tfTimestamps = (tf.backend() as unknown as { supportTimestampQuery?: boolean }).supportTimestampQuery === true;
  const fa = tf.tensor2d(a, [n, n]);
  const fb = tf.tensor2d(b, [n, n]);
  await Promise.all([fa.data(), fb.data()]);
  const tmm = await timeTfjs(tf, () => tf.matMul(fa, fb), cfg, tfTimestamps, notes, 'TF.js matMul');
  tf.dispose([fa, fb]);
  const tConv: (Timed<Float32Array> & { batch: number })[] = [];
  for (const c of convInputs) {
    // NHWC [batch, rows, width + 2 pad, inC], zero-padded here as the TF.js peer's model does
    // (zeroPadding2d, then a 'valid' conv); filter [1, K, inC, outC].
    const paddedW = c.s.width + 2 * CONV_PAD;
    const wHwio = new Float32Array(c.w.length);
    for (let o = 0; o < c.s.outC; o++) for (let ch = 0; ch < c.s.inC; ch++) for (let q = 0; q < CONV_K; q++) wHwio[(q * c.s.inC + ch) * c.s.outC + o] = c.w[(o * c.s.inC + ch) * CONV_K + q];
    const fw = tf.tensor4d(wHwio, [1, CONV_K, c.s.inC, c.s.outC]);
    const fbias = c.bias ? tf.tensor1d(c.bias) : null;
    const atBatch = async (batch: number, runCfg: KernelEfficiencyConfig) => {
      const xNhwc = new Float32Array(batch * c.s.rows * paddedW * c.s.inC);
      for (let bb = 0; bb < batch; bb++)
        for (let ch = 0; ch < c.s.inC; ch++)
          for (let r = 0; r < c.s.rows; r++)
            for (let t = 0; t < c.s.width; t++) xNhwc[((bb * c.s.rows + r) * paddedW + t + CONV_PAD) * c.s.inC + ch] = c.x[((bb * c.s.inC + ch) * c.s.rows + r) * c.s.width + t];
      const fx = tf.tensor4d(xNhwc, [batch, c.s.rows, paddedW, c.s.inC]);
      await Promise.all([fx.data(), fw.data()]);
      try {
        return await timeTfjs(tf, () => (fbias ? tf.fused.conv2d({ x: fx, filter: fw, strides: 1, pad: 'valid', bias: fbias }) : tf.conv2d(fx, fw, 1, 'valid')), runCfg, tfTimestamps, notes, `TF.js conv2d ${c.s.name} at batch ${batch}`);
      } finally {
        fx.dispose();
      }
    };
    // TF.js's conv is context, and can be very slow on SwiftShader (seconds per sample-batch):
    // under a budget, a probe at batch 2 picks the largest halving of the batch that fits.
    let batch = B;
    if (cfg.budgetMs > 0 && B > 2) {
      const probe = await atBatch(2, { ...cfg, warmup: 1, runs: 1, budgetMs: 0 });
      const perRunMs = (b: number) => (probe.samplesMs[0] * b) / 2;
      while (batch > 2 && perRunMs(batch) * (cfg.warmup + cfg.runs) > cfg.budgetMs) batch = Math.max(2, Math.floor(batch / 2));
      if (batch !== B) notes.push(`TF.js conv2d ${c.s.name}: measured at batch ${batch} instead of ${B} to stay within ${(cfg.budgetMs / 1000).toFixed(0)} s (a run at batch 2 took ${probe.samplesMs[0].toFixed(0)} ms)`);
    }
    tConv.push({ ...(await atBatch(batch, cfg)), batch });
    tf.dispose([fw, ...(fbias ? [fbias] : [])]);
  }

  progress('checking the results');
  const mmFlops = matmulFlops(n, n, n);
  const tfjsMatmul: MatmulFigure = { ...figure(mmFlops, tmm.samplesMs, tmm.method, tmm.timing, tmm.kernels), library: 'tfjs', check: matmulCheck(a, b, tmm.values, n, n) };
  const hypMatmul: MatmulFigure = { ...figure(mmFlops, hmm.samplesMs, hmm.method, hmm.timing, hmm.kernels), library: 'hypnograd', check: matmulCheck(a, b, hmm.values, n, n) };
  if (hmm.method !== tmm.method) notes.push(`hypnograd timed by ${hmm.method}, TF.js by ${tmm.method}: the matmul figures are not taken the same way`);
  const ratioOf = (x: number, y: number) => (x > 0 && y > 0 ? x / y : null);

  const conv = {} as KernelEfficiency['conv'];
  convInputs.forEach((c, i) => {
    const s = c.s;
    const outW = convOutWidth(s);
    const flops = convFlops(B, s);
    const h = hConv[i];
    const t = tConv[i];
    const base = figure(flops, h.samplesMs, h.method, h.timing, h.kernels);
    // hypnograd NCHW [B, outC, rows, outW]; TF.js NHWC [B, rows, outW, outC].
    const nhwcOf = (e: number) => {
      const tt = e % outW;
      const r = Math.floor(e / outW) % s.rows;
      const o = Math.floor(e / (outW * s.rows)) % s.outC;
      const bb = Math.floor(e / (outW * s.rows * s.outC));
      return ((bb * s.rows + r) * outW + tt) * s.outC + o;
    };
    const tfjsFig = figure(convFlops(t.batch, s), t.samplesMs, t.method, t.timing, t.kernels);
    const figureOut: ConvFigure = {
      ...base,
      x: [B, s.inC, s.rows, s.width],
      weight: [s.outC, s.inC, 1, CONV_K],
      bias: s.bias ? [s.outC] : null,
      padding: [0, CONV_PAD],
      out: [B, s.outC, s.rows, outW],
      check: convCheck(s, B, c.x, c.w, c.bias, h.values, (e) => e),
      overTfjsMatmul: ratioOf(base.gflops, tfjsMatmul.gflops),
      overHypnogradMatmul: ratioOf(base.gflops, hypMatmul.gflops),
      overPeak: ratioOf(base.gflops, peakFigure.gflops),
      tfjsConv2d: { ...tfjsFig, batch: t.batch, check: convCheck(s, t.batch, c.x, c.w, c.bias, t.values, nhwcOf), overPeak: ratioOf(tfjsFig.gflops, peakFigure.gflops) },
      // Over the samples both libraries computed.
      agreement: maxDiff(h.values.subarray(0, t.batch * s.outC * s.rows * outW), t.values, nhwcOf),
    };
    conv[s.name] = figureOut;
  });

  return {
    config: cfg,
    adapter,
    timestampQuery: info.timestampQuery,
    peakFma: peakFigure,
    matmul: {
      m: n,
      n,
      k: n,
      tfjsWebgpu: tfjsMatmul,
      hypnogradWebgpu: hypMatmul,
      agreement: maxDiff(hmm.values, tmm.values),
      hypnogradOverTfjs: hypMatmul.gflops / tfjsMatmul.gflops,
    },
    conv,
    notes,
  };
}
