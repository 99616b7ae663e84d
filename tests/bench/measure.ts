/**
 * The measuring protocol shared by every in-page peer: first step (compilation included), probe,
 * batch reduction to fit the budget, warm-up, timed steps with the loss read every step, timed
 * 10-step blocks with the loss read once per block, evaluation forwards, one profiled step.
 */
import { countsSince, gpuCounts, startKernelProfile, stopKernelProfile } from './gpuInstrument.ts';
import { spread } from './stats.ts';
import type { KernelProfile, PeerConfig, PeerResult } from './types.ts';
import { splitPeer } from './types.ts';

/** One library on one backend, holding a model, an optimizer and a batch on its device. */
export interface BenchSubject {
  readonly parameters: number;
  readonly usesWebGpu: boolean;
  /** (Re)creates the training batch and the evaluation batch on the device. */
  setBatch(batch: number, evalBatch: number): Promise<void>;
  /** One Adam step on the training batch; reads the loss back when `readLoss`. */
  trainStep(readLoss: boolean): Promise<number | null>;
  /** Forward without gradients on the evaluation batch, logits read back. */
  evalForward(): Promise<void>;
  /** The engine's own dispatch/submit counters (hypnograd), for a cross-check. */
  engineCounters?(): { dispatches: number; submits: number };
  markEngineCounters?(): void;
  /**
   * The library's own per-kernel GPU timing (hypnograd: startWebGpuProfile), used for the
   * profiled step instead of the page's pass wrapper when present.
   */
  ownProfiler?: { start(): void; stop(): Promise<KernelProfile> };
  /** The library's own GPU memory figures (hypnograd), for --memory-steps. */
  gpuMemory?(): { liveBytes: number; gpuBytes: number; buffersCreated: number };
  /** Runs around the profiled step (TF.js: one dispatch per pass). */
  beforeProfile?(): void;
  afterProfile?(): void;
  backendInfo(): Record<string, string | number | boolean | null>;
  notes: string[];
  dispose(): void;
}

const now = () => performance.now();

/** Progress lines; the CLI forwards console messages that start with [bench]. */
function progress(peer: string, what: string): void {
  console.info(`[bench] ${peer}: ${what}`);
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = now();
  const v = await fn();
  return [now() - t0, v];
}

/** How many train-step equivalents the whole protocol costs after the probe. */
function stepEquivalents(cfg: PeerConfig): number {
  const blocks = Math.max(1, Math.round(cfg.steps / 10));
  const evals = evalRuns(cfg) + 1;
  // A forward at twice the batch can cost more than a training step (TF.js on SwiftShader: 1.2x).
  return cfg.warmup + cfg.steps + blocks * 10 + 1.5 * evals + 1;
}

const evalRuns = (cfg: PeerConfig) => Math.max(5, Math.ceil(cfg.steps / 4));

export async function measure(subject: BenchSubject, cfg: PeerConfig): Promise<PeerResult> {
  const [library, backend] = splitPeer(cfg.peer);
  const notes = [...subject.notes];
  // Probe at a small batch first, so an adapter that is slow at the full batch costs seconds, not minutes.
  const probeBatch = cfg.budgetMs > 0 ? Math.min(cfg.batch, 4) : cfg.batch;
  await subject.setBatch(probeBatch, Math.max(1, Math.round((cfg.evalBatch * probeBatch) / cfg.batch)));
  progress(cfg.peer, `first step at batch ${probeBatch}`);
  const [firstStepMs, firstLossRaw] = await timed(() => subject.trainStep(true));
  progress(cfg.peer, `first step ${firstStepMs.toFixed(0)} ms`);
  const firstLoss = firstLossRaw ?? NaN;
  const [probeMs] = await timed(() => subject.trainStep(true));

  let batch = cfg.batch;
  let batchNote: string | null = null;
  const evalBatchFor = (b: number) => Math.max(1, Math.round((cfg.evalBatch * b) / cfg.batch));
  let warmupLeft = cfg.warmup;
  if (cfg.budgetMs > 0) {
    // Linear in the batch from the probe (overhead makes that pessimistic, so it errs small).
    const fit = (perSampleMs: number, from: number) => {
      let b = from;
      while (b > 1 && perSampleMs * b * stepEquivalents(cfg) > cfg.budgetMs) b = Math.max(1, Math.floor(b / 2));
      return b;
    };
    let perSampleMs = probeMs / probeBatch;
    batch = fit(perSampleMs, cfg.batch);
    let why = `a probe step at batch ${probeBatch} took ${probeMs.toFixed(0)} ms`;
    // Check the choice with one step at that batch (it counts as warm-up) and go lower if needed.
    while (batch !== probeBatch) {
      await subject.setBatch(batch, evalBatchFor(batch));
      const [ms] = await timed(() => subject.trainStep(true));
      warmupLeft--;
      perSampleMs = ms / batch;
      const again = fit(perSampleMs, batch);
      if (again === batch || batch === 1 || perSampleMs * batch * stepEquivalents(cfg) <= 1.25 * cfg.budgetMs) break;
      why = `a step at batch ${batch} took ${ms.toFixed(0)} ms`;
      batch = again;
    }
    if (batch !== cfg.batch) {
      batchNote = `batch ${cfg.batch} reduced to ${batch} to keep this peer within the ${(cfg.budgetMs / 1000).toFixed(0)} s budget: ${why} (batch ${cfg.batch} would need about ${((perSampleMs * cfg.batch * stepEquivalents(cfg)) / 1000).toFixed(0)} s)`;
    }
  }
  const evalBatch = evalBatchFor(batch);
  await subject.setBatch(batch, evalBatch);

  progress(cfg.peer, `probe ${probeMs.toFixed(0)} ms at batch ${probeBatch}; measuring at batch ${batch}`);
  for (let i = 0; i < Math.max(1, warmupLeft); i++) await subject.trainStep(true);
  progress(cfg.peer, `warm-up done; ${cfg.steps} timed steps`);

  const before = gpuCounts();
  subject.markEngineCounters?.();
  const stepMs: number[] = [];
  let lastLoss = NaN;
  for (let i = 0; i < cfg.steps; i++) {
    const [ms, loss] = await timed(() => subject.trainStep(true));
    stepMs.push(ms);
    lastLoss = loss ?? NaN;
  }
  const used = countsSince(before);
  const engine = subject.engineCounters?.() ?? null;
  const perStep = (v: number) => Math.round((v / cfg.steps) * 100) / 100;

  progress(cfg.peer, `step median ${spread(stepMs).medianMs} ms; 10-step blocks`);
  const blockMs: number[] = [];
  const blocks = Math.max(1, Math.round(cfg.steps / 10));
  for (let b = 0; b < blocks; b++) {
    const [ms, loss] = await timed(async () => {
      for (let i = 0; i < 9; i++) await subject.trainStep(false);
      return subject.trainStep(true);
    });
    blockMs.push(ms / 10);
    lastLoss = loss ?? lastLoss;
  }

  progress(cfg.peer, `evaluation forwards at batch ${evalBatch}`);
  const [firstEvalMs] = await timed(() => subject.evalForward());
  const evalMs: number[] = [];
  for (let i = 0; i < evalRuns(cfg); i++) evalMs.push((await timed(() => subject.evalForward()))[0]);

  let gpuKernelTime: KernelProfile | null = null;
  let kernelTimingNote: string | null = null;
  if (!subject.usesWebGpu) {
    kernelTimingNote = 'not a WebGPU backend';
  } else if (!cfg.profileKernels) {
    kernelTimingNote = 'kernel profiling not asked for (--no-profile)';
  } else {
    progress(cfg.peer, 'profiled step');
    const own = subject.ownProfiler;
    subject.beforeProfile?.();
    if (own) own.start();
    else startKernelProfile();
    let profile: KernelProfile;
    let untimedPasses = 0;
    try {
      await subject.trainStep(true);
    } finally {
      subject.afterProfile?.();
      if (own) profile = await own.stop();
      else ({ profile, untimedPasses } = await stopKernelProfile());
    }
    if (profile.passes === 0) {
      kernelTimingNote = 'the device has no timestamp-query feature: no per-kernel GPU time';
    } else {
      gpuKernelTime = profile;
      kernelTimingNote = own
        ? "the library's own profiler: timestamps around every dispatch of one training step"
        : 'timestamps written around every compute pass of one training step by the bench page (not by the library)' +
          (untimedPasses ? `; ${untimedPasses} passes carried their own timestamps and are not counted` : '');
    }
  }

  let gpuMemory: PeerResult['gpuMemory'] = null;
  if (cfg.memorySteps > 0 && subject.gpuMemory) {
    progress(cfg.peer, `${cfg.memorySteps} more steps, GPU memory read before and after`);
    subject.markEngineCounters?.();
    const before = subject.gpuMemory();
    for (let i = 1; i <= cfg.memorySteps; i++) await subject.trainStep(i % 100 === 0 || i === cfg.memorySteps);
    const after = subject.gpuMemory();
    gpuMemory = {
      steps: cfg.memorySteps,
      liveBytesBefore: before.liveBytes,
      liveBytesAfter: after.liveBytes,
      gpuBytesBefore: before.gpuBytes,
      gpuBytesAfter: after.gpuBytes,
      buffersCreated: after.buffersCreated,
    };
  }

  return {
    peer: cfg.peer,
    library,
    backend,
    batch,
    requestedBatch: cfg.batch,
    batchNote,
    evalBatch,
    parameters: subject.parameters,
    firstStepMs: Math.round(firstStepMs * 1000) / 1000,
    firstStepBatch: probeBatch,
    trainStep: spread(stepMs),
    trainStepRead10: spread(blockMs),
    evalForward: spread(evalMs),
    firstEvalMs: Math.round(firstEvalMs * 1000) / 1000,
    dispatchesPerStep: subject.usesWebGpu ? perStep(used.dispatches) : null,
    submitsPerStep: subject.usesWebGpu ? perStep(used.submits) : null,
    mapAsyncsPerStep: subject.usesWebGpu ? perStep(used.mapAsyncs) : null,
    writeBuffersPerStep: subject.usesWebGpu ? perStep(used.writeBuffers) : null,
    engineDispatchesPerStep: engine ? perStep(engine.dispatches) : null,
    engineSubmitsPerStep: engine ? perStep(engine.submits) : null,
    gpuKernelTime,
    kernelTimingNote,
    gpuMemory,
    firstLoss,
    lastLoss,
    backendInfo: subject.backendInfo(),
    notes,
  };
}
