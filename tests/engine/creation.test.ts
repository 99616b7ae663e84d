/** Creation functions: nested arrays, constant fills, seeded random tensors. */
import { describe, expect, it } from 'vitest';
import { Generator, arange, full, manualSeed, ones, onesLike, rand, randn, tensor, zeros, zerosLike } from '../../engine/index.ts';

describe('tensor creation', () => {
  it('builds from nested arrays, flat arrays with a shape, and scalars', () => {
    const t = tensor([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]);
    expect(t.shape).toEqual([2, 3, 2]);
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(tensor([1, 2, 3]).shape).toEqual([3]);
    const flat = tensor(Float64Array.from([1, 2, 3, 4, 5, 6]), [3, 2]);
    expect(flat.shape).toEqual([3, 2]);
    expect(Array.from(flat.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    const s = tensor(2.5);
    expect(s.shape).toEqual([]);
    expect(s.size).toBe(1);
    expect(Array.from(s.dataSync())).toEqual([2.5]);
    expect(tensor([1, 2], [2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('rejects ragged arrays and values that do not fill the shape', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged nested array/);
    expect(() => tensor([[1, 2], 3] as number[][])).toThrow(/ragged nested array/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/3 values do not fill shape \[2,2\]/);
  });

  it('zeros, ones, full, the *Like variants and arange', () => {
    expect(Array.from(zeros([2, 2]).dataSync())).toEqual([0, 0, 0, 0]);
    expect(Array.from(ones([3]).dataSync())).toEqual([1, 1, 1]);
    const f = full([2, 1], -3.5);
    expect(f.shape).toEqual([2, 1]);
    expect(Array.from(f.dataSync())).toEqual([-3.5, -3.5]);
    const like = zerosLike(f);
    expect(like.shape).toEqual([2, 1]);
    expect(Array.from(onesLike(f).dataSync())).toEqual([1, 1]);
    expect(Array.from(arange(4).dataSync())).toEqual([0, 1, 2, 3]);
    expect(zeros([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('randn and rand are deterministic under manualSeed and with a Generator', () => {
    manualSeed(42);
    const a = randn([5, 3]).dataSync();
    const r1 = rand([4]).dataSync();
    manualSeed(42);
    const b = randn([5, 3]).dataSync();
    const r2 = rand([4]).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(r2)).toEqual(Array.from(r1));
    manualSeed(43);
    expect(Array.from(randn([5, 3]).dataSync())).not.toEqual(Array.from(a));
    const g1 = randn([6], { generator: new Generator(9) }).dataSync();
    const g2 = randn([6], { generator: new Generator(9) }).dataSync();
    expect(Array.from(g1)).toEqual(Array.from(g2));
  });

  it('randn has mean 0 and std 1, rand is uniform on [low, high), on a large sample', () => {
    const n = 200_000;
    const x = randn([n], { generator: new Generator(123) }).dataSync();
    let m = 0;
    for (const v of x) m += v;
    m /= n;
    let v2 = 0;
    for (const v of x) v2 += (v - m) ** 2;
    const std = Math.sqrt(v2 / (n - 1));
    // Standard errors: 1/sqrt(n) = 0.0022 for the mean, about 0.0016 for the std.
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(std - 1)).toBeLessThan(0.01);
    const u = rand([n], { generator: new Generator(5), low: -2, high: 3 }).dataSync();
    let um = 0;
    let below0 = 0;
    let outside = 0;
    for (const v of u) {
      if (!(v >= -2 && v < 3)) outside++;
      um += v;
      if (v < 0) below0++;
    }
    expect(outside).toBe(0);
    expect(Math.abs(um / n - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(below0 / n - 0.4)).toBeLessThan(0.01);
  });
});
