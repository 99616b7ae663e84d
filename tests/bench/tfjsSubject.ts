/** TensorFlow.js's side, on its webgpu, wasm or cpu backend: the same model, loss and optimizer. */
import { CLASS_WEIGHTS, N_CHANNELS, N_TIMES, syntheticLabels, syntheticWindows } from './data.ts';
import type { BenchSubject } from './measure.ts';
import { buildTfjsChambon, weightedCrossEntropy } from './tfjsModel.ts';
import type { BackendName } from './types.ts';

/** Where the Vite server serves the wasm backend's binaries (same origin, from node_modules). */
export const WASM_PATH = '/node_modules/@tensorflow/tfjs-backend-wasm/dist/';

export async function createTfjsSubject(backend: BackendName): Promise<BenchSubject> {
  const tf = await import('@tensorflow/tfjs-core');
  const tfl = await import('@tensorflow/tfjs-layers');
  const notes: string[] = [];
  const info: Record<string, string | number | boolean | null> = { version: tf.version_core };
  if (backend === 'webgpu') {
    await import('@tensorflow/tfjs-backend-webgpu');
  } else if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(WASM_PATH);
    // Ask for every core, up to 4, as PyTorch gets 2 threads (TF.js's worker pool may still cap it).
    wasm.setThreadsCount(Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)));
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js could not initialise its '${backend}' backend`);
  await tf.ready();
  if (backend === 'wasm') {
    const { registerWasmConv2dBackpropFilter, WASM_SHIM_NOTE } = await import('./tfjsWasmShim.ts');
    if (registerWasmConv2dBackpropFilter(tf)) notes.push(WASM_SHIM_NOTE);
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
    const threads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
    Object.assign(info, { simd, multithread: threads, threads: wasm.getThreadsCount(), crossOriginIsolated: globalThis.crossOriginIsolated === true });
    if (!threads) notes.push('wasm backend ran single-threaded (no cross-origin isolation / SharedArrayBuffer)');
    else if (wasm.getThreadsCount() < 2) notes.push(`threaded wasm build loaded (cross-origin isolated) but XNNPACK runs ${wasm.getThreadsCount()} thread: TF.js's worker pool is half the ${navigator.hardwareConcurrency} logical cores`);
  }

  tf.randomUniform([1]).dispose();
  const model = buildTfjsChambon(tfl);
  const optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const classWeights = tf.tensor1d(CLASS_WEIGHTS, 'float32');
  let x: import('@tensorflow/tfjs-core').Tensor4D | null = null;
  let y: import('@tensorflow/tfjs-core').Tensor1D | null = null;
  let xEval: import('@tensorflow/tfjs-core').Tensor4D | null = null;
  const submitBatchDefault = backend === 'webgpu' ? (tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) : 0;
  info.deferredSubmitBatchSize = backend === 'webgpu' ? submitBatchDefault : null;

  return {
    parameters: model.countParams(),
    usesWebGpu: backend === 'webgpu',
    notes,
    async setBatch(batch, evalBatch) {
      x?.dispose();
      y?.dispose();
      xEval?.dispose();
      x = tf.tensor4d(syntheticWindows(batch, 1), [batch, N_CHANNELS, N_TIMES, 1]);
      y = tf.tensor1d(syntheticLabels(batch), 'int32');
      xEval = tf.tensor4d(syntheticWindows(evalBatch, 2), [evalBatch, N_CHANNELS, N_TIMES, 1]);
      await Promise.all([x.data(), y.data(), xEval.data()]);
    },
    async trainStep(readLoss) {
      const xb = x!;
      const yb = y!;
      const loss = optimizer.minimize(() => weightedCrossEntropy(tf, model.apply(xb, { training: true }) as import('@tensorflow/tfjs-core').Tensor2D, yb, classWeights), true)!;
      const value = readLoss ? (await loss.data())[0] : null;
      loss.dispose();
      return value;
    },
    async evalForward() {
      const logits = tf.tidy(() => model.apply(xEval!, { training: false }) as import('@tensorflow/tfjs-core').Tensor);
      await logits.data();
      logits.dispose();
    },
    beforeProfile() {
      // One dispatch per compute pass, so each timed pass is one kernel.
      if (backend === 'webgpu') tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', 1);
    },
    afterProfile() {
      if (backend === 'webgpu') tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', submitBatchDefault);
    },
    backendInfo: () => ({ ...info, backend: tf.getBackend(), numTensors: tf.memory().numTensors }),
    dispose() {
      x?.dispose();
      y?.dispose();
      xEval?.dispose();
    },
  };
}

/** Parameter count of the TF.js model, built on the cpu backend (no GPU needed). */
export async function tfjsParameterCount(): Promise<number> {
  const tf = await import('@tensorflow/tfjs-core');
  const tfl = await import('@tensorflow/tfjs-layers');
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  const model = buildTfjsChambon(tfl);
  const n = model.countParams();
  model.dispose();
  return n;
}

/**
 * Checks the wasm Conv2DBackpropFilter shim against TF.js's cpu backend: the filter gradient of
 * sum(conv2d(x, w) * r) for a [1, 7] kernel over 3 input and 4 output channels. Returns the largest absolute
 * difference and the largest gradient magnitude.
 */
export async function checkWasmConv2dFilterGrad(strideW = 1, pad: 'same' | 'valid' = 'same'): Promise<{ maxAbsDiff: number; maxAbs: number }> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(WASM_PATH);
  await import('@tensorflow/tfjs-layers'); // registers the gradients
  const { syntheticWindows } = await import('./data.ts');
  const xs = [3, 2, 40, 3] as const;
  const ws = [1, 7, 3, 4] as const;
  const xv = syntheticWindows(3 * 2 * 40 * 3, 5).slice(0, 3 * 2 * 40 * 3);
  const wv = syntheticWindows(7 * 3 * 4, 6).slice(0, 7 * 3 * 4);
  const grad = async (backend: string) => {
    if (!(await tf.setBackend(backend))) throw new Error(`TF.js could not initialise '${backend}'`);
    if (backend === 'wasm') {
      const { registerWasmConv2dBackpropFilter } = await import('./tfjsWasmShim.ts');
      registerWasmConv2dBackpropFilter(tf);
    }
    const x = tf.tensor4d(xv, [...xs]);
    const outW = pad === 'same' ? Math.ceil(xs[2] / strideW) : Math.floor((xs[2] - ws[1]) / strideW) + 1;
    const r = tf.tensor4d(syntheticWindows(1, 7).slice(0, 3 * 2 * outW * 4), [3, 2, outW, 4]);
    const g = tf.grad((w: import('@tensorflow/tfjs-core').Tensor) => tf.sum(tf.mul(tf.conv2d(x as never, w as never, [1, strideW], pad), r)))(tf.tensor4d(wv, [...ws]));
    const out = await g.data();
    tf.dispose([x, r, g]);
    return out;
  };
  const ref = await grad('cpu');
  const got = await grad('wasm');
  let maxAbsDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < ref.length; i++) {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ref[i] - got[i]));
    maxAbs = Math.max(maxAbs, Math.abs(ref[i]));
  }
  return { maxAbsDiff, maxAbs };
}
