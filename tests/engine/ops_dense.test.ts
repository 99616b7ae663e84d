/**
 * The dense ops and losses against PyTorch 1.13 (tests/fixtures/torch/dense_loss.json, made by
 * tests/fixtures/scripts/make_torch_dense_loss.py): outputs and input gradients in float64.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { F } from '../../engine/index.ts';
import type { Reduction } from '../../engine/functional.ts';
import { runTorchCase, toleranceRatio, type OpRunner, type TorchFixture } from '../helpers/torchCases.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch/dense_loss.json', import.meta.url), 'utf8')) as TorchFixture;

const num = (a: Record<string, unknown>, k: string) => a[k] as number;
const dims = (a: Record<string, unknown>) => a.dim as number[] | undefined;

const runners: Record<string, OpRunner> = {
  add: ({ a, b }) => a.add(b),
  sub: ({ a, b }) => a.sub(b),
  mul: ({ a, b }) => a.mul(b),
  div: ({ a, b }) => a.div(b),
  addScalar: ({ a }, args) => a.add(num(args, 'scalar')),
  subScalar: ({ a }, args) => a.sub(num(args, 'scalar')),
  mulScalar: ({ a }, args) => a.mul(num(args, 'scalar')),
  divScalar: ({ a }, args) => a.div(num(args, 'scalar')),
  neg: ({ x }) => x.neg(),
  exp: ({ x }) => x.exp(),
  log: ({ x }) => x.log(),
  sqrt: ({ x }) => x.sqrt(),
  square: ({ x }) => x.square(),
  abs: ({ x }) => x.abs(),
  reciprocal: ({ x }) => x.reciprocal(),
  pow: ({ x }, args) => x.pow(num(args, 'exponent')),
  relu: ({ x }) => F.relu(x),
  elu: ({ x }, args) => F.elu(x, num(args, 'alpha')),
  sum: ({ x }, args) => x.sum(dims(args), args.keepdim as boolean | undefined),
  mean: ({ x }, args) => x.mean(dims(args), args.keepdim as boolean | undefined),
  reshape: ({ x }, args) => x.reshape(args.shape as number[]),
  permute: ({ x }, args) => x.permute(args.dims as number[]),
  transpose: ({ x }, args) => x.transpose(num(args, 'dim0'), num(args, 'dim1')),
  flatten: ({ x }, args) => x.flatten(num(args, 'startDim'), num(args, 'endDim')),
  unsqueeze: ({ x }, args) => x.unsqueeze(num(args, 'dim')),
  squeeze: ({ x }, args) => x.squeeze(num(args, 'dim')),
  expand: ({ x }, args) => x.expand(args.shape as number[]),
  matmul: ({ a, b }) => a.matmul(b),
  linear: ({ x, weight, bias }) => F.linear(x, weight, bias),
  softmax: ({ x }, args) => x.softmax(num(args, 'dim')),
  logSoftmax: ({ x }, args) => x.logSoftmax(num(args, 'dim')),
  nllLoss: ({ x, target, weight }, args) =>
    F.nllLoss(x, target, { weight, reduction: args.reduction as Reduction, ignoreIndex: args.ignoreIndex as number | undefined }),
  crossEntropy: ({ x, target, weight }, args) =>
    F.crossEntropy(x, target, {
      weight,
      reduction: args.reduction as Reduction,
      labelSmoothing: args.labelSmoothing as number,
      ignoreIndex: args.ignoreIndex as number | undefined,
    }),
  mseLoss: ({ a, b }, args) => F.mseLoss(a, b, { reduction: args.reduction as Reduction }),
};

// 1e-9 relative; an absolute floor far below any value's size covers outputs and gradients that are 0 up to rounding.
const RTOL = 1e-9;
const ATOL = 1e-12;

describe('dense ops and losses vs PyTorch 1.13 (float64)', () => {
  it('the fixture covers every op', () => {
    const ops = new Set(fixture.cases.map((c) => c.op));
    for (const op of Object.keys(runners)) expect(ops.has(op), op).toBe(true);
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
      const run = runners[c.op];
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

