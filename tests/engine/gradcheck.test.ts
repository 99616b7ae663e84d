import { describe, expect, it } from 'vitest';
import { gradcheck, liveTensorCount, tensor, type Tensor } from '../../engine/index.ts';
import { record } from '../../engine/autograd.ts';

/** x^3 with a deliberately wrong derivative (2x^2 instead of 3x^2), to prove gradcheck can fail. */
function wrongCube(x: Tensor): Tensor {
  const out = x.mul(x).mul(x).detach();
  return record('wrongCube', [x], out, (g) => [g.mul(x).mul(x).mul(2)]);
}

describe('gradcheck', () => {
  it('accepts a correct gradient and reports its error', async () => {
    const x = tensor([0.3, -1.2, 2.0], [3], { requiresGrad: true });
    const r = await gradcheck((t) => t.mul(t).mul(t).sum(), [x]);
    expect(r.ok).toBe(true);
    expect(r.checked).toBe(3);
    expect(r.maxAbsError).toBeLessThan(1e-6);
  });

  it('rejects a wrong gradient and shows analytic vs numeric', async () => {
    const x = tensor([0.5, -2], [2], { requiresGrad: true });
    const r = await gradcheck((t) => wrongCube(t).sum(), [x]);
    expect(r.ok).toBe(false);
    // d/dx x^3 at 0.5 is 0.75; the wrong backward gives 0.5.
    expect(r.failures[0].analytic).toBeCloseTo(0.5, 9);
    expect(r.failures[0].numeric).toBeCloseTo(0.75, 6);
  });

  it('gives back every tensor it makes', async () => {
    const x = tensor([0.1, 0.2, 0.3, 0.4], [2, 2], { requiresGrad: true });
    const before = liveTensorCount();
    await gradcheck((t) => t.exp().mul(t).sum(1), [x]);
    expect(liveTensorCount()).toBe(before);
  });
});
