/**
 * Which kernels each op of a step actually dispatched on its device: what the app's internals
 * view shows beside the static table of introspect/kernels.ts (which lists what an op *may*
 * run). The backend reports every dispatch (Backend.observeDispatches: WebGPU does, the CPU has
 * no kernels); autograd's record() marks where each op's forward ends, so the dispatches since the
 * previous op's end belong to it. Backward kernels are attributed by graph.ts's traceBackward,
 * which runs each op's backward function on its own.
 *
 * The attribution at an op's end: recorded (part of the graph), or run with gradients on but
 * no input needing one (outside the graph: class weights, masks), the op takes the dispatches
 * since the previous end. Run under noGrad inside another op's forward (avgPool2d's divisor),
 * it leaves them to that op, whose record() comes later.
 */
import { getBackend, type Backend, type DeviceName, type DispatchedKernel } from '../backend.ts';
import { isGradEnabled, setOpEndListener } from '../autograd.ts';
import type { Tensor } from '../tensor.ts';

export interface ForwardKernels<T> {
  result: T;
  /** Kernels each op dispatched in its forward, by the id of the op's output tensor. */
  byOutput: Map<number, DispatchedKernel[]>;
  /** False where the backend reports no dispatches (the CPU: no kernels to list). */
  observed: boolean;
}

/** Runs `forward` (synchronous ops on `device`) and attributes each dispatched kernel to the op that ran it. */
export function traceForwardKernels<T>(device: DeviceName | Backend, forward: () => T): ForwardKernels<T> {
  const backend = typeof device === 'string' ? getBackend(device) : device;
  const byOutput = new Map<number, DispatchedKernel[]>();
  if (!backend.observeDispatches) return { result: forward(), byOutput, observed: false };
  let pending: DispatchedKernel[] = [];
  const stop = backend.observeDispatches((k) => pending.push(k));
  const previous = setOpEndListener((out: Tensor, recorded: boolean) => {
    if (!recorded && !isGradEnabled()) return;
    byOutput.set(out.id, [...(byOutput.get(out.id) ?? []), ...pending]);
    pending = [];
  });
  try {
    return { result: forward(), byOutput, observed: true };
  } finally {
    setOpEndListener(previous);
    stop();
  }
}

/**
 * Runs `fn` and returns the kernels it dispatched on `backend` (empty where the backend reports
 * none). traceBackward uses it around each op's backward function.
 */
export function collectKernels<T>(backend: Backend, fn: () => T): { result: T; kernels: DispatchedKernel[] } {
  const kernels: DispatchedKernel[] = [];
  const stop = backend.observeDispatches?.((k) => kernels.push(k));
  try {
    return { result: fn(), kernels };
  } finally {
    stop?.();
  }
}
