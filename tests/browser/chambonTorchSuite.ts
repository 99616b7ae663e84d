/**
 * The Chambon sleep stager trained on WebGPU from PyTorch's initial weights, on PyTorch's
 * batches (tests/fixtures/torch/chambon_training.json, made by make_torch_chambon.py): the loss
 * after every step must match the one PyTorch 1.13 recorded, within float32 tolerance.
 * Browser-side; the float64 CPU version of the same check is tests/sleep/model.torch.test.ts.
 */
import { F, optim, tensor, tidy } from '../../engine/index.ts';
import { compareArrays, type Check } from '../../engine/selftest/check.ts';
import { SleepStagerChambon2018 } from '../../sleep/model/chambon.ts';
import { loadSafetensors } from '../../sleep/model/safetensors.ts';
import { labels, windows } from '../sleep/modelData.ts';
import trainingFixture from '../fixtures/torch/chambon_training.json';
import type { TrainingFixture } from '../sleep/modelFixtures.ts';

const fixture = trainingFixture as unknown as TrainingFixture;

/** Adam amplifies float32 rounding of near-zero gradients a little each step; 8 steps stay well inside this. */
const RTOL = 1e-4;
const ATOL = 1e-5;

export async function runChambonTorchSuite(): Promise<Check[]> {
  const checks: Check[] = [];
  const d = fixture.data;
  const y = labels(d.labelSeed, d.batches * d.batchSize, 5);
  const x = windows(d.seed, y, 2, 3000);
  const windowSize = 2 * 3000;
  for (const run of fixture.runs) {
    try {
      const bytes = new Uint8Array(await (await fetch(new URL(`../fixtures/torch/${run.weights}`, import.meta.url))).arrayBuffer());
      const cpuModel = new SleepStagerChambon2018(run.model);
      loadSafetensors(cpuModel, bytes, { file: run.weights });
      const model = cpuModel.to('webgpu');
      model.train();
      const params = model.parameters();
      const opt = run.optimizer === 'Adam' ? new optim.Adam(params, { lr: run.options.lr }) : new optim.SGD(params, { lr: run.options.lr, momentum: run.options.momentum });
      const classWeights = tensor(run.classWeights, [run.classWeights.length], { device: 'webgpu' });
      const losses: number[] = [];
      for (let b = 0; b < d.batches; b++) {
        opt.zeroGrad();
        const loss = tidy(() => {
          const xb = tensor(x.subarray(b * d.batchSize * windowSize, (b + 1) * d.batchSize * windowSize), [d.batchSize, 2, 3000], { device: 'webgpu' });
          const l = F.crossEntropy(model.forward(xb), y.slice(b * d.batchSize, (b + 1) * d.batchSize), { weight: classWeights });
          l.backward();
          return l.detach();
        });
        opt.step();
        losses.push((await loss.data())[0]);
        loss.dispose();
      }
      checks.push(compareArrays(`${run.name}: ${d.batches} per-step losses vs PyTorch`, losses, run.losses, RTOL, ATOL));
      opt.zeroGrad();
      classWeights.dispose();
      for (const t of model.stateDict().values()) t.dispose();
    } catch (err) {
      checks.push({ name: run.name, ok: false, detail: `threw: ${(err as Error).message}` });
    }
  }
  return checks;
}
