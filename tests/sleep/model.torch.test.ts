/**
 * SleepStagerChambon2018 against PyTorch 1.13 (float64, CPU backend): PyTorch's weights loaded
 * from safetensors give PyTorch's predictions; weights hypnograd exports give, in hypnograd, the
 * predictions PyTorch recorded for the same file; training from PyTorch's initial weights on the
 * same batches gives PyTorch's per-step losses (Adam, SGD with momentum, Adam with batch norm).
 */
import { describe, expect, it } from 'vitest';
import { F, noGrad, optim, tensor, tidy, type nn } from '../../engine/index.ts';
import { SleepStagerChambon2018, decodeSafetensors, loadSafetensors, type ChambonOptions } from '../../sleep/model/index.ts';
import { exportHypnogradChambon } from '../fixtures/scripts/export_hypnograd_chambon.ts';
import { expectClose } from '../helpers/expectClose.ts';
import { toleranceRatio, type TensorJson } from '../helpers/torchCases.ts';
import { chambonFixture, evalInputs, fixtureBytes, trainingFixture, trainingSet } from './modelFixtures.ts';

const fx = chambonFixture;

function predict(model: nn.Module, x: Float64Array, n: number): Float64Array {
  model.eval();
  return noGrad(() =>
    tidy(() => {
      const out = model.forward(tensor(x, [n, 2, 3000]));
      expect(out.shape).toEqual([n, 5]);
      return out;
    }),
  ).dataSync();
}

function loaded(file: string, options: ChambonOptions): SleepStagerChambon2018 {
  const model = new SleepStagerChambon2018(options);
  loadSafetensors(model, fixtureBytes(file), { file });
  return model;
}

function checkPrediction(actual: Float64Array, expected: TensorJson, what: string): void {
  expect(expected.shape).toEqual([fx.evalInputs.n, 5]);
  expectClose(actual, expected.data, 1e-9, 1e-12, what);
}

describe('SleepStagerChambon2018 with PyTorch weights', () => {
  const x = evalInputs();

  it('rebuilds the inputs PyTorch predicted on (same hash in both languages)', () => {
    expect(x.length).toBe(fx.evalInputs.n * 2 * 3000);
    expect(Array.from(x.slice(0, 8))).toEqual(fx.evalInputs.first);
    expect(x.reduce((s, v) => s + v, 0)).toBeCloseTo(fx.evalInputs.sum, 9);
  });

  it("predicts PyTorch's outputs from PyTorch's default model (tutorial rounding)", () => {
    const c = fx.torchWeights;
    checkPrediction(predict(loaded(c.file, c.options), x, fx.evalInputs.n), c.evalOutput, c.file);
  });

  it("predicts PyTorch's outputs with batch norm in eval mode (braindecode rounding, I64 counter)", () => {
    const c = fx.torchWeightsBatchNorm;
    const model = loaded(c.file, c.options);
    expect(model.stateDict().get('feature_extractor.1.num_batches_tracked')!.dataSync()[0]).toBe(3);
    checkPrediction(predict(model, x, fx.evalInputs.n), c.evalOutput, c.file);
  });
});

describe('hypnograd-exported weights in PyTorch', () => {
  it('the committed export is byte for byte what hypnograd exports today', async () => {
    const committed = fixtureBytes(fx.hypnogradWeights.file);
    const fresh = await exportHypnogradChambon();
    expect(fresh.length).toBe(committed.length);
    const hint = 'regenerate: npx tsx tests/fixtures/scripts/export_hypnograd_chambon.ts && /usr/bin/python3 tests/fixtures/scripts/make_torch_chambon.py';
    expect(Buffer.from(fresh).equals(Buffer.from(committed)), hint).toBe(true);
    expect(decodeSafetensors(fresh).metadata).toEqual(fx.hypnogradWeights.metadata);
  });

  it('hypnograd predicts what PyTorch predicted from that file', () => {
    const c = fx.hypnogradWeights;
    checkPrediction(predict(loaded(c.file, c.options), evalInputs(), fx.evalInputs.n), c.evalOutput, `PyTorch on ${c.file}`);
  });
});

describe('training parity with PyTorch (CPU, float64)', () => {
  const { x, y } = trainingSet();
  const { batches, batchSize } = trainingFixture.data;
  const windowSize = 2 * 3000;

  for (const run of trainingFixture.runs) {
    it(`${run.name}: ${batches} steps give PyTorch's losses within 1e-8`, () => {
      const model = loaded(run.weights, run.model);
      model.train();
      const params = model.parameters();
      const opt = run.optimizer === 'Adam' ? new optim.Adam(params, { lr: run.options.lr }) : new optim.SGD(params, { lr: run.options.lr, momentum: run.options.momentum });
      const losses: number[] = [];
      for (let b = 0; b < batches; b++) {
        opt.zeroGrad();
        const loss = tidy(() => {
          const xb = tensor(x.subarray(b * batchSize * windowSize, (b + 1) * batchSize * windowSize), [batchSize, 2, 3000]);
          const l = F.crossEntropy(model.forward(xb), y.slice(b * batchSize, (b + 1) * batchSize), { weight: run.classWeights });
          l.backward();
          return l;
        });
        losses.push(loss.dataSync()[0]);
        loss.dispose();
        opt.step();
      }
      const ratio = toleranceRatio(losses, run.losses, 1e-8);
      expect(ratio, `losses ${losses} vs ${run.losses}`).toBeLessThanOrEqual(1);
      // The losses move: the check compares a run, not one repeated number.
      expect(new Set(run.losses.map((l) => l.toFixed(6))).size).toBe(batches);
      // A running mean averages batch means of ~48k conv outputs of size ~1 that nearly cancel
      // (means ~0.02), so summing in a different order than ATen moves it by ~1e-10 absolute;
      // the training loss does not see it (the next batch norm removes the shift), eval mode does.
      expectClose(predict(model, evalInputs(trainingFixture.evalInputs), trainingFixture.evalInputs.n), run.finalEvalOutput.data, 1e-7, 1e-10, `${run.name} final predictions`);
      for (const [k, v] of Object.entries(run.finalBuffers ?? {})) {
        expectClose(model.stateDict().get(k)!.dataSync(), v.data, 1e-9, 1e-9, `${run.name} ${k}`);
      }
    });
  }
});
