/**
 * Runs a PyTorch reference case (tests/fixtures/torch/*.json, written by the scripts beside them)
 * on any backend: builds the inputs, applies the op, backpropagates the case's upstream gradient,
 * and returns the output and input gradients for comparison. Browser-safe: the WebGPU suites
 * reuse it.
 */
import { Tensor, tensor, type DeviceName } from '../../engine/index.ts';

export interface TensorJson {
  shape: number[];
  data: number[];
}

export interface TorchCase {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: Record<string, TensorJson & { requiresGrad: boolean }>;
  upstream: TensorJson;
  output: TensorJson;
  grads: Record<string, TensorJson>;
}

export interface TorchFixture {
  generator: string;
  cases: TorchCase[];
}

/** Maps a case's inputs and args to the op's output, in hypnograd's API. */
export type OpRunner = (inputs: Record<string, Tensor>, args: Record<string, unknown>) => Tensor;

export interface CaseResult {
  output: Float64Array;
  outputShape: readonly number[];
  grads: Record<string, Float64Array>;
}

export async function runTorchCase(c: TorchCase, run: OpRunner, device: DeviceName = 'cpu'): Promise<CaseResult> {
  const inputs: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.inputs)) {
    inputs[k] = tensor(v.data, v.shape, { device, requiresGrad: v.requiresGrad });
  }
  const out = run(inputs, c.args);
  const grads: Record<string, Float64Array> = {};
  if (Object.keys(c.grads).length) {
    out.backward(tensor(c.upstream.data, c.upstream.shape, { device }));
    for (const k of Object.keys(c.grads)) {
      const g = inputs[k].grad;
      if (!g) throw new Error(`${c.name}: no gradient reached input '${k}'`);
      grads[k] = await g.data();
    }
  }
  const result = { output: await out.data(), outputShape: out.shape, grads };
  out.dispose();
  for (const t of Object.values(inputs)) {
    t.grad?.dispose();
    t.dispose();
  }
  return result;
}

/** Largest |a - b| / (atol + rtol |b|); <= 1 means within tolerance. */
export function toleranceRatio(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol = 0): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    const bound = atol + rtol * Math.abs(expected[i]);
    if (Number.isNaN(actual[i]) !== Number.isNaN(expected[i])) return Infinity;
    if (err === 0) continue;
    worst = Math.max(worst, bound === 0 ? Infinity : err / bound);
  }
  return worst;
}
