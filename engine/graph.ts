/**
 * The computational graph behind a result, read from the autograd nodes (`gradFn`) without
 * touching autograd: every recorded op with its input and output shapes, in forward order (the
 * order the ops ran: tensor ids grow as tensors are made, and an op's output is made after its
 * inputs) and in the order `backward()` visits them (the same reverse topological order
 * autograd computes), each with its source file and WGSL kernels (introspect/kernels.ts).
 *
 * Only ops that recorded a node appear: work on tensors that need no gradient (reshaping the
 * input batch, summing class weights) is not part of the graph, as in PyTorch.
 *
 * The graph survives `backward()` (which frees only the saved tensors and backward functions)
 * and `tidy` (a disposed tensor keeps its shape), so it can be read after a training step.
 */
// backward() itself walks topologicalOrder, so the order shown is the order it runs (traceBackward checks it).
import { backward, topologicalOrder, type BackwardOptions } from './autograd.ts';
import type { Module } from './nn/module.ts';
import type { Tensor } from './tensor.ts';
import { OP_KERNELS } from './introspect/kernels.ts';
import { collectKernels } from './introspect/kernelTrace.ts';
import type { DispatchedKernel } from './backend.ts';

export { OP_KERNELS, STEP_KERNELS, opKernels, allKernelFiles, shaderHeader } from './introspect/kernels.ts';
export { traceForwardKernels, type ForwardKernels } from './introspect/kernelTrace.ts';
export type { OpKernels } from './introspect/kernels.ts';

/**
 * - activation: made by a recorded op;
 * - parameter: a leaf that requires grad (a weight);
 * - constant: needs no gradient (the input batch, targets, class weights, or a tensor computed
 *   from those without recording).
 */
export type GraphTensorKind = 'activation' | 'parameter' | 'constant';

export interface GraphTensor {
  id: number;
  shape: number[];
  /** A state-dict name for parameters when a model was given, the tensor's own name, or ''. */
  name: string;
  kind: GraphTensorKind;
  /** Index (forward order) of the op that made it; null for leaves and constants. */
  producer: number | null;
}

export interface GraphOp {
  /** Position in forward order. */
  index: number;
  name: string;
  /** Tensor ids, in the op's argument order. */
  inputs: number[];
  output: number;
  inputShapes: number[][];
  outputShape: number[];
  /** Position in the order `backward()` runs the nodes (0 = first). */
  backwardStep: number;
  /** Defining file, relative to the repository root ('' for an op missing from the table). */
  source: string;
  forwardKernels: readonly string[];
  backwardKernels: readonly string[];
}

export interface StepGraph {
  /** In forward order. */
  ops: GraphOp[];
  /** Op indices in the order backward runs them. */
  backwardOrder: number[];
  /** Every tensor seen, by ascending id. */
  tensors: GraphTensor[];
  /** The id of the tensor the graph was read from (the loss). */
  root: number;
}

export interface ExtractGraphOptions {
  /** Labels parameters with their state-dict names. */
  model?: Module;
  /** Extra labels (e.g. { input: x, target: y }). */
  names?: Record<string, Tensor>;
}

/** Every tensor reachable from `root` through recorded nodes, constants included. */
function reachable(root: Tensor): Tensor[] {
  const seen = new Set<Tensor>([root]);
  const stack = [root];
  while (stack.length) {
    const t = stack.pop()!;
    for (const input of t.gradFn?.inputs ?? []) {
      if (!seen.has(input)) {
        seen.add(input);
        stack.push(input);
      }
    }
  }
  return [...seen].sort((a, b) => a.id - b.id);
}

export function extractGraph(root: Tensor, opts: ExtractGraphOptions = {}): StepGraph {
  if (!root.gradFn) throw new Error(`extractGraph: ${root.describe()} has no grad_fn (was it computed from tensors that require grad, outside noGrad?)`);
  const labels = new Map<Tensor, string>();
  for (const [name, p] of opts.model?.namedParameters() ?? []) labels.set(p, name);
  for (const [name, t] of Object.entries(opts.names ?? {})) labels.set(t, name);
  const all = reachable(root);
  const producers = all.filter((t) => t.gradFn);
  const opIndex = new Map<Tensor, number>();
  producers.forEach((t, i) => opIndex.set(t, i));
  const backwardOrder = topologicalOrder(root).flatMap((t) => (t.gradFn ? [opIndex.get(t)!] : []));
  const backwardStep = new Map<number, number>();
  backwardOrder.forEach((op, step) => backwardStep.set(op, step));
  const ops: GraphOp[] = producers.map((t, index) => {
    const node = t.gradFn!;
    const k = OP_KERNELS[node.name];
    return {
      index,
      name: node.name,
      inputs: node.inputs.map((x) => x.id),
      output: t.id,
      inputShapes: node.inputs.map((x) => [...x.shape]),
      outputShape: [...t.shape],
      backwardStep: backwardStep.get(index) ?? -1,
      source: k?.source ?? '',
      forwardKernels: k?.forward ?? [],
      backwardKernels: k?.backward ?? [],
    };
  });
  const tensors: GraphTensor[] = all.map((t) => ({
    id: t.id,
    shape: [...t.shape],
    name: labels.get(t) ?? t.name,
    kind: t.gradFn ? 'activation' : t.requiresGrad ? 'parameter' : 'constant',
    producer: opIndex.get(t) ?? null,
  }));
  return { ops, backwardOrder, tensors, root: root.id };
}

export interface BackwardTraceEntry {
  /** The op's index in `graph.ops`. */
  op: number;
  name: string;
  /**
   * Host time of the node's backward function in ms. On the CPU backend that is the work; on
   * WebGPU it is only the time to encode the kernels (the GPU runs them later).
   */
  ms: number;
  /** The kernels the backward function dispatched, in order (none on the CPU backend). */
  kernels: DispatchedKernel[];
}

/**
 * Runs `backward()` on `root` with every node's backward function wrapped, and returns the
 * nodes in the order autograd actually ran them, each with its host time and the kernels it
 * dispatched (adding up the gradients of a tensor used twice is autograd's, not an op's, and is
 * not listed). The wrappers are removed again afterwards
 * (autograd frees them itself unless retainGraph is set).
 */
export function traceBackward(root: Tensor, graph: StepGraph = extractGraph(root), gradient?: Tensor, opts: BackwardOptions = {}): BackwardTraceEntry[] {
  const trace: BackwardTraceEntry[] = [];
  const byId = new Map<number, Tensor>();
  for (const t of reachable(root)) byId.set(t.id, t);
  const originals: [Tensor, NonNullable<NonNullable<Tensor['gradFn']>['backward']>, (g: Tensor) => (Tensor | null)[]][] = [];
  for (const op of graph.ops) {
    const t = byId.get(op.output);
    const node = t?.gradFn;
    if (!t || !node || !node.backward) continue;
    const original = node.backward;
    const wrapper = (g: Tensor) => {
      const t0 = performance.now();
      const { result, kernels } = collectKernels(t.backend, () => original(g));
      trace.push({ op: op.index, name: op.name, ms: performance.now() - t0, kernels });
      return result;
    };
    node.backward = wrapper;
    originals.push([t, original, wrapper]);
  }
  try {
    backward(root, gradient, opts);
  } finally {
    for (const [t, original, wrapper] of originals) {
      if (t.gradFn && t.gradFn.backward === wrapper) t.gradFn.backward = original;
    }
  }
  return trace;
}

/** One line per op in forward order, e.g. `3 conv2d [2,1,2,3000] [8,1,1,50] [8] -> [2,8,2,3001]`. */
export function formatGraph(graph: StepGraph): string[] {
  const shape = (s: readonly number[]) => `[${s.join(',')}]`;
  return graph.ops.map((op) => `${op.index} ${op.name} ${op.inputShapes.map(shape).join(' ')} -> ${shape(op.outputShape)}`);
}
