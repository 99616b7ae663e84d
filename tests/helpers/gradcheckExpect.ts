/** Vitest wrapper around engine/gradcheck: fails with the first mismatches listed. */
import { expect } from 'vitest';
import { Generator, gradcheck, randn, tensor, type GradcheckOptions, type Tensor } from '../../engine/index.ts';

export async function expectGradcheck(what: string, fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): Promise<void> {
  const r = await gradcheck(fn, inputs, opts);
  expect(r.checked, `${what}: nothing was checked`).toBeGreaterThan(0);
  expect(r.ok, `${what}: ${JSON.stringify(r.failures)} (max abs error ${r.maxAbsError})`).toBe(true);
}

/** Seeded float64 inputs that require grad. */
export function makeInputs(seed: number) {
  const g = new Generator(seed);
  return {
    normal: (shape: number[], scale = 1) => randn(shape, { generator: g }).mul(scale).detach().requiresGrad_(),
    /** Uniform in [low, high): for log, sqrt, pow with fractional exponents. */
    uniform: (shape: number[], low: number, high: number) => {
      const v = new Float64Array(shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < v.length; i++) v[i] = g.uniform(low, high);
      return tensor(v, shape, { requiresGrad: true });
    },
    /** Normal values pushed at least `gap` away from 0 (kinks of relu, abs, elu). */
    awayFromZero: (shape: number[], gap = 0.1) => {
      const v = randn(shape, { generator: g }).dataSync().map((x) => Math.sign(x || 1) * (Math.abs(x) + gap));
      return tensor(v, shape, { requiresGrad: true });
    },
  };
}
