/**
 * Finite-difference gradient check, as torch.autograd.gradcheck: for every element of every
 * input, the central difference (f(x+eps) - f(x-eps)) / 2eps of each output element is compared
 * with the gradient autograd computes. Runs in float64 on the CPU; on another device it checks
 * that device's own gradients (use a larger eps and tolerance for float32).
 */
import { Tensor, fromStorage, tensor, tidy } from './tensor.ts';
import { noGrad } from './autograd.ts';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

export interface GradcheckEntry {
  input: number;
  index: number;
  analytic: number;
  numeric: number;
}

export interface GradcheckResult {
  ok: boolean;
  /** Largest |analytic - numeric| - (atol + rtol |numeric|) found (<= 0 when ok). */
  worstExcess: number;
  maxAbsError: number;
  maxRelError: number;
  /** The first few mismatches. */
  failures: GradcheckEntry[];
  checked: number;
}

/**
 * `fn` maps the inputs to one tensor. Every input with requiresGrad is checked. Returns a
 * result rather than throwing, so the app can show analytic vs numeric values.
 */
export async function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): Promise<GradcheckResult> {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const values = await Promise.all(inputs.map((t) => t.data()));
  const make = (vals: Float64Array[], grad: boolean) =>
    inputs.map((t, i) => {
      const x = tensor(vals[i], t.shape, { device: t.device });
      x.requiresGrad = grad && t.requiresGrad;
      return x;
    });

  // Analytic: one backward per output element (the Jacobian row), with unit gradients.
  const probe = await evaluate(fn, make(values, false));
  const outSize = probe.length;
  const analytic: Float64Array[][] = [];
  for (let o = 0; o < outSize; o++) {
    const xs = make(values, true);
    const seed = new Float64Array(outSize);
    seed[o] = 1;
    // Forward and backward inside tidy: on WebGPU every intermediate is a GPU buffer to give back.
    tidy(() => {
      const out = fn(...xs);
      out.backward(fromStorage(out.backend.upload(seed), out.shape, out.backend));
    });
    analytic.push(await Promise.all(xs.map(async (x) => (x.grad ? x.grad.data() : new Float64Array(x.size)))));
    for (const x of xs) {
      x.grad?.dispose();
      x.dispose();
    }
  }

  const result: GradcheckResult = { ok: true, worstExcess: -Infinity, maxAbsError: 0, maxRelError: 0, failures: [], checked: 0 };
  for (let i = 0; i < inputs.length; i++) {
    if (!inputs[i].requiresGrad) continue;
    for (let j = 0; j < values[i].length; j++) {
      const plus = values.map((v) => Float64Array.from(v));
      const minus = values.map((v) => Float64Array.from(v));
      plus[i][j] += eps;
      minus[i][j] -= eps;
      const fp = await evaluate(fn, make(plus, false));
      const fm = await evaluate(fn, make(minus, false));
      for (let o = 0; o < outSize; o++) {
        const numeric = (fp[o] - fm[o]) / (2 * eps);
        const a = analytic[o][i][j];
        const err = Math.abs(a - numeric);
        const excess = err - (atol + rtol * Math.abs(numeric));
        result.checked++;
        result.maxAbsError = Math.max(result.maxAbsError, err);
        if (Math.abs(numeric) > atol) result.maxRelError = Math.max(result.maxRelError, err / Math.abs(numeric));
        result.worstExcess = Math.max(result.worstExcess, excess);
        if (excess > 0) {
          result.ok = false;
          if (result.failures.length < 10) result.failures.push({ input: i, index: j, analytic: a, numeric });
        }
      }
    }
  }
  return result;
}

async function evaluate(fn: (...inputs: Tensor[]) => Tensor, xs: Tensor[]): Promise<Float64Array> {
  const out = noGrad(() => tidy(() => fn(...xs)));
  const v = await out.data();
  out.dispose();
  xs.forEach((x) => x.dispose());
  return v;
}
