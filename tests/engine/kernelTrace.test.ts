/**
 * Attributing dispatched kernels to ops (engine/introspect/kernelTrace.ts and traceBackward), on
 * a stand-in backend that reports each compute call of the float64 CPU backend as a dispatch
 * named after the call. What the app's internals view lists per op on WebGPU comes from this.
 */
import { describe, expect, it } from 'vitest';
import { F, extractGraph, registerBackend, tensor, tidy, traceBackward, traceForwardKernels, type Backend, type DispatchedKernel, type Tensor } from '../../engine/index.ts';
import { cpuBackend } from '../../engine/backends/cpu/index.ts';

/** Memory and sync calls are not kernels. */
const NOT_KERNELS = new Set(['name', 'upload', 'alloc', 'read', 'readSync', 'release', 'copyInto', 'flush', 'observeDispatches']);

function reportingBackend(): Backend {
  const listeners = new Set<(k: DispatchedKernel) => void>();
  let seq = 0;
  const b: Record<string, unknown> = { ...cpuBackend, name: 'webgpu' };
  for (const [key, value] of Object.entries(cpuBackend)) {
    if (NOT_KERNELS.has(key) || typeof value !== 'function') continue;
    b[key] = (...args: unknown[]) => {
      const result = (value as (...a: unknown[]) => unknown)(...args);
      const k = { seq: ++seq, name: key, file: `${key}.wgsl`, code: '' };
      for (const l of listeners) l(k);
      return result;
    };
  }
  b.observeDispatches = (l: (k: DispatchedKernel) => void) => {
    listeners.add(l);
    return () => void listeners.delete(l);
  };
  return b as unknown as Backend;
}

registerBackend(reportingBackend());
const on = { device: 'webgpu' as const };
const names = (ks: DispatchedKernel[] | undefined) => (ks ?? []).map((k) => k.name);

describe('kernels dispatched per op', () => {
  it('gives each op the kernels its forward dispatched, and each backward its own', () => {
    const x = tensor([1, -2, 3, -4], [2, 2], { ...on, requiresGrad: true });
    const w = tensor([0.5, 0.5, 2, 2], [2, 2], { ...on, requiresGrad: true });
    tidy(() => {
      const { result: loss, byOutput, observed } = traceForwardKernels('webgpu', () => F.relu(x.mul(w)).sum());
      expect(observed).toBe(true);
      const graph = extractGraph(loss);
      expect(graph.ops.map((o) => o.name)).toEqual(['mul', 'relu', 'sum']);
      expect(graph.ops.map((o) => names(byOutput.get(o.output)))).toEqual([['binary'], ['unary'], ['sum']]);
      const trace = traceBackward(loss, graph);
      const byOp = new Map(trace.map((e) => [graph.ops[e.op].name, names(e.kernels)]));
      // sum's backward broadcasts (zeros + g), relu's masks, mul's multiplies by each other input.
      expect(byOp.get('sum')).toEqual(['binary']);
      expect(byOp.get('relu')).toEqual(['unaryBackward']);
      expect(byOp.get('mul')).toEqual(['binary', 'binary']);
    });
    for (const t of [x, w]) {
      t.grad?.dispose();
      t.dispose();
    }
  });

  it('keeps work outside the graph away from the next op, and gives an op the noGrad work inside it', () => {
    const x = tensor(Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4], { ...on, requiresGrad: true });
    const a = tensor([1, 2], [2], on);
    tidy(() => {
      const { result, byOutput } = traceForwardKernels('webgpu', () => {
        // Needs no gradient: its kernel belongs to it, not to the pool that follows.
        const outside: Tensor = a.mul(a);
        const pooled = F.avgPool2d(x, 3, { padding: 1, countIncludePad: false });
        return { outside, pooled };
      });
      expect(names(byOutput.get(result.outside.id))).toEqual(['binary']);
      // avgPool2d pools, pools a plane of ones for the divisor, then divides (under noGrad).
      expect(names(byOutput.get(result.pooled.id))).toEqual(['avgPool2d', 'avgPool2d', 'binary']);
      return result.pooled;
    }).dispose();
    x.dispose();
    a.dispose();
  });

  it('observes nothing on a backend without kernels', () => {
    const r = traceForwardKernels('cpu', () => tensor([1, 2]).mul(2));
    expect(r.observed).toBe(false);
    expect(r.byOutput.size).toBe(0);
    r.result.dispose();
  });
});
