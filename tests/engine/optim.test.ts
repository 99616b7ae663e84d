/**
 * Optimizers against PyTorch 1.13 (tests/fixtures/torch/optim.json, from
 * tests/fixtures/scripts/make_torch_optim.py): 20 steps on a fixed least-squares problem, the
 * parameters after every step within 1e-9 relative.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tensor, keep, liveTensorCount, optim, tensor, tidy, zeros } from '../../engine/index.ts';
import { toleranceRatio } from '../helpers/torchCases.ts';
import type { TensorJson } from '../helpers/torchCases.ts';

interface OptimConfig {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW';
  options: Record<string, number | boolean | number[]>;
  groups: Record<string, number | boolean>[] | null;
  lrFactorAtHalf: number | null;
  maximize: boolean;
  losses: number[];
  params: { W: number[]; b: number[] }[];
  finalState: Record<string, Record<string, number | number[]>>;
  torchGroupKeys: string[];
}

interface OptimFixture {
  steps: number;
  W0: TensorJson;
  b0: TensorJson;
  X: TensorJson;
  Y: TensorJson;
  configs: OptimConfig[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch/optim.json', import.meta.url), 'utf8')) as OptimFixture;
const RTOL = 1e-9;

function lossOf(W: Tensor, b: Tensor): Tensor {
  const X = tensor(fixture.X.data, fixture.X.shape);
  const Y = tensor(fixture.Y.data, fixture.Y.shape);
  const pred = W.unsqueeze(0).mul(X.unsqueeze(1)).sum(2).add(b);
  return pred.sub(Y).square().mean();
}

function makeOptimizer(c: OptimConfig, W: Tensor, b: Tensor): optim.AnyOptimizer {
  const params = c.groups ? [{ params: [W], ...c.groups[0] }, { params: [b], ...c.groups[1] }] : [W, b];
  const o = c.options as Record<string, never>;
  if (c.optimizer === 'SGD') return new optim.SGD(params as Tensor[], { lr: c.options.lr as number, ...o });
  if (c.optimizer === 'Adam') return new optim.Adam(params as Tensor[], o);
  return new optim.AdamW(params as Tensor[], o);
}

/** One training step, as the fixture script does it; returns the loss before the step. */
function trainStep(opt: optim.AnyOptimizer, W: Tensor, b: Tensor, maximize: boolean): number {
  opt.zeroGrad();
  const loss = tidy(() => {
    const l = lossOf(W, b);
    (maximize ? l.neg() : l).backward();
    return l;
  });
  opt.step();
  const v = loss.dataSync()[0];
  loss.dispose();
  return v;
}

describe('optimizers match PyTorch 1.13 step by step', () => {
  for (const c of fixture.configs) {
    it(c.name, () => {
      const W = tensor(fixture.W0.data, fixture.W0.shape, { requiresGrad: true });
      const b = tensor(fixture.b0.data, fixture.b0.shape, { requiresGrad: true });
      const opt = makeOptimizer(c, W, b);
      let worst = 0;
      for (let step = 0; step < fixture.steps; step++) {
        if (c.lrFactorAtHalf !== null && step === fixture.steps / 2) {
          for (const g of opt.paramGroups) g.lr *= c.lrFactorAtHalf;
        }
        const loss = trainStep(opt, W, b, c.maximize);
        worst = Math.max(worst, toleranceRatio([loss], [c.losses[step]], RTOL));
        worst = Math.max(worst, toleranceRatio(W.dataSync(), c.params[step].W, RTOL));
        worst = Math.max(worst, toleranceRatio(b.dataSync(), c.params[step].b, RTOL));
        expect(worst, `${c.name} step ${step + 1}`).toBeLessThanOrEqual(1);
      }
      // The optimizer state in PyTorch's layout, with PyTorch's values.
      const sd = opt.stateDict();
      for (const [idx, expected] of Object.entries(c.finalState)) {
        const st = sd.state[Number(idx)];
        expect(Object.keys(st).sort()).toEqual(Object.keys(expected).sort());
        for (const [k, v] of Object.entries(expected)) {
          const actual = st[k];
          if (typeof v === 'number') expect(actual).toBe(v);
          else expect(toleranceRatio((actual as Tensor).dataSync(), v, RTOL), `${c.name} state ${idx}.${k}`).toBeLessThanOrEqual(1);
        }
      }
      expect(sd.paramGroups.map((g) => g.params)).toEqual(c.groups ? [[0], [1]] : [[0, 1]]);
    });
  }
});

describe('optimizer state dict', () => {
  it('resuming from a state dict half-way reproduces PyTorch (Adam, AMSGrad, two groups)', () => {
    const c = fixture.configs.find((x) => x.name === 'adam_amsgrad_betas')!;
    const W = tensor(fixture.W0.data, fixture.W0.shape, { requiresGrad: true });
    const b = tensor(fixture.b0.data, fixture.b0.shape, { requiresGrad: true });
    const first = makeOptimizer(c, W, b);
    for (let s = 0; s < 10; s++) trainStep(first, W, b, false);
    const sd = first.stateDict();
    // A fresh optimizer over fresh copies of the parameters: everything must come from the dict.
    const W2 = tensor(W.dataSync(), W.shape, { requiresGrad: true });
    const b2 = tensor(b.dataSync(), b.shape, { requiresGrad: true });
    const second = new optim.Adam([W2, b2], { lr: 123, betas: [0.5, 0.5] });
    second.loadStateDict(sd);
    expect(second.paramGroups[0].lr).toBe(0.05);
    expect(second.paramGroups[0].betas).toEqual([0.8, 0.99]);
    expect(second.paramGroups[0].amsgrad).toBe(true);
    // Loaded state is a copy: stepping the first optimizer again must not move the second.
    trainStep(first, W, b, false);
    for (let s = 10; s < 20; s++) {
      trainStep(second, W2, b2, false);
      expect(toleranceRatio(W2.dataSync(), c.params[s].W, RTOL)).toBeLessThanOrEqual(1);
      expect(toleranceRatio(b2.dataSync(), c.params[s].b, RTOL)).toBeLessThanOrEqual(1);
    }
    expect(second.stateDict().state[0].step).toBe(20);
  });

  it('rejects a state dict for a different parameter layout, naming what differs', () => {
    const W = tensor([1, 2], [2], { requiresGrad: true });
    const b = tensor([1], [1], { requiresGrad: true });
    const opt = new optim.Adam([W, b]);
    const other = new optim.Adam([{ params: [W] }, { params: [b] }]);
    expect(() => opt.loadStateDict(other.stateDict())).toThrow(/2 parameter groups.*1/);
    const W3 = tensor([1, 2, 3], [3], { requiresGrad: true });
    const withState = new optim.Adam([W3, b]);
    W3.grad = tensor([1, 1, 1], [3]);
    b.grad = tensor([1], [1]);
    withState.step();
    expect(() => opt.loadStateDict(withState.stateDict())).toThrow(/state 'exp_avg' of parameter 0 has shape \[3\], the parameter \[2\]/);
  });
});

describe('optimizer mechanics', () => {
  it('zeroGrad sets gradients to null; step skips parameters without a gradient', () => {
    const a = tensor([1, 2], [2], { requiresGrad: true });
    const b = tensor([3, 4], [2], { requiresGrad: true });
    const opt = new optim.SGD([a, b], { lr: 0.5, momentum: 0.9 });
    a.mul(a).sum().backward();
    opt.step();
    expect(Array.from(a.dataSync())).toEqual([1 - 0.5 * 2, 2 - 0.5 * 4]);
    expect(Array.from(b.dataSync())).toEqual([3, 4]);
    expect(opt.stateDict().state[1]).toBeUndefined();
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
  });

  it('step bumps the version counter, so a graph that saved the old value refuses to backward', () => {
    const w = tensor([1, 2], [2], { requiresGrad: true });
    const opt = new optim.SGD([w], { lr: 0.1 });
    w.mul(w).sum().backward();
    const stale = w.mul(w).sum();
    opt.step();
    expect(() => stale.backward()).toThrow(/modified by an in-place operation/);
  });

  it('state survives an enclosing tidy, and a tidy training loop leaks nothing', () => {
    const w = tensor([0.5, -1, 2], [3], { requiresGrad: true });
    const opt = new optim.Adam([w], { lr: 0.1, amsgrad: true });
    const step = () =>
      tidy(() => {
        opt.zeroGrad();
        w.mul(w).sum().backward();
        opt.step();
      });
    step();
    const before = liveTensorCount();
    for (let i = 0; i < 5; i++) step();
    // Only the gradient is replaced each step; nothing accumulates.
    expect(liveTensorCount()).toBe(before);
    const st = opt.stateDict().state[0];
    expect((st.exp_avg as Tensor).isDisposed).toBe(false);
    expect(st.step).toBe(6);
  });

  it('Nesterov without momentum and negative learning rates are rejected like PyTorch', () => {
    const w = keep(zeros([2], { requiresGrad: true }));
    expect(() => new optim.SGD([w], { lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
    expect(() => new optim.Adam([w], { lr: -1 })).toThrow(/learning rate/);
    expect(() => new optim.Adam([w], { betas: [0.9, 1] })).toThrow(/beta parameter at index 1/);
    expect(() => new optim.SGD([w.mul(2)], { lr: 0.1 })).toThrow(/non-leaf/);
  });

  it('AdamW with weightDecay 0 equals Adam; its default weightDecay is 1e-2', () => {
    const run = (make: (p: Tensor) => optim.AnyOptimizer) => {
      const p = tensor([0.3, -0.7, 1.1], [3], { requiresGrad: true });
      const opt = make(p);
      for (let i = 0; i < 5; i++) {
        opt.zeroGrad();
        p.mul(p).mul(p).sum().backward();
        opt.step();
      }
      return Array.from(p.dataSync());
    };
    expect(run((p) => new optim.AdamW([p], { lr: 0.01, weightDecay: 0 }))).toEqual(run((p) => new optim.Adam([p], { lr: 0.01 })));
    expect(new optim.AdamW([tensor([1], [1], { requiresGrad: true })]).paramGroups[0].weightDecay).toBe(1e-2);
  });
});
