/** hypnograd's side: SleepStagerChambon2018 (tutorial rounding, 5,227 parameters), weighted CE, Adam. */
import { manualSeed, noGrad, optim, tensor, tidy, type DeviceName, type Tensor } from '../../engine/index.ts';
import { crossEntropy } from '../../engine/ops/loss.ts';
import { SleepStagerChambon2018 } from '../../sleep/model/index.ts';
import { CLASS_WEIGHTS, N_CHANNELS, N_TIMES, syntheticLabels, syntheticWindows } from './data.ts';
import type { BenchSubject } from './measure.ts';
import type { KernelProfile } from './types.ts';

export async function createHypnogradSubject(device: DeviceName): Promise<BenchSubject> {
  const notes: string[] = [];
  let webgpu: typeof import('../../engine/backends/webgpu/index.ts') | null = null;
  let adapter = '';
  if (device === 'webgpu') {
    webgpu = await import('../../engine/backends/webgpu/index.ts');
    const info = await webgpu.initWebGPU();
    adapter = `${info.vendor} ${info.architecture} ${info.description}`.trim();
  }
  manualSeed(0);
  // Initialised on the CPU (PyTorch's init order), then moved.
  const model = new SleepStagerChambon2018({ nChannels: N_CHANNELS, sfreq: 100, inputSizeS: 30, nClasses: 5, rounding: 'tutorial' });
  model.to(device).train();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const weight = tensor(CLASS_WEIGHTS, [CLASS_WEIGHTS.length], { device });
  let x: Tensor | null = null;
  let y: Tensor | null = null;
  let xEval: Tensor | null = null;

  const sync = async () => {
    if (webgpu) await webgpu.syncWebGPU();
  };

  return {
    parameters: model.numParameters(),
    usesWebGpu: device === 'webgpu',
    notes,
    async setBatch(batch, evalBatch) {
      x?.dispose();
      y?.dispose();
      xEval?.dispose();
      x = tensor(syntheticWindows(batch, 1), [batch, N_CHANNELS, N_TIMES], { device });
      y = tensor(syntheticLabels(batch), [batch], { device });
      xEval = tensor(syntheticWindows(evalBatch, 2), [evalBatch, N_CHANNELS, N_TIMES], { device });
      await sync();
    },
    async trainStep(readLoss) {
      const xb = x!;
      const yb = y!;
      opt.zeroGrad();
      const loss = tidy(() => {
        const l = crossEntropy(model.forward(xb), yb, { weight });
        l.backward();
        return l;
      });
      opt.step();
      const value = readLoss ? await loss.item() : null;
      loss.dispose();
      return value;
    },
    async evalForward() {
      model.eval();
      // tidy frees the forward's intermediates (back to the buffer pool) as soon as it returns.
      const logits = noGrad(() => tidy(() => model.forward(xEval!)));
      model.train();
      await logits.data();
      logits.dispose();
    },
    engineCounters: webgpu ? () => webgpu!.webgpuStats() : undefined,
    markEngineCounters: webgpu ? () => webgpu!.markWebGpuStats() : undefined,
    // buffersCreated counts from the last markEngineCounters.
    gpuMemory: webgpu
      ? () => {
          const s = webgpu!.webgpuStats();
          return { liveBytes: s.liveBytes, gpuBytes: s.gpuBytes, buffersCreated: s.buffersCreated };
        }
      : undefined,
    ownProfiler: webgpu && webgpu.webgpuInfo()?.timestampQuery ? ownProfiler(webgpu) : undefined,
    backendInfo: () => ({ device, adapter: adapter || null, dtype: device === 'cpu' ? 'float64' : 'float32' }),
    dispose() {
      x?.dispose();
      y?.dispose();
      xEval?.dispose();
    },
  };
}

/** hypnograd's own kernel timing, as the bench's KernelProfile (kernels by pipeline key). */
function ownProfiler(webgpu: typeof import('../../engine/backends/webgpu/index.ts')): NonNullable<BenchSubject['ownProfiler']> {
  return {
    start: () => webgpu.startWebGpuProfile(),
    async stop(): Promise<KernelProfile> {
      const p = await webgpu.stopWebGpuProfile();
      return { totalMs: p.totalMs, passes: p.dispatches, kernels: p.kernels.map((k) => ({ name: k.kernel, calls: k.calls, totalMs: k.totalMs })) };
    },
  };
}
