/**
 * Optimizers on WebGPU against the CPU backend: 20 steps of each configuration on the same
 * least-squares problem from the same start; per-step losses and final parameters must agree
 * within float32 tolerance (rtol 1e-4, atol 1e-5: the trajectories differ only by float32
 * rounding of gradients and updates, which 20 contracting steps do not amplify).
 */
import type { DeviceName } from '../backend.ts';
import { Generator } from '../random.ts';
import { Tensor, tensor, tidy } from '../tensor.ts';
import { SGD } from '../optim/sgd.ts';
import { Adam } from '../optim/adam.ts';
import { AdamW } from '../optim/adamw.ts';
import { compareArrays, guarded, type Check } from './check.ts';

export const OPTIM_TOL = { rtol: 1e-4, atol: 1e-5 };
const STEPS = 20;

interface OptimConfig {
  name: string;
  make: (params: Tensor[]) => { step(): void; zeroGrad(): void };
}

export const OPTIM_CONFIGS: OptimConfig[] = [
  { name: 'SGD', make: (p) => new SGD(p, { lr: 0.05 }) },
  { name: 'SGD momentum 0.9, dampening 0.1, weight decay 0.01', make: (p) => new SGD(p, { lr: 0.02, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }) },
  { name: 'SGD nesterov', make: (p) => new SGD(p, { lr: 0.02, momentum: 0.8, nesterov: true }) },
  { name: 'SGD maximize (of the negated loss)', make: (p) => new SGD(p, { lr: 0.05, maximize: true }) },
  { name: 'Adam', make: (p) => new Adam(p, { lr: 0.01 }) },
  { name: 'Adam amsgrad, weight decay 0.05', make: (p) => new Adam(p, { lr: 0.01, amsgrad: true, weightDecay: 0.05 }) },
  { name: 'AdamW weight decay 0.1', make: (p) => new AdamW(p, { lr: 0.01, weightDecay: 0.1 }) },
];

function problem(): { W0: Float64Array; b0: Float64Array; X: Float64Array; Y: Float64Array } {
  const g = new Generator(77);
  const r = (k: number) => Float64Array.from({ length: k }, () => g.normal());
  return { W0: r(3 * 4), b0: r(3), X: r(8 * 4), Y: r(8 * 3) };
}

async function train(device: DeviceName, c: OptimConfig): Promise<{ losses: number[]; W: Float64Array; b: Float64Array }> {
  const d = problem();
  const W = tensor(d.W0, [3, 4], { device, requiresGrad: true });
  const b = tensor(d.b0, [3], { device, requiresGrad: true });
  const X = tensor(d.X, [8, 4], { device });
  const Y = tensor(d.Y, [8, 3], { device });
  const opt = c.make([W, b]);
  const maximize = c.name.includes('maximize');
  const losses: number[] = [];
  try {
    for (let s = 0; s < STEPS; s++) {
      opt.zeroGrad();
      const loss = tidy(() => {
        const l = X.unsqueeze(1).mul(W.unsqueeze(0)).sum(2).add(b).sub(Y).square().mean();
        (maximize ? l.neg() : l).backward();
        return l;
      });
      opt.step();
      losses.push(await loss.item());
      loss.dispose();
    }
    return { losses, W: await W.data(), b: await b.data() };
  } finally {
    opt.zeroGrad();
    for (const t of [W, b, X, Y]) t.dispose();
  }
}

export async function optimizerSuite(configs: OptimConfig[] = OPTIM_CONFIGS): Promise<Check[]> {
  const out: Check[] = [];
  for (const c of configs) {
    out.push(
      ...(await guarded(c.name, async () => {
        const cpu = await train('cpu', c);
        const gpu = await train('webgpu', c);
        return [
          compareArrays(`${c.name}: ${STEPS} losses`, gpu.losses, cpu.losses, OPTIM_TOL.rtol, OPTIM_TOL.atol),
          compareArrays(`${c.name}: final weight`, gpu.W, cpu.W, OPTIM_TOL.rtol, OPTIM_TOL.atol),
          compareArrays(`${c.name}: final bias`, gpu.b, cpu.b, OPTIM_TOL.rtol, OPTIM_TOL.atol),
        ];
      })),
    );
  }
  return out;
}
