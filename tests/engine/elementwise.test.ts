/**
 * Elementwise ops with broadcasting, unary functions, reductions and views: finite-difference
 * gradient checks in float64, plus forward values derived by hand. (PyTorch comparisons of the
 * same ops are in ops_dense.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { F, tensor, type Tensor } from '../../engine/index.ts';
import { expectGradcheck, makeInputs } from '../helpers/gradcheckExpect.ts';

const values = (t: Tensor) => Array.from(t.dataSync());

describe('binary ops broadcast as PyTorch', () => {
  it('forward values: row, column, scalar, 0-d, leading dims', () => {
    const col = tensor([[1], [2]]);
    const row = tensor([10, 20, 30]);
    const sum = col.add(row);
    expect(sum.shape).toEqual([2, 3]);
    expect(values(sum)).toEqual([11, 21, 31, 12, 22, 32]);
    expect(values(row.sub(1))).toEqual([9, 19, 29]);
    expect(values(F.sub(1, row))).toEqual([-9, -19, -29]);
    expect(values(F.div(60, row))).toEqual([6, 3, 2]);
    expect(values(row.mul(tensor(2)))).toEqual([20, 40, 60]);
    const lead = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3]).mul(row);
    expect(lead.shape).toEqual([2, 2, 3]);
    expect(values(lead)).toEqual([10, 40, 90, 40, 100, 180, 70, 160, 270, 100, 220, 360]);
    expect(() => tensor([1, 2]).add(tensor([1, 2, 3]))).toThrow(/shapes \[2\] and \[3\] cannot be broadcast/);
  });

  const patterns: [string, number[], number[]][] = [
    ['same shape', [2, 3], [2, 3]],
    ['0-d tensor', [2, 3], []],
    ['row', [2, 3], [3]],
    ['column', [2, 3], [2, 1]],
    ['leading dims', [2, 2, 3], [2, 3]],
    ['both stretch', [2, 1, 3], [4, 1]],
    ['left smaller', [1, 3], [2, 2, 3]],
  ];
  const ops: [string, (a: Tensor, b: Tensor) => Tensor][] = [
    ['add', (a, b) => a.add(b)],
    ['sub', (a, b) => a.sub(b)],
    ['mul', (a, b) => a.mul(b)],
    ['div', (a, b) => a.div(b)],
  ];
  for (const [opName, op] of ops) {
    for (const [pattern, sa, sb] of patterns) {
      it(`gradcheck ${opName}: ${pattern} [${sa}] with [${sb}]`, async () => {
        const r = makeInputs(sa.length * 10 + sb.length);
        const a = r.normal(sa);
        const b = opName === 'div' ? r.awayFromZero(sb, 0.5) : r.normal(sb);
        await expectGradcheck(`${opName} ${pattern}`, op, [a, b]);
      });
    }
    it(`gradcheck ${opName} with a number on either side`, async () => {
      const r = makeInputs(7);
      const a = opName === 'div' ? r.awayFromZero([2, 3], 0.5) : r.normal([2, 3]);
      await expectGradcheck(`${opName} number right`, (x) => op(x, tensor(1.7)), [a]);
      const f = { add: F.add, sub: F.sub, mul: F.mul, div: F.div }[opName]!;
      await expectGradcheck(`${opName} number left`, (x) => f(-2.5, x), [a]);
    });
  }
});

describe('unary ops', () => {
  const r = makeInputs(3);
  const cases: [string, (x: Tensor) => Tensor, () => Tensor][] = [
    ['neg', (x) => x.neg(), () => r.normal([2, 3])],
    ['exp', (x) => x.exp(), () => r.normal([2, 3])],
    ['log', (x) => x.log(), () => r.uniform([2, 3], 0.3, 3)],
    ['sqrt', (x) => x.sqrt(), () => r.uniform([2, 3], 0.3, 3)],
    ['square', (x) => x.square(), () => r.normal([2, 3])],
    ['abs', (x) => x.abs(), () => r.awayFromZero([2, 3])],
    ['reciprocal', (x) => x.reciprocal(), () => r.awayFromZero([2, 3], 0.5)],
    ['pow 2', (x) => x.pow(2), () => r.normal([2, 3])],
    ['pow 3', (x) => x.pow(3), () => r.normal([2, 3])],
    ['pow 0.5', (x) => x.pow(0.5), () => r.uniform([2, 3], 0.3, 3)],
    ['pow -1.5', (x) => x.pow(-1.5), () => r.uniform([2, 3], 0.3, 3)],
    ['relu', (x) => x.relu(), () => r.awayFromZero([3, 4])],
    ['elu', (x) => F.elu(x), () => r.awayFromZero([3, 4])],
    ['elu alpha 0.3', (x) => F.elu(x, 0.3), () => r.awayFromZero([3, 4])],
    ['chain exp(log(x)^2 / sqrt(x))', (x) => x.log().pow(2).div(x.sqrt()).exp(), () => r.uniform([4], 0.5, 2)],
  ];
  for (const [name, fn, make] of cases) it(`gradcheck ${name}`, async () => expectGradcheck(name, fn, [make()]));

  it('forward values by hand', () => {
    const x = tensor([-2, -0.5, 0, 0.5, 2]);
    expect(values(x.relu())).toEqual([0, 0, 0, 0.5, 2]);
    expect(values(F.elu(x, 0.5))).toEqual([0.5 * Math.expm1(-2), 0.5 * Math.expm1(-0.5), 0, 0.5, 2]);
    expect(values(x.abs())).toEqual([2, 0.5, 0, 0.5, 2]);
    expect(values(tensor([4, 9]).sqrt())).toEqual([2, 3]);
    expect(values(tensor([2, 3]).pow(3))).toEqual([8, 27]);
  });

  it('has PyTorch gradients at the kinks: relu and abs give 0 at 0, elu gives alpha, pow 0 gives 0', () => {
    const x = tensor([0, 0], [2], { requiresGrad: true });
    x.relu().add(x.abs()).sum().backward();
    expect(values(x.grad!)).toEqual([0, 0]);
    const e = tensor([0], [1], { requiresGrad: true });
    F.elu(e, 0.7).sum().backward();
    expect(values(e.grad!)).toEqual([0.7]);
    const p = tensor([0, 2], [2], { requiresGrad: true });
    const y = p.pow(0);
    expect(values(y)).toEqual([1, 1]);
    y.sum().backward();
    expect(values(p.grad!)).toEqual([0, 0]);
  });
});

describe('reductions', () => {
  it('forward values by hand', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]);
    expect(values(x.sum())).toEqual([78]);
    expect(x.sum().shape).toEqual([]);
    expect(values(x.sum(1))).toEqual([9, 12, 27, 30]);
    expect(x.sum([0, 2], true).shape).toEqual([1, 3, 1]);
    expect(values(x.sum([0, 2], true))).toEqual([1 + 2 + 7 + 8, 3 + 4 + 9 + 10, 5 + 6 + 11 + 12]);
    expect(values(x.mean(-1))).toEqual([1.5, 3.5, 5.5, 7.5, 9.5, 11.5]);
    expect(values(x.mean([0, 1]))).toEqual([6, 7]);
  });

  const dims: [string, number | number[] | undefined, boolean][] = [
    ['all', undefined, false],
    ['dim 0', 0, false],
    ['dim 1 keepdim', 1, true],
    ['dims [0, 2]', [0, 2], false],
    ['dims [0, 2] keepdim', [0, 2], true],
    ['dim -1', -1, false],
    ['dims [1, 2] keepdim', [1, 2], true],
    ['dims [2, 0] (unsorted) keepdim', [2, 0], true],
  ];
  for (const [name, dim, keep] of dims) {
    it(`gradcheck sum and mean over ${name}`, async () => {
      const r = makeInputs(11);
      await expectGradcheck(`sum ${name}`, (x) => x.sum(dim, keep), [r.normal([2, 3, 4])]);
      await expectGradcheck(`mean ${name}`, (x) => x.mean(dim, keep), [r.normal([2, 3, 4])]);
    });
  }
});

describe('views', () => {
  it('forward values by hand', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(values(x.transpose(0, 1))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(x.reshape([3, -1]).shape).toEqual([3, 2]);
    const y = tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23], [2, 3, 4]);
    const p = y.permute([2, 0, 1]);
    expect(p.shape).toEqual([4, 2, 3]);
    // p[i, j, k] = y[j, k, i] = 12 j + 4 k + i
    expect(values(p).slice(0, 7)).toEqual([0, 4, 8, 12, 16, 20, 1]);
    expect(y.flatten(1).shape).toEqual([2, 12]);
    expect(x.unsqueeze(-1).shape).toEqual([2, 3, 1]);
    expect(x.unsqueeze(1).squeeze(1).shape).toEqual([2, 3]);
    expect(values(tensor([1, 2], [2, 1]).expand([2, 3]))).toEqual([1, 1, 1, 2, 2, 2]);
    expect(() => x.reshape([4, -1])).toThrow(/cannot reshape 6 elements into \[4,-1\]/);
    expect(() => x.permute([0, 0])).toThrow(/repeated dimension/);
  });

  const r = makeInputs(5);
  const cases: [string, (x: Tensor) => Tensor, number[]][] = [
    ['reshape', (x) => x.reshape([4, -1]).mul(tensor([1, 2, 3, 4, 5, 6])), [2, 3, 4]],
    ['permute', (x) => x.permute([2, 0, 1]).mul(tensor([1, 2, 3])), [2, 3, 4]],
    ['permute [1, 2, 0]', (x) => x.permute([1, 2, 0]).mul(tensor([1, -1])), [2, 3, 4]],
    ['transpose', (x) => x.transpose(0, -1).mul(tensor([1, 2])), [2, 3, 4]],
    ['flatten', (x) => x.flatten(1, 2).mul(tensor([1, 2, 3, 4, 5, 6])), [2, 2, 3]],
    ['unsqueeze + squeeze', (x) => x.unsqueeze(0).mul(tensor([1, 2, 3])).squeeze(0), [2, 3]],
    ['expand', (x) => x.expand([2, 3, 4]).mul(tensor([1, 2, 3, 4])), [3, 1]],
  ];
  for (const [name, fn, shape] of cases) it(`gradcheck ${name}`, async () => expectGradcheck(name, fn, [r.normal(shape)]));
});
