/**
 * nn modules: state-dict names and shapes equal PyTorch's (tests/fixtures/torch/nn.json, from
 * tests/fixtures/scripts/make_torch_nn.py), loading and round trips, train/eval switching,
 * BatchNorm2d against PyTorch, default initialisation distributions, device moves.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { manualSeed, nn, optim, registerBackend, getBackend, tensor, tidy, Generator, ones } from '../../engine/index.ts';
import { toleranceRatio, type TensorJson } from '../helpers/torchCases.ts';
import { ChambonLike } from '../helpers/chambonLike.ts';

interface BatchNormStep {
  x: TensorJson;
  y: TensorJson;
  upstream: TensorJson;
  gradX: TensorJson;
  gradWeight: TensorJson;
  gradBias: TensorJson;
  runningMean: TensorJson;
  runningVar: TensorJson;
  numBatchesTracked: number;
}

interface NnFixture {
  stateDicts: Record<string, [string, number[]][]>;
  batchnorm: {
    name: string;
    momentum: number | null;
    eps: number;
    init: { weight: TensorJson; bias: TensorJson };
    trainSteps: BatchNormStep[];
    eval: { x: TensorJson; y: TensorJson };
  }[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch/nn.json', import.meta.url), 'utf8')) as NnFixture;
const t = (j: TensorJson, requiresGrad = false) => tensor(j.data, j.shape, { requiresGrad });
const keysAndShapes = (m: nn.Module) => [...m.stateDict()].map(([k, v]) => [k, [...v.shape]]);

describe('state-dict keys and shapes equal PyTorch modules', () => {
  const builders: Record<string, () => nn.Module> = {
    chambon_2ch_100hz_30s: () => new ChambonLike({ nChannels: 2, sfreq: 100, inputSizeS: 30 }),
    chambon_2ch_100hz_3s: () => new ChambonLike({ nChannels: 2, sfreq: 100, inputSizeS: 3 }),
    sequential_mixed: () =>
      new nn.Sequential(
        new nn.Conv2d(3, 4, [2, 3], { bias: false }),
        new nn.BatchNorm2d(4),
        new nn.ReLU(),
        new nn.Sequential(new nn.Flatten(), new nn.Dropout(0.5)),
        new nn.Linear(10, 2),
      ),
    conv1d_groups: () => new nn.Conv1d(4, 6, 5, { groups: 2 }),
    batchnorm_no_affine_no_stats: () => new nn.BatchNorm2d(3, { affine: false, trackRunningStats: false }),
  };
  for (const [name, expected] of Object.entries(fixture.stateDicts)) {
    it(name, () => {
      expect(keysAndShapes(builders[name]())).toEqual(expected);
    });
  }

  it('parameters, buffers and modules are listed in PyTorch order', () => {
    const seq = builders.sequential_mixed() as nn.Sequential;
    expect(seq.namedParameters().map(([k]) => k)).toEqual(['0.weight', '1.weight', '1.bias', '4.weight', '4.bias']);
    expect(seq.namedBuffers().map(([k]) => k)).toEqual(['1.running_mean', '1.running_var', '1.num_batches_tracked']);
    expect(seq.namedModules().map(([k]) => k)).toEqual(['', '0', '1', '2', '3', '3.0', '3.1', '4']);
    expect(seq.children()).toHaveLength(5);
    expect(seq.numParameters()).toBe(4 * 3 * 2 * 3 + 4 + 4 + 10 * 2 + 2);
    expect(seq.parameters().every((p) => p.requiresGrad && p.isLeaf)).toBe(true);
  });

  it('a shared module is listed once, under its first name', () => {
    const lin = new nn.Linear(2, 2);
    const seq = new nn.Sequential(lin, new nn.ReLU(), lin);
    expect(seq.parameters()).toHaveLength(2);
    expect(seq.namedParameters().map(([k]) => k)).toEqual(['0.weight', '0.bias']);
  });

  it('names must be unique and dot-free', () => {
    const m = new nn.Module();
    m.registerParameter('w', tensor([1], [1]));
    expect(() => m.registerBuffer('w', tensor([1], [1]))).toThrow(/'w' is already registered/);
    expect(() => m.registerModule('a.b', new nn.ReLU())).toThrow(/invalid module name 'a.b'/);
  });
});

describe('loadStateDict', () => {
  it('round trip: a second model loaded from the first computes the same outputs, in place', () => {
    manualSeed(1);
    const a = new ChambonLike({ nChannels: 2, sfreq: 100, inputSizeS: 3 }).eval();
    manualSeed(2);
    const b = new ChambonLike({ nChannels: 2, sfreq: 100, inputSizeS: 3 }).eval();
    const x = tensor(Float64Array.from({ length: 2 * 2 * 300 }, (_, i) => Math.sin(i * 0.37)), [2, 1, 2, 300]);
    const ya = a.forward(x).dataSync();
    expect(toleranceRatio(b.forward(x).dataSync(), ya, 1e-6)).toBeGreaterThan(1);
    const paramsBefore = b.parameters();
    const opt = new optim.SGD(b.parameters(), { lr: 0.1 });
    const result = b.loadStateDict(a.stateDict());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(Array.from(b.forward(x).dataSync())).toEqual(Array.from(ya));
    // The same tensor objects: the optimizer still holds the model's parameters.
    expect(b.parameters()).toEqual(paramsBefore);
    b.parameters().forEach((p, i) => expect(p).toBe(paramsBefore[i]));
    expect(opt.params.every((p, i) => p === paramsBefore[i])).toBe(true);
    // Values are copied, not shared.
    a.fc.at(1).getParameter('bias')!.copy_(tensor([9, 9, 9, 9, 9], [5]));
    expect(Array.from(b.fc.at(1).getParameter('bias')!.dataSync())).not.toContain(9);
  });

  it('accepts a plain record (e.g. from JSON) and buffers load too', () => {
    const bn = new nn.BatchNorm2d(2);
    bn.loadStateDict({
      weight: tensor([2, 3], [2]),
      bias: tensor([0.5, -0.5], [2]),
      running_mean: tensor([1, 2], [2]),
      running_var: tensor([4, 9], [2]),
      num_batches_tracked: tensor(7, []),
    });
    expect(Array.from(bn.runningVar!.dataSync())).toEqual([4, 9]);
    expect(bn.numBatchesTracked!.dataSync()[0]).toBe(7);
  });

  it('a shape mismatch names the key and both shapes, and changes nothing', () => {
    const lin = new nn.Linear(3, 2);
    const before = Array.from(lin.weight.dataSync());
    expect(() => lin.loadStateDict({ weight: tensor(new Float64Array(6), [3, 2]), bias: tensor([1, 2], [2]) })).toThrow(
      /size mismatch for 'weight': copying a param with shape \[3,2\], the shape in the current model is \[2,3\]/,
    );
    expect(Array.from(lin.weight.dataSync())).toEqual(before);
    expect(Array.from(lin.bias!.dataSync())).not.toEqual([1, 2]);
  });

  it('strict mode lists missing and unexpected keys; non-strict loads what matches and reports the rest', () => {
    const lin = new nn.Linear(2, 1);
    const dict = { weight: tensor([5, 6], [1, 2]), extra: tensor([1], [1]) };
    expect(() => lin.loadStateDict(dict)).toThrow(/missing keys: 'bias'; unexpected keys: 'extra'/);
    const r = lin.loadStateDict(dict, { strict: false });
    expect(r).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expect(Array.from(lin.weight.dataSync())).toEqual([5, 6]);
  });
});

describe('train and eval modes', () => {
  it('train()/eval() reach every submodule', () => {
    const m = new ChambonLike({ nChannels: 2, sfreq: 100, inputSizeS: 3 });
    expect(m.modules().every((x) => x.training)).toBe(true);
    m.eval();
    expect(m.modules().every((x) => !x.training)).toBe(true);
    m.train();
    expect(m.modules().every((x) => x.training)).toBe(true);
  });

  it('Dropout drops about p of the values and rescales in train mode, and is the identity in eval mode', () => {
    const drop = new nn.Dropout(0.3, { generator: new Generator(5) });
    const x = ones([20000]);
    const y = drop.forward(x).dataSync();
    const zeros = y.filter((v) => v === 0).length;
    expect(Math.abs(zeros / y.length - 0.3)).toBeLessThan(0.02);
    expect(y.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.7) < 1e-15)).toBe(true);
    drop.eval();
    expect(drop.forward(x)).toBe(x);
  });

  it('BatchNorm2d uses batch statistics in train mode and running statistics in eval mode', () => {
    const bn = new nn.BatchNorm2d(1, { momentum: 1 });
    const x = tensor([1, 2, 3, 4], [1, 1, 2, 2]);
    const yTrain = bn.forward(x).dataSync();
    // batch mean 2.5, biased variance 1.25
    expectArrayClose(yTrain, [1, 2, 3, 4].map((v) => (v - 2.5) / Math.sqrt(1.25 + 1e-5)));
    // momentum 1: the running statistics are the batch's, variance unbiased (5/3)
    expectArrayClose(bn.runningVar!.dataSync(), [5 / 3]);
    bn.eval();
    expectArrayClose(bn.forward(x).dataSync(), [1, 2, 3, 4].map((v) => (v - 2.5) / Math.sqrt(5 / 3 + 1e-5)));
    expect(bn.numBatchesTracked!.dataSync()[0]).toBe(1);
  });
});

function expectArrayClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-12): void {
  expect(toleranceRatio(a, b, rtol, 1e-15)).toBeLessThanOrEqual(1);
}

describe('BatchNorm2d matches PyTorch over three training steps and in eval', () => {
  for (const c of fixture.batchnorm) {
    it(c.name, () => {
      const bn = new nn.BatchNorm2d(3, { momentum: c.momentum, eps: c.eps });
      bn.loadStateDict({ weight: t(c.init.weight), bias: t(c.init.bias) }, { strict: false });
      let worst = 0;
      for (const s of c.trainSteps) {
        bn.zeroGrad();
        const x = t(s.x, true);
        const y = bn.forward(x);
        y.backward(t(s.upstream));
        worst = Math.max(
          worst,
          toleranceRatio(y.dataSync(), s.y.data, 1e-10, 1e-12),
          toleranceRatio(x.grad!.dataSync(), s.gradX.data, 1e-9, 1e-12),
          toleranceRatio(bn.weight!.grad!.dataSync(), s.gradWeight.data, 1e-10, 1e-12),
          toleranceRatio(bn.bias!.grad!.dataSync(), s.gradBias.data, 1e-10, 1e-12),
          toleranceRatio(bn.runningMean!.dataSync(), s.runningMean.data, 1e-12, 1e-15),
          toleranceRatio(bn.runningVar!.dataSync(), s.runningVar.data, 1e-12, 1e-15),
        );
        expect(bn.numBatchesTracked!.dataSync()[0]).toBe(s.numBatchesTracked);
      }
      expect(worst).toBeLessThanOrEqual(1);
      bn.eval();
      expect(toleranceRatio(bn.forward(t(c.eval.x)).dataSync(), c.eval.y.data, 1e-12, 1e-14)).toBeLessThanOrEqual(1);
    });
  }

  it('rejects a single value per channel in train mode, as PyTorch', () => {
    expect(() => new nn.BatchNorm2d(2).forward(tensor([1, 2], [1, 2, 1, 1]))).toThrow(/more than 1 value per channel/);
  });
});

describe('default initialisation follows PyTorch distributions', () => {
  /** Bounds and moments of U(-b, b): mean 0, variance b^2/3, and the extremes near +-b. */
  function checkUniform(values: Float64Array, bound: number): void {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let sq = 0;
    for (const v of values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      sq += v * v;
    }
    const n = values.length;
    const mean = sum / n;
    const variance = sq / n - mean * mean;
    expect(min).toBeGreaterThanOrEqual(-bound);
    expect(max).toBeLessThan(bound);
    expect(max).toBeGreaterThan(bound * (1 - 20 / n));
    expect(min).toBeLessThan(-bound * (1 - 20 / n));
    // Standard error of the variance estimate of a uniform is ~ b^2 * 0.3 / sqrt(n).
    expect(Math.abs(variance - (bound * bound) / 3)).toBeLessThan((5 * 0.3 * bound * bound) / Math.sqrt(n));
    expect(Math.abs(mean)).toBeLessThan((5 * bound) / Math.sqrt(3 * n));
  }

  it('Linear(1000, 400): weight and bias U(-1/sqrt(1000), 1/sqrt(1000))', () => {
    manualSeed(11);
    const lin = new nn.Linear(1000, 400);
    checkUniform(lin.weight.dataSync(), 1 / Math.sqrt(1000));
    const bias = lin.bias!.dataSync();
    expect(bias.every((v) => Math.abs(v) < 1 / Math.sqrt(1000))).toBe(true);
    expect(Math.max(...bias.map(Math.abs))).toBeGreaterThan(0.9 / Math.sqrt(1000));
  });

  it('Conv2d(16, 64, (3, 5), groups=2): fan_in = 8 * 15, Conv1d(6, 300, 50): fan_in = 300', () => {
    manualSeed(12);
    const conv = new nn.Conv2d(16, 64, [3, 5], { groups: 2 });
    expect(conv.weight.shape).toEqual([64, 8, 3, 5]);
    checkUniform(conv.weight.dataSync(), 1 / Math.sqrt(120));
    const c1 = new nn.Conv1d(6, 300, 50);
    checkUniform(c1.weight.dataSync(), 1 / Math.sqrt(300));
    checkUniform(c1.bias!.dataSync(), 1 / Math.sqrt(300));
  });

  it('kaimingUniform computes the bound from the gain like torch (a = 0: sqrt(6 / fan_in))', () => {
    const w = nn.init.kaimingUniform([500, 60], 0, { generator: new Generator(3) });
    checkUniform(w.dataSync(), Math.sqrt(6 / 60));
    expect(nn.init.fans([8, 4, 3, 5])).toEqual({ fanIn: 60, fanOut: 120 });
  });

  it('the same seed gives the same weights; generators are honoured', () => {
    manualSeed(5);
    const a = new nn.Linear(4, 3).weight.dataSync();
    manualSeed(5);
    const b = new nn.Linear(4, 3).weight.dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const c = new nn.Linear(4, 3, { generator: new Generator(5) }).weight.dataSync();
    const d = new nn.Linear(4, 3, { generator: new Generator(5) }).weight.dataSync();
    expect(Array.from(c)).toEqual(Array.from(d));
  });
});

describe('layers', () => {
  it('Sequential applies its layers in order; ELU, Flatten and Identity do what PyTorch does', () => {
    const seq = new nn.Sequential(new nn.Flatten(), new nn.ELU(0.5), new nn.Identity());
    const x = tensor([-1, 2, -3, 4], [1, 2, 2]);
    const y = seq.forward(x);
    expect(y.shape).toEqual([1, 4]);
    expectArrayClose(y.dataSync(), [0.5 * Math.expm1(-1), 2, 0.5 * Math.expm1(-3), 4]);
    expect(seq.length).toBe(3);
    expect(seq.at(-1)).toBeInstanceOf(nn.Identity);
    expect(seq.call(x).dataSync()).toEqual(y.dataSync());
  });

  it('Linear computes x W^T + b', () => {
    const lin = new nn.Linear(3, 2);
    lin.loadStateDict({ weight: tensor([1, 2, 3, 4, 5, 6], [2, 3]), bias: tensor([0.5, -1], [2]) });
    expect(Array.from(lin.forward(tensor([1, 0, -1, 2, 1, 0], [2, 3])).dataSync())).toEqual([-1.5, -3, 4.5, 12]);
  });

  it('Conv1d and MaxPool1d on a hand-computed signal', () => {
    const conv = new nn.Conv1d(1, 1, 2, { bias: false });
    conv.loadStateDict({ weight: tensor([1, -1], [1, 1, 2]) });
    const y = conv.forward(tensor([1, 4, 2, 8, 3], [1, 1, 5]));
    expect(Array.from(y.dataSync())).toEqual([-3, 2, -6, 5]);
    expect(Array.from(new nn.MaxPool1d(2).forward(y).dataSync())).toEqual([2, 5]);
  });

  it('zeroGrad clears every parameter gradient', () => {
    const m = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU(), new nn.Linear(2, 1));
    m.forward(tensor([1, 2], [1, 2])).sum().backward();
    expect(m.parameters().every((p) => p.grad !== null)).toBe(true);
    m.zeroGrad();
    expect(m.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('parameters survive tidy; forward temporaries do not', () => {
    const m = new nn.Linear(3, 2);
    tidy(() => {
      m.forward(tensor([1, 2, 3], [1, 3])).sum().backward();
    });
    expect(m.parameters().every((p) => !p.isDisposed)).toBe(true);
    expect(m.weight.grad!.isDisposed).toBe(false);
  });
});

describe('to(device)', () => {
  // A second backend with CPU kernels under another name: a real move, checkable in Node.
  registerBackend({ ...getBackend('cpu'), name: 'webgpu' });

  it('moves parameters and buffers, keeping them leaves that require grad, with their values', () => {
    manualSeed(3);
    const m = new nn.Sequential(new nn.Conv2d(1, 2, [1, 3]), new nn.BatchNorm2d(2), new nn.Flatten(), new nn.Linear(2 * 1 * 4, 1));
    const x = tensor(Float64Array.from({ length: 12 }, (_, i) => Math.cos(i)), [2, 1, 1, 6]);
    const before = m.forward(x).dataSync();
    m.forward(x).sum().backward();
    const grads = m.parameters().map((p) => Array.from(p.grad!.dataSync()));
    const old = m.parameters();
    m.to('webgpu');
    const moved = m.parameters();
    expect(moved.every((p, i) => p !== old[i] && p.device === 'webgpu' && p.isLeaf && p.requiresGrad)).toBe(true);
    expect(m.buffers().every((b) => b.device === 'webgpu' && !b.requiresGrad)).toBe(true);
    expect(moved.map((p) => Array.from(p.grad!.dataSync()))).toEqual(grads);
    m.eval().train();
    // BatchNorm has updated its running stats twice on 'cpu'; the moved model continues from them.
    const after = m.forward(x.to('webgpu'));
    expect(after.device).toBe('webgpu');
    expect(toleranceRatio(after.dataSync(), before, 1e-12, 1e-14)).toBeLessThanOrEqual(1);
    expect(m.getModule('1').getBuffer('num_batches_tracked')!.dataSync()[0]).toBe(3);
    const back = m.to('cpu');
    expect(back).toBe(m);
    expect(m.parameters().every((p) => p.device === 'cpu' && p.requiresGrad)).toBe(true);
  });
});
