/**
 * The engine's gradient checks (engine/selftest/gradchecks.ts: the same cases, inputs and
 * float32 tolerances the WebGPU self-test uses) on this browser's device, one op at a time. The
 * verdict is engine/gradcheck.ts's; beside it, every Jacobian entry's analytic and numeric
 * value, so the panel can show them.
 */
import { Generator, fromStorage, gradcheck, noGrad, tensor, tidy, type DeviceName, type GradcheckOptions, type Tensor } from '../../../engine/index.ts';
import { GRADCHECK_CASES, WEBGPU_GRADCHECK } from '../../../engine/selftest/gradchecks.ts';
import { makeData } from '../../../engine/selftest/inputs.ts';

export interface JacobianEntry {
  input: number;
  index: number;
  output: number;
  analytic: number;
  numeric: number;
  absError: number;
  /** absError / |numeric|, null where |numeric| <= atol (a relative error means nothing there). */
  relError: number | null;
  ok: boolean;
}

export interface OpGradcheck {
  name: string;
  ok: boolean;
  checked: number;
  maxAbsError: number;
  maxRelError: number;
  entries: JacobianEntry[];
  ms: number;
  error?: string;
}

/** float32 needs the self-test's large step and loose tolerances; the float64 CPU gets torch's. */
export function tolerances(device: DeviceName): Required<GradcheckOptions> {
  return device === 'webgpu' ? { ...WEBGPU_GRADCHECK } : { eps: 1e-6, atol: 1e-5, rtol: 1e-3 };
}

export const GRADCHECK_OPS = GRADCHECK_CASES.map((c) => c.name);

async function evaluate(fn: (...xs: Tensor[]) => Tensor, values: Float64Array[], shapes: number[][], device: DeviceName): Promise<Float64Array> {
  const xs = values.map((v, i) => tensor(v, shapes[i], { device }));
  const out = noGrad(() => tidy(() => fn(...xs)));
  const v = await out.data();
  out.dispose();
  xs.forEach((x) => x.dispose());
  return v;
}

async function jacobianEntries(fn: (...xs: Tensor[]) => Tensor, values: Float64Array[], shapes: number[][], grads: boolean[], device: DeviceName, tol: Required<GradcheckOptions>): Promise<JacobianEntry[]> {
  const nOut = (await evaluate(fn, values, shapes, device)).length;
  const analytic: Float64Array[][] = [];
  for (let o = 0; o < nOut; o++) {
    const xs = values.map((v, i) => tensor(v, shapes[i], { device, requiresGrad: grads[i] }));
    const out = fn(...xs);
    const seed = new Float64Array(nOut);
    seed[o] = 1;
    out.backward(fromStorage(out.backend.upload(seed), out.shape, out.backend));
    analytic.push(await Promise.all(xs.map(async (x) => (x.grad ? x.grad.data() : new Float64Array(x.size)))));
    xs.forEach((x) => {
      x.grad?.dispose();
      x.dispose();
    });
    out.dispose();
  }
  const entries: JacobianEntry[] = [];
  for (let i = 0; i < values.length; i++) {
    if (!grads[i]) continue;
    for (let j = 0; j < values[i].length; j++) {
      const plus = values.map((v) => Float64Array.from(v));
      const minus = values.map((v) => Float64Array.from(v));
      plus[i][j] += tol.eps;
      minus[i][j] -= tol.eps;
      const fp = await evaluate(fn, plus, shapes, device);
      const fm = await evaluate(fn, minus, shapes, device);
      for (let o = 0; o < nOut; o++) {
        const numeric = (fp[o] - fm[o]) / (2 * tol.eps);
        const a = analytic[o][i][j];
        const absError = Math.abs(a - numeric);
        entries.push({ input: i, index: j, output: o, analytic: a, numeric, absError, relError: Math.abs(numeric) > tol.atol ? absError / Math.abs(numeric) : null, ok: absError <= tol.atol + tol.rtol * Math.abs(numeric) });
      }
    }
  }
  return entries;
}

export async function runOpGradcheck(index: number, device: DeviceName): Promise<OpGradcheck> {
  const c = GRADCHECK_CASES[index];
  const t0 = performance.now();
  const tol = tolerances(device);
  // The self-test's inputs: the same generator seed per case.
  const g = new Generator(2000 + index);
  const values = c.inputs.map((spec) => makeData(spec, g));
  const shapes = c.inputs.map((spec) => spec.shape);
  const grads = c.inputs.map((spec) => spec.requiresGrad ?? false);
  const xs = values.map((v, i) => tensor(v, shapes[i], { device, requiresGrad: grads[i] }));
  try {
    const verdict = await gradcheck(c.fn, xs, tol);
    const entries = await jacobianEntries(c.fn, values, shapes, grads, device, tol);
    return { name: c.name, ok: verdict.ok && verdict.checked > 0, checked: verdict.checked, maxAbsError: verdict.maxAbsError, maxRelError: verdict.maxRelError, entries, ms: performance.now() - t0 };
  } catch (error) {
    return { name: c.name, ok: false, checked: 0, maxAbsError: NaN, maxRelError: NaN, entries: [], ms: performance.now() - t0, error: (error as Error).message };
  } finally {
    xs.forEach((x) => x.dispose());
  }
}
