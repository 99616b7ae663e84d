/**
 * The adapter's FMA peak, measured with raw WebGPU (a bench probe, not an engine kernel): every
 * invocation runs ACCUMULATORS independent vec4 chains a = fma(a, w, x). Independent chains keep
 * the ALUs busy without waiting on the previous result; w and x come from a uniform and the
 * iteration count too, so the compiler can neither fold nor unroll the work away. Every chain is
 * stored, so some of them can be recomputed on the CPU (the kernel really did the FLOPs).
 */
import { median } from './stats.ts';

export const PEAK_WORKGROUP_SIZE = 64;
export const PEAK_ACCUMULATORS = 16;
export const PEAK_LANES = 4;
/** a = w a + x converges to x / (1 - w) = 1; w^1000 = 0.37 keeps the starting value visible. */
export const PEAK_W = 0.999;
export const PEAK_X = 0.001;

export function peakFmaWgsl(): string {
  const acc = Array.from({ length: PEAK_ACCUMULATORS }, (_, j) => j);
  return /* wgsl */ `
struct Params { w: f32, x: f32, iterations: u32, seedScale: f32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<vec4<f32>>;

@compute @workgroup_size(${PEAK_WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let base = vec4<f32>(f32(gid.x) * params.seedScale) + vec4<f32>(0.0, 0.0625, 0.125, 0.1875);
  let w = vec4<f32>(params.w);
  let x = vec4<f32>(params.x);
${acc.map((j) => `  var a${j} = base + vec4<f32>(${(j * 0.25).toFixed(2)});`).join('\n')}
  for (var i = 0u; i < params.iterations; i = i + 1u) {
${acc.map((j) => `    a${j} = fma(a${j}, w, x);`).join('\n')}
  }
${acc.map((j) => `  out[gid.x * ${PEAK_ACCUMULATORS}u + ${j}u] = a${j};`).join('\n')}
}
`;
}

/** The starting value of chain (invocation, accumulator, lane), as the kernel computes it in float32. */
export function peakChainStart(invocation: number, accumulator: number, lane: number, seedScale: number): number {
  const f = Math.fround;
  const base = f(f(f(invocation) * f(seedScale)) + lane * 0.0625);
  return f(base + accumulator * 0.25);
}

/**
 * The chain recomputed on the CPU: in float64, and in float32 with fma fused (one rounding; a * w
 * of two float32 is exact in float64) and unfused (two roundings), since WGSL allows either.
 */
export function peakChainReference(invocation: number, accumulator: number, lane: number, iterations: number, seedScale: number): { float64: number; float32Fused: number; float32Unfused: number } {
  const f = Math.fround;
  const start = peakChainStart(invocation, accumulator, lane, seedScale);
  const w = f(PEAK_W);
  const x = f(PEAK_X);
  let a = start;
  let fused = start;
  let unfused = start;
  for (let i = 0; i < iterations; i++) {
    a = a * w + x;
    fused = f(fused * w + x);
    unfused = f(f(unfused * w) + x);
  }
  return { float64: a, float32Fused: fused, float32Unfused: unfused };
}

export function peakFlops(workgroups: number, iterations: number): number {
  return workgroups * PEAK_WORKGROUP_SIZE * PEAK_ACCUMULATORS * PEAK_LANES * iterations * 2;
}

export interface PeakRun {
  flops: number;
  samplesMs: number[];
  medianMs: number;
  method: 'gpu-timestamps' | 'wall-clock';
  /** Chains recomputed on the CPU, and their largest difference relative to the value. */
  chainsChecked: number;
  maxRelDiff: number;
  /** The same against the nearer float32 emulation (fused or unfused fma): the kernel's own rounding. */
  maxRelDiffFloat32: number;
}

/** Runs the probe `warmup + runs` times on a device of its own; one dispatch per submit. */
export async function runPeakFma(opts: { workgroups: number; iterations: number; warmup: number; runs: number }): Promise<PeakRun> {
  if (!navigator.gpu) throw new Error('peak FMA probe: navigator.gpu is undefined');
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) throw new Error('peak FMA probe: requestAdapter returned null');
  const timestamps = adapter.features.has('timestamp-query');
  const device = await adapter.requestDevice({ requiredFeatures: timestamps ? ['timestamp-query'] : [] });
  const invocations = opts.workgroups * PEAK_WORKGROUP_SIZE;
  const seedScale = 1 / invocations;
  const outBytes = invocations * PEAK_ACCUMULATORS * PEAK_LANES * 4;
  try {
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ label: 'bench_peak_fma', code: peakFmaWgsl() });
    const pipeline = device.createComputePipeline({ label: 'bench_peak_fma', layout: 'auto', compute: { module, entryPoint: 'main' } });
    const params = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const p = new ArrayBuffer(16);
    new Float32Array(p, 0, 2).set([PEAK_W, PEAK_X]);
    new Uint32Array(p, 8, 1)[0] = opts.iterations;
    new Float32Array(p, 12, 1)[0] = seedScale;
    device.queue.writeBuffer(params, 0, p);
    const out = device.createBuffer({ size: outBytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const readback = device.createBuffer({ size: outBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: params } }, { binding: 1, resource: { buffer: out } }] });
    const querySet = timestamps ? device.createQuerySet({ type: 'timestamp', count: 2 }) : null;
    const resolve = timestamps ? device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }) : null;
    const ticks = timestamps ? device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }) : null;
    const error = await device.popErrorScope();
    if (error) throw new Error(`peak FMA probe: ${error.message}`);

    const samplesMs: number[] = [];
    for (let r = 0; r < opts.warmup + opts.runs; r++) {
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass(querySet ? { timestampWrites: { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : {});
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(opts.workgroups);
      pass.end();
      if (querySet) {
        enc.resolveQuerySet(querySet, 0, 2, resolve!, 0);
        enc.copyBufferToBuffer(resolve!, 0, ticks!, 0, 16);
      }
      const t0 = performance.now();
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      const wallMs = performance.now() - t0;
      let ms = wallMs;
      if (ticks) {
        await ticks.mapAsync(GPUMapMode.READ);
        const t = new BigUint64Array(ticks.getMappedRange().slice(0));
        ticks.unmap();
        ms = Number(t[1] - t[0]) / 1e6;
      }
      if (r >= opts.warmup) samplesMs.push(ms);
    }

    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(out, 0, readback, 0, outBytes);
    device.queue.submit([enc.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const values = new Float32Array(readback.getMappedRange().slice(0));
    readback.unmap();
    // First, last and a few in between (different workgroups), every accumulator and lane.
    const checked = [0, 1, PEAK_WORKGROUP_SIZE + 5, Math.floor(invocations / 2) + 3, invocations - 1].filter((i, k, a) => i < invocations && a.indexOf(i) === k);
    let maxRelDiff = 0;
    let maxRelDiffFloat32 = 0;
    let chainsChecked = 0;
    const rel = (got: number, ref: number) => {
      const r = Math.abs(got - ref) / Math.max(Math.abs(ref), 1e-30);
      return Number.isFinite(r) ? r : Infinity;
    };
    for (const inv of checked) {
      for (let j = 0; j < PEAK_ACCUMULATORS; j++) {
        for (let lane = 0; lane < PEAK_LANES; lane++) {
          const ref = peakChainReference(inv, j, lane, opts.iterations, seedScale);
          const got = values[(inv * PEAK_ACCUMULATORS + j) * PEAK_LANES + lane];
          maxRelDiff = Math.max(maxRelDiff, rel(got, ref.float64));
          maxRelDiffFloat32 = Math.max(maxRelDiffFloat32, Math.min(rel(got, ref.float32Fused), rel(got, ref.float32Unfused)));
          chainsChecked++;
        }
      }
    }
    for (const b of [params, out, readback, resolve, ticks]) b?.destroy();
    querySet?.destroy();
    return { flops: peakFlops(opts.workgroups, opts.iterations), samplesMs, medianMs: median(samplesMs), method: timestamps ? 'gpu-timestamps' : 'wall-clock', chainsChecked, maxRelDiff, maxRelDiffFloat32 };
  } finally {
    device.destroy();
  }
}
