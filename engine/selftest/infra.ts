/**
 * The WebGPU infrastructure's promises, checked on the live device: uploads never overtake
 * pending reads of a recycled buffer, grids past 65,535 workgroups are folded and guarded,
 * kernel errors surface as clear errors, a training step is one batch of commands with no
 * hidden readback, and 200 steps leak nothing.
 */
import { getBackend } from '../backend.ts';
import { tensor, tidy } from '../tensor.ts';
import { Adam } from '../optim/adam.ts';
import { markWebGpuStats, syncWebGPU, webgpuContext, webgpuStats, initWebGPU } from '../backends/webgpu/index.ts';
import { compareArrays, guarded, type Check } from './check.ts';
import { PARITY_CASES, REDUCTION, TRANSCENDENTAL, runParityCase, type ParityCase } from './parity.ts';
import { matmul } from '../ops/linear.ts';
import { CHAMBON_CLASS_WEIGHTS, batchTensor, chambonBatches, chambonLikeNet, tinyConvNet, trainStep } from './chambonLike.ts';

/** A training step is recorded into one encoder and submitted by optimizer.step(). */
export const MAX_SUBMITS_PER_STEP = 1;

export async function uploadOrdering(): Promise<Check[]> {
  // b = a * 2 is recorded but not submitted; a is released, and a new upload must not land in
  // a's buffer before the pending multiply reads it.
  const a = tensor([1, 2, 3, 4], [4], { device: 'webgpu' });
  const b = a.mul(2);
  a.dispose();
  const uploads = Array.from({ length: 4 }, (_, i) => tensor([10 + i, 20, 30, 40], [4], { device: 'webgpu' }));
  const bv = await b.data();
  const uv = await uploads[0].data();
  b.dispose();
  uploads.forEach((u) => u.dispose());
  return [compareArrays('upload after release keeps pending reads intact', bv, [2, 4, 6, 8], 0, 0), compareArrays('upload lands', uv, [10, 20, 30, 40], 0, 0)];
}

export async function largeGrids(): Promise<Check[]> {
  const checks: Check[] = [];
  // 65,535 * 256 + 300 elements: past one grid row at the device's real limit.
  const n = 65_535 * 256 + 300;
  const big = tensor(new Float32Array(n).fill(-2), [n], { device: 'webgpu' });
  const r = big.neg();
  const rv = await r.data();
  let wrong = 0;
  for (let i = 0; i < n; i++) if (rv[i] !== 2) wrong++;
  checks.push({ name: `unary over ${n} elements (2-D grid, guarded tail)`, ok: wrong === 0, detail: `${wrong} wrong elements` });
  big.dispose();
  r.dispose();
  // Every other kernel through 2-D and 3-D grids: fold at 4 workgroups per dimension and rerun
  // parity cases of each kernel family (tiled matmul, workgroup sums, conv, pools, softmax, loss),
  // plus two big enough to need a third dimension (> 16 workgroups).
  const ctx = webgpuContext();
  ctx.setGridLimitForTests(4);
  try {
    const folded: ParityCase[] = [
      ...PARITY_CASES.filter((c) => /matmul|linear|sum|logSoftmax|crossEntropy|conv|Pool|permute|add|elu/.test(c.name)),
      { name: 'exp over 5000 elements (3-D grid)', inputs: [{ shape: [5000], requiresGrad: true }], fn: (x) => x.exp(), tol: TRANSCENDENTAL },
      {
        name: 'matmul [2,33,40] @ [40,35] (18 tiles, 3-D grid)',
        inputs: [{ shape: [2, 33, 40], requiresGrad: true }, { shape: [40, 35], requiresGrad: true }],
        fn: (a, b) => matmul(a, b),
        tol: REDUCTION,
      },
    ];
    for (let i = 0; i < folded.length; i++) {
      for (const c of await runParityCase(folded[i], 5000 + i)) checks.push({ ...c, name: `grid folded at 2: ${c.name}` });
    }
  } finally {
    ctx.setGridLimitForTests(null);
  }
  return checks;
}

export async function errorsSurface(): Promise<Check[]> {
  const ctx = webgpuContext();
  const out = ctx.alloc(4);
  // Imported here: the kernel builders pull in WGSL sources, which only a bundler can load.
  const { kernel } = await import('../backends/webgpu/shaders.ts');
  const broken = kernel('selftest_broken_kernel', () => ({
    file: '(a self-test kernel)',
    code: '@group(0) @binding(0) var<storage, read_write> out: array<f32>;\n@compute @workgroup_size(1) fn main() { out[0] = undefinedThing; }',
  }));
  ctx.dispatch({ kernel: broken, inputs: [], outputs: [out], workgroups: [1] });
  let message = '';
  try {
    await syncWebGPU();
  } catch (err) {
    message = (err as Error).message;
  }
  ctx.release(out);
  // The backend keeps working after the error was reported.
  const t = tensor([1, 2], [2], { device: 'webgpu' });
  const after = await t.add(t).data();
  t.dispose();
  // Uniforms go by the names of the kernel's struct: a missing or extra name fails when the
  // pipeline is made, before anything is recorded.
  const named = kernel('selftest_named_uniforms', () => ({
    file: '(a self-test kernel)',
    code: 'struct Params { n: u32, scale: f32 }\n@group(0) @binding(0) var<storage, read_write> out: array<f32>;\n@group(0) @binding(1) var<uniform> u: Params;\n@compute @workgroup_size(1) fn main() { out[0] = f32(u.n) * u.scale; }',
  }));
  const misnamed: string[] = [];
  const cases: Record<string, number>[] = [{ n: 1 }, { n: 1, scale: 2, offset: 0 }];
  for (const uniforms of cases) {
    const o = ctx.alloc(1);
    try {
      ctx.dispatch({ kernel: named, inputs: [], outputs: [o], uniforms, workgroups: [1] });
      misnamed.push('no error');
    } catch (err) {
      misnamed.push((err as Error).message);
    } finally {
      ctx.release(o);
    }
  }
  return [
    { name: 'a kernel that fails to compile raises a clear error', ok: /selftest_broken_kernel/.test(message) && /compile/.test(message), detail: message.slice(0, 300) || 'no error raised' },
    {
      name: 'uniforms that miss or add a struct field fail when the pipeline is made, naming both',
      ok: /selftest_named_uniforms.*missing scale/.test(misnamed[0]) && /not in the struct: offset/.test(misnamed[1]),
      detail: misnamed.join(' | '),
    },
    compareArrays('work continues after a reported error', after, [2, 4], 0, 0),
  ];
}

export async function trainingStepBudget(): Promise<Check[]> {
  const checks: Check[] = [];
  const net = chambonLikeNet(21, 'webgpu');
  const opt = new Adam(net.parameters(), { lr: 1e-3 });
  const [batch] = chambonBatches(1, 22);
  const x = batchTensor(batch, 'webgpu');
  const weight = tensor(CHAMBON_CLASS_WEIGHTS, [5], { device: 'webgpu' });
  try {
    // The first step compiles the pipelines; the second is a steady-state step.
    trainStep(net, opt, x, batch.y, weight).dispose();
    await syncWebGPU();
    markWebGpuStats();
    const loss = trainStep(net, opt, x, batch.y, weight);
    const one = webgpuStats();
    checks.push({
      name: `a Chambon-like training step submits at most ${MAX_SUBMITS_PER_STEP} command buffer(s)`,
      ok: one.submits >= 1 && one.submits <= MAX_SUBMITS_PER_STEP,
      detail: `${one.submits} submits for ${one.dispatches} dispatches`,
    });
    checks.push({ name: 'a training step performs no readback', ok: one.mapAsyncs === 0, detail: `${one.mapAsyncs} mapAsync calls` });
    checks.push({ name: 'a warm training step compiles no pipeline', ok: one.pipelinesCreated === 0, detail: `${one.pipelinesCreated} pipelines created` });
    const lossValue = await loss.item();
    loss.dispose();
    const read = webgpuStats();
    checks.push({ name: 'reading the loss is one readback', ok: read.mapAsyncs === 1 && Number.isFinite(lossValue), detail: `${read.mapAsyncs} mapAsync calls, loss ${lossValue}` });
  } finally {
    opt.zeroGrad();
    x.dispose();
    weight.dispose();
  }
  return checks;
}

export async function noLeaks(): Promise<Check[]> {
  const checks: Check[] = [];
  const net = tinyConvNet(31, 'webgpu');
  const opt = new Adam(net.parameters(), { lr: 1e-3 });
  const batches = chambonBatches(2, 32);
  const xs = batches.map((b) => batchTensor(b, 'webgpu'));
  const weight = tensor(CHAMBON_CLASS_WEIGHTS, [5], { device: 'webgpu' });
  const step = (s: number) => trainStep(net, opt, xs[s % 2], batches[s % 2].y, weight);
  try {
    step(0).dispose();
    step(1).dispose();
    await syncWebGPU();
    const after2 = webgpuStats();
    markWebGpuStats();
    for (let s = 2; s < 200; s++) step(s).dispose();
    await syncWebGPU();
    const after200 = webgpuStats();
    checks.push({
      name: 'no leak: live storages and bytes after 200 training steps equal those after 2',
      ok: after200.liveStorages === after2.liveStorages && after200.liveBytes === after2.liveBytes,
      detail: `after 2: ${after2.liveStorages} storages / ${after2.liveBytes} B; after 200: ${after200.liveStorages} / ${after200.liveBytes} B`,
    });
    checks.push({
      name: 'the pool recycles: no new GPU buffers in steady state',
      ok: after200.buffersCreated === 0 && after200.gpuBuffers === after2.gpuBuffers,
      detail: `${after200.buffersCreated} buffers created over 198 steps; ${after2.gpuBuffers} -> ${after200.gpuBuffers} GPU buffers (${after200.gpuBytes} B)`,
    });
    checks.push({
      name: `198 steps: ${198 * MAX_SUBMITS_PER_STEP} submits at most, no readback`,
      ok: after200.submits <= 198 * MAX_SUBMITS_PER_STEP && after200.mapAsyncs === 0,
      detail: `${after200.submits} submits, ${after200.mapAsyncs} mapAsyncs, ${after200.dispatches} dispatches`,
    });
  } finally {
    opt.zeroGrad();
    xs.forEach((x) => x.dispose());
    weight.dispose();
  }
  return checks;
}

export async function infraSuite(): Promise<Check[]> {
  return [
    ...(await guarded('upload ordering', uploadOrdering)),
    ...(await guarded('large grids', largeGrids)),
    ...(await guarded('error surfacing', errorsSurface)),
    ...(await guarded('training step budget', trainingStepBudget)),
    ...(await guarded('no leaks over 200 steps', noLeaks)),
  ];
}

/** Destroys the device, checks the next call says so, then starts a new one. Run it last. */
export async function deviceLossSuite(): Promise<Check[]> {
  return guarded('device loss', async () => {
    const ctx = webgpuContext();
    const t = tensor([1, 2, 3], [3], { device: 'webgpu' });
    ctx.device.destroy();
    await ctx.device.lost;
    let message = '';
    try {
      tidy(() => t.mul(2));
    } catch (err) {
      message = (err as Error).message;
    }
    await initWebGPU();
    const u = tensor([1, 2, 3], [3], { device: 'webgpu' });
    const v = await u.mul(2).data();
    return [
      { name: 'a lost device is reported on the next call', ok: /device was lost/.test(message), detail: message || 'no error' },
      compareArrays('initWebGPU() after a loss gives a working device', v, [2, 4, 6], 0, 0),
      { name: 'the new device is registered', ok: getBackend('webgpu').name === 'webgpu', detail: '' },
    ];
  });
}
