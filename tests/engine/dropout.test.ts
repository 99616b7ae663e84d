/** Dropout: seeded masks, keep rate, inverted scaling, eval identity, gradient = mask. */
import { describe, expect, it } from 'vitest';
import { F, Generator, getBackend, manualSeed, ones, randn, tensor, type Tensor } from '../../engine/index.ts';
import { hashUint32 } from '../../engine/random.ts';

const values = (t: Tensor) => t.dataSync();
const cpu = getBackend('cpu');

/** The mask dropout draws with a generator in this state: one uint32 seed, then the hash. */
function expectedMask(seed: number, n: number, p: number): Float64Array {
  const s = new Generator(seed).nextUint32();
  return cpu.readSync!(cpu.dropoutMask(n, p, s));
}

describe('dropout', () => {
  it('draws the same mask for the same seed and another for another seed', () => {
    const x = ones([1000]);
    const a = values(F.dropout(x, 0.4, true, { generator: new Generator(7) }));
    const b = values(F.dropout(x, 0.4, true, { generator: new Generator(7) }));
    const c = values(F.dropout(x, 0.4, true, { generator: new Generator(8) }));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    manualSeed(3);
    const d = values(F.dropout(x, 0.4));
    manualSeed(3);
    expect(Array.from(values(F.dropout(x, 0.4)))).toEqual(Array.from(d));
    // Successive calls advance the generator: two layers do not share a mask.
    const g = new Generator(7);
    const first = values(F.dropout(x, 0.4, true, { generator: g }));
    const second = values(F.dropout(x, 0.4, true, { generator: g }));
    expect(Array.from(first)).not.toEqual(Array.from(second));
  });

  for (const p of [0.1, 0.25, 0.5, 0.8]) {
    it(`keeps 1 - p of the elements (within 1%) and scales them by 1/(1-p), p = ${p}`, () => {
      const n = 200_000;
      const x = randn([n], { generator: new Generator(1) });
      const xs = values(x);
      const out = values(F.dropout(x, p, true, { generator: new Generator(2) }));
      let kept = 0;
      let misscaled = 0;
      for (let i = 0; i < n; i++) {
        if (out[i] === 0) continue;
        kept++;
        if (out[i] !== xs[i] * (1 / (1 - p))) misscaled++;
      }
      expect(misscaled).toBe(0);
      expect(Math.abs(kept / n - (1 - p))).toBeLessThan(0.01);
    });
  }

  it('is the identity in evaluation mode and for p = 0', () => {
    const x = tensor([1, -2, 3], [3], { requiresGrad: true });
    expect(F.dropout(x, 0.5, false)).toBe(x);
    expect(F.dropout(x, 0)).toBe(x);
  });

  it('has the mask as its gradient', () => {
    const n = 64;
    const p = 0.3;
    const x = randn([n], { generator: new Generator(4) }).requiresGrad_();
    const upstream = randn([n], { generator: new Generator(5) });
    F.dropout(x, p, true, { generator: new Generator(11) }).backward(upstream);
    const mask = expectedMask(11, n, p);
    const g = values(x.grad!);
    const u = values(upstream);
    for (let i = 0; i < n; i++) expect(g[i]).toBe(u[i] * mask[i]);
    expect(mask.some((m) => m === 0) && mask.some((m) => m !== 0)).toBe(true);
  });

  it('gives zeros and zero gradients for p = 1', () => {
    const x = tensor([1, 2, 3], [3], { requiresGrad: true });
    const y = F.dropout(x, 1);
    expect(Array.from(values(y))).toEqual([0, 0, 0]);
    y.sum().backward();
    expect(Array.from(values(x.grad!))).toEqual([0, 0, 0]);
  });

  it('the CPU mask kernel drops everything at p = 1, even where the hash is 2^32 - 1', () => {
    // Invert the hash's final mixing to find the seed whose element 0 hashes to 0xffffffff.
    const inverseOdd = (c: number) => {
      let inv = c;
      for (let i = 0; i < 5; i++) inv = Math.imul(inv, 2 - Math.imul(c, inv));
      return inv >>> 0;
    };
    let x = 0xffffffff;
    x ^= x >>> 16;
    x = Math.imul(x, inverseOdd(0x846ca68b)) >>> 0;
    x = (x ^ (x >>> 15) ^ (x >>> 30)) >>> 0;
    x = Math.imul(x, inverseOdd(0x7feb352d)) >>> 0;
    x = (x ^ (x >>> 16)) >>> 0;
    expect(hashUint32(x, 0)).toBe(0xffffffff);
    expect(Array.from(cpu.readSync!(cpu.dropoutMask(4, 1, x)))).toEqual([0, 0, 0, 0]);
  });

  it('rejects a probability outside [0, 1]', () => {
    expect(() => F.dropout(ones([2]), 1.5)).toThrow(/dropout: probability has to be between 0 and 1, but got 1.5/);
    expect(() => F.dropout(ones([2]), -0.1)).toThrow(/between 0 and 1/);
  });
});
