/**
 * The gradient checks the app's "Gradient check" panel offers (engine/selftest/gradchecks.ts),
 * run as the panel runs them where WebGPU is absent: on the float64 CPU backend with PyTorch's
 * tolerances, each case's inputs from the same seed. The WebGPU suite (tests/browser) runs the
 * same cases in float32 on the GPU. The fused conv + ReLU + max pool the model uses is one of them.
 */
import { describe, expect, it } from 'vitest';
import { Generator, gradcheck, tensor } from '../../engine/index.ts';
import { GRADCHECK_CASES } from '../../engine/selftest/gradchecks.ts';
import { makeData } from '../../engine/selftest/inputs.ts';

describe('the gradient-check cases on the CPU backend (float64)', () => {
  it('include the fused conv + ReLU + max-pool op', () => {
    expect(GRADCHECK_CASES.some((c) => /conv2dReluMaxPool2d/.test(c.name))).toBe(true);
  });

  GRADCHECK_CASES.forEach((c, i) => {
    it(c.name, async () => {
      const g = new Generator(2000 + i);
      const xs = c.inputs.map((spec) => tensor(makeData(spec, g), spec.shape, { requiresGrad: spec.requiresGrad ?? false }));
      const r = await gradcheck(c.fn, xs, { eps: 1e-6, atol: 1e-5, rtol: 1e-3 });
      expect(r.checked).toBeGreaterThan(0);
      expect(r.failures.slice(0, 3), `max abs error ${r.maxAbsError}`).toEqual([]);
      expect(r.ok).toBe(true);
    });
  });
});
