/**
 * The dense ops and losses against PyTorch 1.13 (tests/fixtures/torch/dense_loss.json, made by
 * tests/fixtures/scripts/make_torch_dense_loss.py): outputs and input gradients in float64.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runTorchCase, toleranceRatio, type TorchFixture } from '../helpers/torchCases.ts';
import { OP_RUNNERS } from '../helpers/opRunners.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch/dense_loss.json', import.meta.url), 'utf8')) as TorchFixture;

// 1e-9 relative; an absolute floor far below any value's size covers outputs and gradients that are 0 up to rounding.
const RTOL = 1e-9;
const ATOL = 1e-12;

describe('dense ops and losses vs PyTorch 1.13 (float64)', () => {
  it('the fixture covers every op', () => {
    // Every dense op the shared runner table knows has PyTorch cases (conv/pool ones live in conv_pool.json).
    const ops = new Set(fixture.cases.map((c) => c.op));
    const spatial = new Set(['conv1d', 'conv2d', 'maxPool1d', 'maxPool2d', 'avgPool2d']);
    for (const op of Object.keys(OP_RUNNERS)) if (!spatial.has(op)) expect(ops.has(op), op).toBe(true);
    expect(fixture.generator).toMatch(/^torch 1\.13/);
  });

  let worst = 0;
  let maxAbs = 0;
  let maxRel = 0;
  const track = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    for (let i = 0; i < b.length; i++) {
      const err = Math.abs(a[i] - b[i]);
      if (Number.isNaN(err)) continue;
      maxAbs = Math.max(maxAbs, err);
      if (Math.abs(b[i]) > 1e-6) maxRel = Math.max(maxRel, err / Math.abs(b[i]));
    }
  };
  for (const c of fixture.cases) {
    it(c.name, async () => {
      const run = OP_RUNNERS[c.op];
      expect(run, `runner for '${c.op}'`).toBeDefined();
      const r = await runTorchCase(c, run);
      expect([...r.outputShape]).toEqual(c.output.shape);
      const ratios = [toleranceRatio(r.output, c.output.data, RTOL, ATOL)];
      expect(ratios[0], `${c.name}: output`).toBeLessThanOrEqual(1);
      track(r.output, c.output.data);
      for (const [k, g] of Object.entries(c.grads)) {
        const ratio = toleranceRatio(r.grads[k], g.data, RTOL, ATOL);
        expect(ratio, `${c.name}: grad of ${k}`).toBeLessThanOrEqual(1);
        ratios.push(ratio);
        track(r.grads[k], g.data);
      }
      worst = Math.max(worst, ...ratios);
    });
  }
  it('reports the worst tolerance ratio', () => {
    // Printed so the margin is visible in the log; the per-case tests above are the assertions.
    console.log(`dense_loss: worst |err| / (atol + rtol |ref|) = ${worst.toExponential(2)}; max abs error ${maxAbs.toExponential(2)}, max rel error ${maxRel.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1);
  });
});

