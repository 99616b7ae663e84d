/**
 * Finite-difference gradient checks (float64) of matmul, linear, softmax, log-softmax and the
 * losses, over the shapes and edge cases training meets: batch 1, uneven class weights, classes
 * absent from the batch, ignored targets, label smoothing with weights, every reduction.
 * Also their input validation.
 */
import { describe, expect, it } from 'vitest';
import { F, tensor, type Tensor } from '../../engine/index.ts';
import type { CrossEntropyOptions, Reduction } from '../../engine/functional.ts';
import { expectGradcheck, makeInputs } from '../helpers/gradcheckExpect.ts';

const values = (t: Tensor) => Array.from(t.dataSync());

describe('matmul', () => {
  const shapes: [string, number[], number[], number[]][] = [
    ['dot', [4], [4], []],
    ['2-D x 2-D', [3, 4], [4, 2], [3, 2]],
    ['1-D x 2-D', [4], [4, 2], [2]],
    ['2-D x 1-D', [3, 4], [4], [3]],
    ['batched 3-D', [2, 3, 4], [2, 4, 2], [2, 3, 2]],
    ['3-D x 2-D', [2, 3, 4], [4, 2], [2, 3, 2]],
    ['2-D x 3-D', [3, 4], [2, 4, 2], [2, 3, 2]],
    ['batch 1 broadcast', [1, 3, 4], [2, 4, 2], [2, 3, 2]],
    ['4-D x 3-D broadcast batch', [2, 1, 2, 3], [3, 3, 2], [2, 3, 2, 2]],
    ['3-D x 1-D', [2, 3, 4], [4], [2, 3]],
  ];
  for (const [name, sa, sb, out] of shapes) {
    it(`gradcheck ${name}: [${sa}] @ [${sb}] -> [${out}]`, async () => {
      const r = makeInputs(sa.length + 3 * sb.length);
      const a = r.normal(sa);
      const b = r.normal(sb);
      expect(a.matmul(b).shape).toEqual(out);
      await expectGradcheck(name, (x, y) => x.matmul(y), [a, b]);
    });
  }

  it('forward values by hand', () => {
    const a = tensor([[1, 2], [3, 4]]);
    const b = tensor([[5, 6], [7, 8]]);
    expect(values(a.matmul(b))).toEqual([19, 22, 43, 50]);
    expect(values(tensor([1, 2, 3]).matmul(tensor([4, 5, 6])))).toEqual([32]);
    expect(values(a.matmul(tensor([1, -1])))).toEqual([-1, -1]);
    expect(values(tensor([1, -1]).matmul(a))).toEqual([-2, -2]);
  });

  it('rejects mismatched inner dimensions and batches that do not broadcast', () => {
    expect(() => tensor([[1, 2, 3]]).matmul(tensor([[1, 2]]))).toThrow(/matmul: shapes \[1,3\] and \[1,2\] cannot be multiplied \(3 vs 1\)/);
    expect(() => F.matmul(tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]), tensor(new Float64Array(12), [3, 2, 2]))).toThrow(/cannot be broadcast/);
    expect(() => F.matmul(tensor(2), tensor([1]))).toThrow(/at least 1 dimension/);
  });
});

describe('linear', () => {
  const cases: [string, number[], number[], boolean][] = [
    ['[5, 4] with bias', [5, 4], [3, 4], true],
    ['[5, 4] without bias', [5, 4], [3, 4], false],
    ['batch 1', [1, 4], [3, 4], true],
    ['3-D input', [2, 3, 4], [2, 4], true],
    ['1-D input', [4], [2, 4], true],
  ];
  for (const [name, sx, sw, withBias] of cases) {
    it(`gradcheck ${name}`, async () => {
      const r = makeInputs(sx.length * 7 + sw[0]);
      const inputs = [r.normal(sx), r.normal(sw)];
      if (withBias) inputs.push(r.normal([sw[0]]));
      await expectGradcheck(name, (x, w, b) => F.linear(x, w, b), inputs);
    });
  }

  it('equals x @ W^T + b', () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    const w = tensor([[1, 0], [0, 1], [1, 1]]);
    const b = tensor([10, 20, 30]);
    expect(values(F.linear(x, w, b))).toEqual([11, 22, 33, 13, 24, 37, 15, 26, 41]);
  });

  it('names the mismatch', () => {
    expect(() => F.linear(tensor([[1, 2, 3]]), tensor([[1, 2]]))).toThrow(/linear: input \[1,3\] does not end in the weight's 2 input features/);
    expect(() => F.linear(tensor([[1, 2]]), tensor([[1, 2]]), tensor([1, 2]))).toThrow(/linear: bias must be \[1\], got \[2\]/);
  });
});

describe('softmax and logSoftmax', () => {
  const cases: [string, number[], number][] = [
    ['dim 0', [4, 3], 0],
    ['dim -1', [4, 3], -1],
    ['middle dim of 3-D', [2, 3, 2], 1],
    ['1-D', [5], 0],
  ];
  for (const [name, shape, dim] of cases) {
    it(`gradcheck on ${name}`, async () => {
      const r = makeInputs(shape.length + dim + 20);
      // A weighted sum makes the checked function depend on every output differently.
      const weights = r.normal(shape).detach();
      await expectGradcheck(`softmax ${name}`, (x) => x.softmax(dim).mul(weights), [r.normal(shape, 2)]);
      await expectGradcheck(`logSoftmax ${name}`, (x) => x.logSoftmax(dim).mul(weights), [r.normal(shape, 2)]);
    });
  }

  it('sums to one along the dimension and stays finite for large logits', () => {
    const x = tensor([[1000, 0, -1000], [1, 2, 3]]);
    const s = values(x.softmax(1));
    expect(s[0]).toBe(1);
    expect(s[3] + s[4] + s[5]).toBeCloseTo(1, 15);
    const ls = values(x.logSoftmax(1));
    expect(ls[0]).toBe(0);
    expect(ls[2]).toBe(-2000);
    expect(ls.every(Number.isFinite)).toBe(true);
  });
});

describe('losses', () => {
  const C = 4;
  const weight = [0.4, 2.0, 1.3, 0.7];
  const targetsAbsent = [0, 2, 2, 0, 2]; // classes 1 and 3 absent
  const targetsIgnored = [3, -100, 1, 1, -100];
  const targetsBatch1 = [2];
  const targetSets: [string, number[]][] = [
    ['classes absent', targetsAbsent],
    ['ignored targets', targetsIgnored],
    ['batch 1', targetsBatch1],
  ];
  const reductions: Reduction[] = ['mean', 'sum', 'none'];

  for (const reduction of reductions) {
    for (const [tname, targets] of targetSets) {
      it(`gradcheck nllLoss ${reduction}, ${tname}, uniform and uneven weights`, async () => {
        const r = makeInputs(targets.length + reduction.length);
        const lp = r.normal([targets.length, C]);
        await expectGradcheck('nll', (x) => F.nllLoss(x, targets, { reduction }), [lp]);
        await expectGradcheck('nll weighted', (x) => F.nllLoss(x, targets, { reduction, weight }), [lp]);
      });
      it(`gradcheck crossEntropy ${reduction}, ${tname}, with and without weights and label smoothing`, async () => {
        const r = makeInputs(targets.length * 3 + reduction.length);
        const logits = r.normal([targets.length, C], 2);
        const variants: CrossEntropyOptions[] = [
          {},
          { weight },
          { labelSmoothing: 0.2 },
          { labelSmoothing: 0.2, weight: tensor(weight) },
          { labelSmoothing: 1, weight },
        ];
        for (const v of variants) {
          await expectGradcheck(`ce ${JSON.stringify(v)}`, (x) => F.crossEntropy(x, targets, { ...v, reduction }), [logits]);
        }
      });
    }
  }

  it('gradcheck mseLoss for every reduction, with broadcasting', async () => {
    const r = makeInputs(99);
    for (const reduction of reductions) {
      await expectGradcheck(`mse ${reduction}`, (a, b) => F.mseLoss(a, b, { reduction }), [r.normal([3, 4]), r.normal([3, 4])]);
    }
    await expectGradcheck('mse broadcast', (a, b) => F.mseLoss(a, b), [r.normal([3, 4]), r.normal([4])]);
  });

  it('weighted mean divides by the sum of the targets\' weights (hand-computed)', () => {
    const lp = tensor([[-1, -2], [-3, -4], [-5, -6]]);
    // -( 0.5 * -1 + 2 * -4 + 0.5 * -5 ) / (0.5 + 2 + 0.5) = 11 / 3
    expect(values(F.nllLoss(lp, [0, 1, 0], { weight: [0.5, 2] }))[0]).toBeCloseTo(11 / 3, 14);
    expect(values(F.nllLoss(lp, [0, 1, -100], { weight: [0.5, 2] }))[0]).toBeCloseTo(8.5 / 2.5, 14);
    expect(values(F.nllLoss(lp, [0, 1, 0], { reduction: 'none', weight: [0.5, 2] }))).toEqual([0.5, 8, 2.5]);
    // Every target ignored: 0 / 0, as PyTorch.
    expect(Number.isNaN(values(F.nllLoss(lp, [-100, -100, -100]))[0])).toBe(true);
  });

  it('takes targets as a float tensor, number[] or Int32Array alike', () => {
    const logits = tensor([[0.1, 2, -1], [1, 0.5, 0.2]]);
    const a = values(F.crossEntropy(logits, tensor([1, 2]), { labelSmoothing: 0.1 }))[0];
    const b = values(F.crossEntropy(logits, [1, 2], { labelSmoothing: 0.1 }))[0];
    const c = values(F.crossEntropy(logits, Int32Array.from([1, 2]), { labelSmoothing: 0.1 }))[0];
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('rejects bad targets, weights, options and shapes with the op and the field named', () => {
    const lp = tensor([[-1, -2], [-3, -4]]);
    expect(() => F.nllLoss(lp, [0, 2])).toThrow(/nllLoss: target\[1\] = 2 is not a class index in \[0, 2\)/);
    expect(() => F.nllLoss(lp, [0.5, 1])).toThrow(/nllLoss: target\[0\] = 0.5/);
    expect(() => F.crossEntropy(lp, [0])).toThrow(/crossEntropy: target has 1 entries for 2 samples/);
    expect(() => F.crossEntropy(lp, tensor([[0, 1]]))).toThrow(/crossEntropy: target must be \[2\]/);
    expect(() => F.crossEntropy(lp, [0, 1], { weight: [1, 2, 3] })).toThrow(/crossEntropy: weight must have one value per class \(\[2\]\), got \[3\]/);
    expect(() => F.crossEntropy(lp, [0, 1], { labelSmoothing: 1.5 })).toThrow(/labelSmoothing must be in \[0, 1\]/);
    expect(() => F.crossEntropy(lp, [0, 1], { reduction: 'avg' as Reduction })).toThrow(/reduction must be 'mean', 'sum' or 'none', got 'avg'/);
    expect(() => F.crossEntropy(tensor([1, 2]), [0])).toThrow(/crossEntropy: input must be \[N, C\], got \[2\]/);
  });
});
