/**
 * WebGPU against the float64 CPU backend, op by op: the same seeded inputs go to both, the same
 * upstream gradient flows back, and the float32 outputs and input gradients must match the
 * float64 ones within a tolerance stated per op (float32 has 24 bits: ~6e-8 relative per
 * rounding; sums and dot products accumulate it, transcendental functions on GPUs are a few ULP).
 */
import type { DeviceName } from '../backend.ts';
import { Generator } from '../random.ts';
import { Tensor, tensor, tidy } from '../tensor.ts';
import { noGrad } from '../autograd.ts';
import * as F from '../functional.ts';
import { compareArrays, guarded, type Check } from './check.ts';
import { makeData, type InputSpec } from './inputs.ts';

export interface Tolerance {
  rtol: number;
  atol: number;
}

export interface ParityCase {
  name: string;
  inputs: InputSpec[];
  fn: (...xs: Tensor[]) => Tensor;
  /** Forward tolerance; gradients use `gradTol` when given. */
  tol: Tolerance;
  gradTol?: Tolerance;
}

/** Elementwise in float32: one rounding, a few ULP for transcendental functions. */
export const ELEMENTWISE: Tolerance = { rtol: 2e-6, atol: 1e-7 };
export const TRANSCENDENTAL: Tolerance = { rtol: 2e-5, atol: 1e-6 };
/** Sums, dot products, convolutions: rounding grows with the reduction length (<= a few hundred here). */
export const REDUCTION: Tolerance = { rtol: 1e-4, atol: 1e-5 };
export const LOSS: Tolerance = { rtol: 1e-4, atol: 1e-5 };

const n = (shape: number[], requiresGrad = true): InputSpec => ({ shape, requiresGrad });
const pos = (shape: number[]): InputSpec => ({ shape, kind: 'positive', requiresGrad: true });
const away = (shape: number[]): InputSpec => ({ shape, kind: 'awayFromZero', requiresGrad: true });
const cls = (count: number, classes: number): InputSpec => ({ shape: [count], kind: 'classes', classes, requiresGrad: false });

/** The foundation ops on their suites' kinds of shapes (broadcasts, several axes, batches, tiles). */
export const PARITY_CASES: ParityCase[] = [
  { name: 'neg', inputs: [n([3, 4])], fn: (x) => x.neg(), tol: ELEMENTWISE },
  { name: 'exp', inputs: [n([3, 4])], fn: (x) => x.exp(), tol: TRANSCENDENTAL },
  { name: 'log', inputs: [pos([3, 4])], fn: (x) => x.log(), tol: TRANSCENDENTAL },
  { name: 'sqrt', inputs: [pos([3, 4])], fn: (x) => x.sqrt(), tol: TRANSCENDENTAL },
  { name: 'abs', inputs: [away([3, 4])], fn: (x) => x.abs(), tol: ELEMENTWISE },
  { name: 'square', inputs: [n([3, 4])], fn: (x) => x.square(), tol: ELEMENTWISE },
  { name: 'reciprocal', inputs: [pos([3, 4])], fn: (x) => x.reciprocal(), tol: ELEMENTWISE },
  { name: 'relu', inputs: [away([3, 4])], fn: (x) => F.relu(x), tol: ELEMENTWISE },
  { name: 'elu', inputs: [away([3, 4])], fn: (x) => F.elu(x, 0.7), tol: TRANSCENDENTAL },
  { name: 'pow 3 (negative bases)', inputs: [n([3, 4])], fn: (x) => x.pow(3), tol: TRANSCENDENTAL },
  { name: 'pow 0.5', inputs: [pos([3, 4])], fn: (x) => x.pow(0.5), tol: TRANSCENDENTAL },
  { name: 'pow -2', inputs: [pos([3, 4])], fn: (x) => x.pow(-2), tol: TRANSCENDENTAL },
  { name: 'add [3,4] + [4]', inputs: [n([3, 4]), n([4])], fn: (a, b) => a.add(b), tol: ELEMENTWISE },
  { name: 'sub [2,1,4] - [3,1]', inputs: [n([2, 1, 4]), n([3, 1])], fn: (a, b) => a.sub(b), tol: ELEMENTWISE },
  { name: 'mul [2,3,4] * [1,3,1]', inputs: [n([2, 3, 4]), n([1, 3, 1])], fn: (a, b) => a.mul(b), tol: ELEMENTWISE },
  { name: 'div [3,4] / [3,1]', inputs: [n([3, 4]), pos([3, 1])], fn: (a, b) => a.div(b), tol: ELEMENTWISE },
  { name: 'scalar ops', inputs: [n([5])], fn: (a) => a.add(1.5).mul(-2).sub(0.25).div(3), tol: ELEMENTWISE },
  { name: 'add [] + [2,3]', inputs: [n([]), n([2, 3])], fn: (a, b) => a.add(b), tol: ELEMENTWISE },
  { name: 'sum all', inputs: [n([3, 4, 5])], fn: (x) => x.sum(), tol: REDUCTION },
  { name: 'sum dim 1 keepdim', inputs: [n([3, 4, 5])], fn: (x) => x.sum(1, true), tol: REDUCTION },
  { name: 'sum dims [0, 2]', inputs: [n([3, 4, 5])], fn: (x) => x.sum([0, 2]), tol: REDUCTION },
  { name: 'sum long rows (workgroup sum)', inputs: [n([4, 300])], fn: (x) => x.sum(1), tol: REDUCTION },
  { name: 'sum long columns', inputs: [n([300, 3])], fn: (x) => x.sum(0), tol: REDUCTION },
  { name: 'mean dim -1', inputs: [n([2, 3, 4])], fn: (x) => x.mean(-1), tol: REDUCTION },
  { name: 'permute [2,0,1]', inputs: [n([2, 3, 4])], fn: (x) => x.permute([2, 0, 1]).mul(x.permute([2, 0, 1])), tol: ELEMENTWISE },
  { name: 'transpose(1, 2) of [2,3,4,5]', inputs: [n([2, 3, 4, 5])], fn: (x) => x.transpose(1, 2).exp(), tol: TRANSCENDENTAL },
  { name: 'expand [3,1] -> [2,3,4]', inputs: [n([3, 1])], fn: (x) => x.expand([2, 3, 4]).square(), tol: ELEMENTWISE },
  { name: 'reshape/flatten', inputs: [n([2, 3, 4])], fn: (x) => x.reshape([6, 4]).flatten().square(), tol: ELEMENTWISE },
  { name: 'matmul [5,7] @ [7,3]', inputs: [n([5, 7]), n([7, 3])], fn: (a, b) => F.matmul(a, b), tol: REDUCTION },
  { name: 'matmul [2,3,20] @ [2,20,17] (tile edges)', inputs: [n([2, 3, 20]), n([2, 20, 17])], fn: (a, b) => F.matmul(a, b), tol: REDUCTION },
  { name: 'matmul batch broadcast [2,5,7] @ [7,3]', inputs: [n([2, 5, 7]), n([7, 3])], fn: (a, b) => F.matmul(a, b), tol: REDUCTION },
  { name: 'matmul [33,40] @ [40,35]', inputs: [n([33, 40]), n([40, 35])], fn: (a, b) => F.matmul(a, b), tol: REDUCTION },
  // The register-blocked kernel (outputs > 256): block edges (m, n, k not multiples of the
  // block or of 4, which also takes the scalar and subgroup-shuffle reads), vec4 reads along k
  // and along m / n (all multiples of 4), a broadcast batch, and 16 x 8 blocks (> 8192 outputs).
  // Their backward passes run the transposed layouts (transA, transB).
  { name: 'matmul [37,45] @ [45,29] (blocked, edges)', inputs: [n([37, 45]), n([45, 29])], fn: (a, b) => F.matmul(a, b), tol: REDUCTION },
  { name: 'matmul [2,36,44] @ [2,44,40] (blocked, vec4 reads)', inputs: [n([2, 36, 44]), n([2, 44, 40])], fn: (a, b) => F.matmul(a, b), tol: REDUCTION },
  { name: 'matmul batch broadcast [3,21,24] @ [24,52] (blocked)', inputs: [n([3, 21, 24]), n([24, 52])], fn: (a, b) => F.matmul(a, b), tol: REDUCTION },
  { name: 'matmul [100,64] @ [64,90] (16 x 8 blocks)', inputs: [n([100, 64]), n([64, 90])], fn: (a, b) => F.matmul(a, b), tol: REDUCTION },
  { name: 'matmul batch broadcast [2,50,33] @ [33,84] (16 x 8 blocks)', inputs: [n([2, 50, 33]), n([33, 84])], fn: (a, b) => F.matmul(a, b), tol: REDUCTION },
  { name: 'linear [70,36] -> 52 (blocked, transposed weight)', inputs: [n([70, 36]), n([52, 36]), n([52])], fn: (x, w, b) => F.linear(x, w, b), tol: REDUCTION },
  { name: 'linear [128,320] -> 5 (Chambon classifier)', inputs: [n([128, 320]), n([5, 320]), n([5])], fn: (x, w, b) => F.linear(x, w, b), tol: REDUCTION },
  { name: 'linear [4,10] -> 6', inputs: [n([4, 10]), n([6, 10]), n([6])], fn: (x, w, b) => F.linear(x, w, b), tol: REDUCTION },
  { name: 'logSoftmax dim 1 of [4,5]', inputs: [n([4, 5])], fn: (x) => F.logSoftmax(x, 1), tol: TRANSCENDENTAL },
  { name: 'logSoftmax dim 1 of [3,4,2]', inputs: [n([3, 4, 2])], fn: (x) => F.logSoftmax(x, 1), tol: TRANSCENDENTAL },
  { name: 'softmax dim -1 of [3,6]', inputs: [n([3, 6])], fn: (x) => F.softmax(x, -1), tol: TRANSCENDENTAL },
  { name: 'nllLoss mean', inputs: [n([6, 5]), cls(6, 5)], fn: (x, t) => F.nllLoss(F.logSoftmax(x, 1), t), tol: LOSS },
  {
    name: 'crossEntropy weighted',
    inputs: [n([8, 5]), cls(8, 5), { shape: [5], kind: 'positive' }],
    fn: (x, t, w) => F.crossEntropy(x, t, { weight: w }),
    tol: LOSS,
  },
  { name: 'crossEntropy sum, label smoothing 0.1', inputs: [n([6, 4]), cls(6, 4)], fn: (x, t) => F.crossEntropy(x, t, { reduction: 'sum', labelSmoothing: 0.1 }), tol: LOSS },
  { name: 'mseLoss', inputs: [n([4, 3]), n([4, 3])], fn: (a, b) => F.mseLoss(a, b), tol: LOSS },
  {
    name: 'conv2d [2,1,2,30] * [3,1,2,5] pad (0,2)',
    inputs: [n([2, 1, 2, 30]), n([3, 1, 2, 5]), n([3])],
    fn: (x, w, b) => F.conv2d(x, w, b, { padding: [0, 2] }),
    tol: REDUCTION,
  },
  {
    name: 'conv2d stride 2 dilation 2 groups 2',
    inputs: [n([1, 4, 7, 9]), n([4, 2, 3, 2]), n([4])],
    fn: (x, w, b) => F.conv2d(x, w, b, { stride: 2, dilation: 2, groups: 2, padding: 1 }),
    tol: REDUCTION,
  },
  {
    name: 'conv2dRelu [2,1,2,30] * [3,1,1,5] pad (0,2) (row path, ReLU in the kernel)',
    inputs: [n([2, 1, 2, 30]), n([3, 1, 1, 5]), n([3])],
    fn: (x, w, b) => F.conv2dRelu(x, w, b, { padding: [0, 2] }),
    tol: REDUCTION,
  },
  {
    name: 'conv2dRelu [2,3,2,40] * [8,3,2,9] pad (0,4) (row path, height folded, 8-channel block)',
    inputs: [n([2, 3, 2, 40]), n([8, 3, 2, 9]), n([8])],
    fn: (x, w, b) => F.conv2dRelu(x, w, b, { padding: [0, 4] }),
    tol: REDUCTION,
  },
  {
    name: 'conv2d activation relu, stride 2 (general path: conv2d then relu)',
    inputs: [n([1, 4, 7, 9]), n([4, 2, 3, 2]), n([4])],
    fn: (x, w, b) => F.conv2d(x, w, b, { stride: 2, groups: 2, padding: 1, activation: 'relu' }),
    tol: REDUCTION,
  },
  { name: 'conv1d activation relu, no bias', inputs: [n([2, 3, 20]), n([4, 3, 5])], fn: (x, w) => F.conv1d(x, w, null, { padding: 2, activation: 'relu' }), tol: REDUCTION },
  { name: 'conv1d [2,3,20] * [4,3,5]', inputs: [n([2, 3, 20]), n([4, 3, 5])], fn: (x, w) => F.conv1d(x, w, null, { padding: 2 }), tol: REDUCTION },
  { name: 'maxPool2d (1,4)', inputs: [n([2, 3, 2, 16])], fn: (x) => F.maxPool2d(x, [1, 4]), tol: ELEMENTWISE },
  { name: 'maxPool2d 3 stride 2 pad 1', inputs: [n([1, 2, 7, 7])], fn: (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }), tol: ELEMENTWISE },
  { name: 'maxPool1d 3', inputs: [n([2, 2, 12])], fn: (x) => F.maxPool1d(x, 3), tol: ELEMENTWISE },
  { name: 'avgPool2d 2', inputs: [n([2, 2, 6, 6])], fn: (x) => F.avgPool2d(x, 2), tol: ELEMENTWISE },
  { name: 'avgPool2d 3 stride 2 pad 1', inputs: [n([1, 2, 7, 5])], fn: (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1 }), tol: ELEMENTWISE },
  { name: 'clone', inputs: [n([2, 3])], fn: (x) => x.clone().mul(x), tol: ELEMENTWISE },
  { name: 'softplus beta 1.5', inputs: [n([3, 4])], fn: (x) => F.softplus(x.mul(4), 1.5), tol: TRANSCENDENTAL },
];

interface RunResult {
  output: Float64Array;
  shape: readonly number[];
  grads: (Float64Array | null)[];
}

async function runOn(device: DeviceName, c: ParityCase, data: Float64Array[], upstream: Float64Array | null): Promise<RunResult> {
  const xs = c.inputs.map((spec, i) => tensor(data[i], spec.shape, { device, requiresGrad: spec.requiresGrad ?? false }));
  try {
    const out = c.fn(...xs);
    const output = await out.data();
    const shape = out.shape;
    let grads: (Float64Array | null)[] = xs.map(() => null);
    if (upstream && out.requiresGrad) {
      tidy(() => out.backward(tensor(upstream, out.shape, { device })));
      grads = await Promise.all(xs.map((x) => (x.grad ? x.grad.data() : Promise.resolve(null))));
    }
    out.dispose();
    return { output, shape, grads };
  } finally {
    for (const x of xs) {
      x.grad?.dispose();
      x.dispose();
    }
  }
}

export async function runParityCase(c: ParityCase, seed: number): Promise<Check[]> {
  const g = new Generator(seed);
  const data = c.inputs.map((spec) => makeData(spec, g));
  // The output shape (for the upstream gradient) comes from a CPU probe.
  const probe = noGrad(() => {
    const xs = c.inputs.map((spec, i) => tensor(data[i], spec.shape));
    return c.fn(...xs).shape;
  });
  const upstream = makeData({ shape: [...probe] }, g);
  const cpu = await runOn('cpu', c, data, upstream);
  const gpu = await runOn('webgpu', c, data, upstream);
  const checks: Check[] = [];
  const shapeOk = cpu.shape.length === gpu.shape.length && cpu.shape.every((d, i) => d === gpu.shape[i]);
  checks.push({ name: `${c.name}: output shape`, ok: shapeOk, detail: `[${gpu.shape}] vs [${cpu.shape}]` });
  checks.push(compareArrays(`${c.name}: output`, gpu.output, cpu.output, c.tol.rtol, c.tol.atol));
  const gt = c.gradTol ?? c.tol;
  c.inputs.forEach((spec, i) => {
    if (!spec.requiresGrad) return;
    const a = gpu.grads[i];
    const e = cpu.grads[i];
    if (!a || !e) checks.push({ name: `${c.name}: grad ${i}`, ok: false, detail: `gradient missing (webgpu ${!!a}, cpu ${!!e})` });
    else checks.push(compareArrays(`${c.name}: grad ${i}`, a, e, gt.rtol, gt.atol));
  });
  return checks;
}

/** Every parity case; each failure is reported, none stops the rest. */
export async function opParitySuite(cases: ParityCase[] = PARITY_CASES): Promise<Check[]> {
  const out: Check[] = [];
  for (let i = 0; i < cases.length; i++) out.push(...(await guarded(cases[i].name, () => runParityCase(cases[i], 1000 + i))));
  return out;
}
