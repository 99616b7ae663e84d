/**
 * 20 Adam steps of the Chambon-like network on WebGPU against the same 20 on the CPU backend:
 * same initial weights, batches and dropout masks. Losses and final weights must agree within
 * float32 tolerance. Adam divides by sqrt(v), so parameters whose gradients are pure rounding
 * noise can move by up to ~lr per step differently: the weight tolerance is an absolute
 * fraction of the learning rate (atol 5e-4 at lr 5e-3), the loss tolerance relative (1e-4).
 */
import type { DeviceName } from '../backend.ts';
import { tensor } from '../tensor.ts';
import { Adam } from '../optim/adam.ts';
import { compareArrays, guarded, type Check } from './check.ts';
import { CHAMBON_CLASS_WEIGHTS, batchTensor, chambonBatches, chambonLikeNet, trainStep } from './chambonLike.ts';

export const TRAINING_TOL = { lossRtol: 1e-4, lossAtol: 1e-5, weightRtol: 1e-3, weightAtol: 5e-4 };
const STEPS = 20;
const LR = 5e-3;

async function train(device: DeviceName): Promise<{ losses: number[]; weights: [string, Float64Array][] }> {
  const net = chambonLikeNet(11, device);
  const opt = new Adam(net.parameters(), { lr: LR });
  const batches = chambonBatches(3, 12);
  const xs = batches.map((b) => batchTensor(b, device));
  const weight = tensor(CHAMBON_CLASS_WEIGHTS, [CHAMBON_CLASS_WEIGHTS.length], { device });
  const losses: number[] = [];
  try {
    for (let s = 0; s < STEPS; s++) {
      const k = s % batches.length;
      const loss = trainStep(net, opt, xs[k], batches[k].y, weight);
      losses.push(await loss.item());
      loss.dispose();
    }
    const weights: [string, Float64Array][] = [];
    for (const [name, p] of net.namedParameters()) weights.push([name, await p.data()]);
    return { losses, weights };
  } finally {
    opt.zeroGrad();
    xs.forEach((x) => x.dispose());
    weight.dispose();
  }
}

export async function trainingSuite(): Promise<Check[]> {
  return guarded('chambon-like training', async () => {
    const cpu = await train('cpu');
    const gpu = await train('webgpu');
    const t = TRAINING_TOL;
    const checks = [compareArrays(`chambon-like: ${STEPS} Adam losses`, gpu.losses, cpu.losses, t.lossRtol, t.lossAtol)];
    checks.push({ name: 'chambon-like: the loss decreases', ok: cpu.losses[STEPS - 1] < cpu.losses[0] && gpu.losses[STEPS - 1] < gpu.losses[0], detail: `cpu ${cpu.losses[0]} -> ${cpu.losses[STEPS - 1]}, webgpu ${gpu.losses[0]} -> ${gpu.losses[STEPS - 1]}` });
    cpu.weights.forEach(([name, w], i) => checks.push(compareArrays(`chambon-like: final ${name}`, gpu.weights[i][1], w, t.weightRtol, t.weightAtol)));
    return checks;
  });
}
