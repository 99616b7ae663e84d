/**
 * Reverse-mode automatic differentiation over a dynamic graph, as PyTorch's autograd does it:
 * every op run on a tensor that requires grad records a node holding its local backward
 * function; `backward()` walks the nodes in reverse topological order, accumulates into the
 * leaves' `.grad`, then frees the graph.
 */
import { Tensor, keep, onesLike, tidy, type GradNode } from './tensor.ts';

export type { GradNode, SavedTensor } from './tensor.ts';

let gradEnabled = true;

/**
 * Told where each op's forward ends (every op calls record() last), recorded or not; set only
 * while introspect/kernelTrace.ts attributes dispatched kernels to ops.
 */
export type OpEndListener = (out: Tensor, recorded: boolean) => void;
let opEndListener: OpEndListener | null = null;

/** Installs `listener` (null: none) and returns the one it replaces. */
export function setOpEndListener(listener: OpEndListener | null): OpEndListener | null {
  const previous = opEndListener;
  opEndListener = listener;
  return previous;
}

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording a graph (torch.no_grad()). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Attaches a node to `out` when any input takes part in autograd. `saved` are the tensors the
 * backward reads; their versions are remembered so an in-place change is caught, not silently
 * differentiated wrongly.
 */
export function record(
  name: string,
  inputs: readonly Tensor[],
  out: Tensor,
  backward: (grad: Tensor) => (Tensor | null)[],
  saved: readonly Tensor[] = inputs,
): Tensor {
  const recorded = gradEnabled && inputs.some((t) => t.requiresGrad);
  opEndListener?.(out, recorded);
  if (!recorded) return out;
  out.requiresGrad = true;
  out.gradFn = {
    name,
    inputs,
    backward,
    saved: saved.map((tensor) => ({ tensor, version: tensor.version })),
  };
  return out;
}

/** Tensors in the order backward() visits them (the root first), following only inputs that require grad. */
export function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative DFS: a long chain of ops must not overflow the JS stack.
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (visited.has(t)) continue;
    visited.add(t);
    stack.push([t, true]);
    for (const input of t.gradFn?.inputs ?? []) if (input.requiresGrad && !visited.has(input)) stack.push([input, false]);
  }
  return order.reverse();
}

function accumulate(leaf: Tensor, grad: Tensor): void {
  if (grad.shape.length !== leaf.shape.length || grad.shape.some((d, i) => d !== leaf.shape[i])) {
    throw new Error(`internal: gradient of shape [${grad.shape}] for ${leaf.describe()}`);
  }
  let g = grad;
  // A gradient that is another leaf's, or a view sharing storage (reshape's backward), is
  // copied: two leaves' .grad must never alias, or an in-place change to one would change both.
  if (g.isLeafGrad || g.storageRef.refs > 1) g = noGrad(() => g.clone());
  if (leaf.grad) {
    const prev = leaf.grad;
    g = noGrad(() => prev.add(g));
    prev.isLeafGrad = false;
    prev.dispose();
  }
  g.isLeafGrad = true;
  leaf.grad = keep(g);
}

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again. */
  retainGraph?: boolean;
}

/** Computes d(root)/d(leaf) for every leaf that requires grad and adds it to `leaf.grad`. */
export function backward(root: Tensor, gradient?: Tensor, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new Error(`backward(): ${root.describe()} does not require grad and has no grad_fn`);
  }
  if (!gradient && root.size !== 1) {
    throw new Error(`backward(): grad can be implicitly created only for scalar outputs; ${root.describe()} has ${root.size} elements: pass a gradient of the same shape`);
  }
  if (gradient && gradient.size !== root.size) {
    throw new Error(`backward(): gradient of shape [${gradient.shape}] does not match output ${root.describe()}`);
  }
  const order = topologicalOrder(root);
  tidy(() =>
    noGrad(() => {
      const grads = new Map<Tensor, Tensor>();
      grads.set(root, gradient ? gradient.reshape(root.shape) : onesLike(root));
      for (const t of order) {
        const g = grads.get(t);
        if (!g) continue;
        const node = t.gradFn;
        if (!node) {
          if (t.requiresGrad) accumulate(t, g);
          continue;
        }
        if (!node.backward) {
          throw new Error(
            `backward(): trying to backward through the graph a second time (through '${node.name}'); its saved tensors were freed: pass { retainGraph: true } to the first backward`,
          );
        }
        for (const s of node.saved) {
          if (s.tensor.version !== s.version) {
            throw new Error(
              `backward(): a tensor needed by '${node.name}' (${s.tensor.describe()}) was modified by an in-place operation: it is at version ${s.tensor.version}, expected version ${s.version}`,
            );
          }
        }
        const inputGrads = node.backward(g);
        node.inputs.forEach((input, i) => {
          const ig = inputGrads[i];
          if (!ig || !input.requiresGrad) return;
          const prev = grads.get(input);
          grads.set(input, prev ? prev.add(ig) : ig);
        });
        if (!opts.retainGraph) {
          node.backward = null;
          node.saved = [];
        }
      }
    }),
  );
}
