/**
 * End-to-end parity with PyTorch 1.13 (tests/fixtures/torch/training.json, from
 * tests/fixtures/scripts/make_torch_training.py): the Chambon sleep stager's layer stack, loaded
 * with PyTorch's initial weights, trained for 20 Adam steps with a class-weighted cross-entropy
 * on the same batches; every loss within 1e-8 relative, and the final weights too.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { liveTensorCount, nn, optim, tensor, tidy, type Tensor } from '../../engine/index.ts';
import { crossEntropy } from '../../engine/ops/loss.ts';
import { toleranceRatio, type TensorJson } from '../helpers/torchCases.ts';
import { ChambonLike } from '../helpers/chambonLike.ts';

interface TrainingFixture {
  config: { nChannels: number; sfreq: number; inputSizeS: number; classWeights: number[]; lr: number; steps: number };
  initialState: Record<string, TensorJson>;
  batches: { x: TensorJson; y: number[] }[];
  logitsBatch0: TensorJson;
  losses: number[];
  finalState: Record<string, TensorJson>;
  finalExpAvgSq: Record<string, TensorJson>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch/training.json', import.meta.url), 'utf8')) as TrainingFixture;
const RTOL = 1e-8;
const asTensors = (d: Record<string, TensorJson>) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, tensor(v.data, v.shape)]));

describe('training the Chambon layer stack matches PyTorch', () => {
  const { config } = fixture;

  function loadedModel(): ChambonLike {
    const model = new ChambonLike({ nChannels: config.nChannels, sfreq: config.sfreq, inputSizeS: config.inputSizeS });
    model.loadStateDict(asTensors(fixture.initialState));
    // Dropout off, as in the fixture (the stack has no batch norm, so eval changes nothing else).
    return model.eval();
  }

  it('forward pass of the initial model', () => {
    const model = loadedModel();
    const x = tensor(fixture.batches[0].x.data, fixture.batches[0].x.shape);
    const logits = model.forward(x);
    expect(logits.shape).toEqual(fixture.logitsBatch0.shape);
    expect(toleranceRatio(logits.dataSync(), fixture.logitsBatch0.data, 1e-10, 1e-13)).toBeLessThanOrEqual(1);
  });

  it('20 Adam steps with class-weighted cross-entropy: losses and final weights', () => {
    const model = loadedModel();
    const opt = new optim.Adam(model.parameters(), { lr: config.lr });
    const weight = tensor(config.classWeights, [config.classWeights.length]);
    const batches = fixture.batches.map((b) => ({ x: tensor(b.x.data, b.x.shape), y: b.y }));
    const losses: number[] = [];
    let liveAfterFirstStep = 0;
    for (let step = 0; step < config.steps; step++) {
      const b = batches[step % batches.length];
      opt.zeroGrad();
      const loss = tidy(() => {
        const l = crossEntropy(model.forward(b.x), b.y, { weight });
        l.backward();
        return l;
      });
      opt.step();
      losses.push(loss.dataSync()[0]);
      loss.dispose();
      if (step === 0) liveAfterFirstStep = liveTensorCount();
    }
    // A tidy training step leaves nothing behind: only gradients are replaced.
    expect(liveTensorCount()).toBe(liveAfterFirstStep);
    const lossRatio = toleranceRatio(losses, fixture.losses, RTOL);
    expect(lossRatio, `losses ${losses.join(', ')}`).toBeLessThanOrEqual(1);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);

    const sd = model.stateDict();
    expect([...sd.keys()]).toEqual(Object.keys(fixture.finalState));
    for (const [k, expected] of Object.entries(fixture.finalState)) {
      expect(toleranceRatio(sd.get(k)!.dataSync(), expected.data, RTOL, 1e-12), `final ${k}`).toBeLessThanOrEqual(1);
    }
    // Adam's second moments too: the gradients matched at every step, not just on average.
    const state = opt.stateDict().state;
    model.namedParameters().forEach(([k], i) => {
      const v = (state[i].exp_avg_sq as Tensor).dataSync();
      expect(toleranceRatio(v, fixture.finalExpAvgSq[k].data, 1e-7, 1e-20), `exp_avg_sq ${k}`).toBeLessThanOrEqual(1);
    });
  });

  it('the model module is an nn.Module whose Dropout is live in train mode', () => {
    const model = loadedModel();
    const drop = model.fc.at(0) as nn.Dropout;
    expect(drop.p).toBe(0.25);
    expect(drop.training).toBe(false);
    model.train();
    expect(drop.training).toBe(true);
  });
});
