/**
 * The base of every layer and model, as torch.nn.Module. Parameters, buffers and child modules
 * are registered explicitly by name (`registerParameter`, `registerBuffer`, `registerModule`),
 * in the order PyTorch registers them, so state-dict keys and their order are PyTorch's
 * (`feature_extractor.0.weight`). Layers read their tensors back through the registry, so a
 * `to(device)` or a loaded state dict is seen everywhere.
 */
import type { DeviceName } from '../backend.ts';
import { noGrad } from '../autograd.ts';
import { sameShape } from '../shape.ts';
import { Tensor, keep } from '../tensor.ts';

/** Name -> tensor, in registration order (Map), or a plain record (e.g. parsed from JSON). */
export type StateDict = Map<string, Tensor>;
export type StateDictInput = Map<string, Tensor> | Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** Every key of the module must be in the dict and nothing else (PyTorch's default). */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

const NAME_RE = /^[^.]+$/;

export class Module {
  /** Train mode (dropout active, batch norm on batch statistics) or eval mode. */
  training = true;
  private readonly parametersByName = new Map<string, Tensor | null>();
  private readonly buffersByName = new Map<string, Tensor | null>();
  private readonly modulesByName = new Map<string, Module>();

  private checkName(kind: string, name: string): void {
    if (!NAME_RE.test(name) || name === '') throw new Error(`${this.constructor.name}: invalid ${kind} name '${name}' (no dots, not empty)`);
    const taken = this.parametersByName.has(name) || this.buffersByName.has(name) || this.modulesByName.has(name);
    if (taken) throw new Error(`${this.constructor.name}: '${name}' is already registered`);
  }

  /**
   * Adds a learnable tensor. It becomes a leaf that requires grad, exempt from `tidy`. Null
   * registers the name with no tensor (PyTorch's `bias=None`): it is absent from the state dict.
   */
  registerParameter(name: string, t: Tensor | null): Tensor | null {
    this.checkName('parameter', name);
    this.parametersByName.set(name, t ? asParameter(t) : null);
    return this.parametersByName.get(name) ?? null;
  }

  /** Adds a non-learnable state tensor (running statistics); it is saved in the state dict. */
  registerBuffer(name: string, t: Tensor | null): Tensor | null {
    this.checkName('buffer', name);
    this.buffersByName.set(name, t ? keep(t) : null);
    return t;
  }

  registerModule<M extends Module>(name: string, m: M): M {
    this.checkName('module', name);
    if (!(m instanceof Module)) throw new Error(`${this.constructor.name}: '${name}' is not a Module`);
    this.modulesByName.set(name, m);
    return m;
  }

  /** A registered parameter by name (throws if absent; null if registered as none). */
  getParameter(name: string): Tensor | null {
    if (!this.parametersByName.has(name)) throw new Error(`${this.constructor.name} has no parameter '${name}'`);
    return this.parametersByName.get(name) ?? null;
  }

  getBuffer(name: string): Tensor | null {
    if (!this.buffersByName.has(name)) throw new Error(`${this.constructor.name} has no buffer '${name}'`);
    return this.buffersByName.get(name) ?? null;
  }

  getModule(name: string): Module {
    const m = this.modulesByName.get(name);
    if (!m) throw new Error(`${this.constructor.name} has no submodule '${name}'`);
    return m;
  }

  /** Replaces a buffer's tensor (batch norm's counters, device moves). */
  protected setBuffer(name: string, t: Tensor): void {
    if (!this.buffersByName.has(name)) throw new Error(`${this.constructor.name} has no buffer '${name}'`);
    this.buffersByName.set(name, keep(t));
  }

  /** Direct children, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.modulesByName];
  }

  children(): Module[] {
    return [...this.modulesByName.values()];
  }

  /** This module and every descendant, depth first (PyTorch's named_modules), each once. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (m: Module, name: string) => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [k, c] of m.modulesByName) visit(c, name ? `${name}.${k}` : k);
    };
    visit(this, prefix);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  private namedTensors(kind: 'parameters' | 'buffers'): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      const own = kind === 'parameters' ? m.parametersByName : m.buffersByName;
      for (const [k, t] of own) {
        if (!t || seen.has(t)) continue;
        seen.add(t);
        out.push([prefix ? `${prefix}.${k}` : k, t]);
      }
    }
    return out;
  }

  /** Every parameter with its dotted name, each once (a shared parameter under its first name). */
  namedParameters(): [string, Tensor][] {
    return this.namedTensors('parameters');
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  namedBuffers(): [string, Tensor][] {
    return this.namedTensors('buffers');
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /**
   * Parameters and buffers by dotted name, in PyTorch's order: a module's own parameters, then
   * its own buffers, then each child's entries. The tensors are the live ones (as PyTorch).
   */
  stateDict(): StateDict {
    const out: StateDict = new Map();
    const visit = (m: Module, prefix: string) => {
      for (const [k, t] of m.parametersByName) if (t) out.set(prefix + k, t);
      for (const [k, t] of m.buffersByName) if (t) out.set(prefix + k, t);
      for (const [k, c] of m.modulesByName) visit(c, `${prefix}${k}.`);
    };
    visit(this, '');
    return out;
  }

  /**
   * Copies values into the existing parameters and buffers, in place (so an optimizer built on
   * them keeps working). Shapes must match; with `strict` (the default) the keys must match too.
   * Nothing is changed unless every check passes.
   */
  loadStateDict(dict: StateDictInput, opts: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = opts.strict ?? true;
    const source = dict instanceof Map ? dict : new Map(Object.entries(dict));
    const own = this.stateDict();
    const missingKeys = [...own.keys()].filter((k) => !source.has(k));
    const unexpectedKeys = [...source.keys()].filter((k) => !own.has(k));
    const where = `${this.constructor.name}.loadStateDict`;
    const problems: string[] = [];
    for (const [k, target] of own) {
      const src = source.get(k);
      if (!src) continue;
      if (!(src instanceof Tensor)) problems.push(`'${k}' is not a tensor`);
      else if (!sameShape(src.shape, target.shape)) problems.push(`size mismatch for '${k}': copying a param with shape [${src.shape}], the shape in the current model is [${target.shape}]`);
    }
    if (strict) {
      if (missingKeys.length) problems.push(`missing keys: ${missingKeys.map((k) => `'${k}'`).join(', ')}`);
      if (unexpectedKeys.length) problems.push(`unexpected keys: ${unexpectedKeys.map((k) => `'${k}'`).join(', ')}`);
    }
    if (problems.length) throw new Error(`${where}: ${problems.join('; ')}`);
    noGrad(() => {
      for (const [k, target] of own) {
        const src = source.get(k);
        if (src) target.copy_(src);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Sets train mode on this module and every descendant. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /**
   * Moves every parameter and buffer to `device`. Parameters stay leaves that require grad
   * (new tensors: build optimizers after moving, as in PyTorch); gradients move with them.
   */
  to(device: DeviceName): this {
    const moved = new Map<Tensor, Tensor>();
    const move = (t: Tensor, param: boolean): Tensor => {
      const done = moved.get(t);
      if (done) return done;
      if (t.device === device) return t;
      const n = keep(t.to(device));
      n.requiresGrad = param;
      if (param && t.grad) {
        n.grad = keep(t.grad.to(device));
        n.grad.isLeafGrad = true;
        t.grad.isLeafGrad = false;
        t.grad.dispose();
        t.grad = null;
      }
      n.name = t.name;
      moved.set(t, n);
      t.dispose();
      return n;
    };
    for (const m of this.modules()) {
      for (const [k, t] of m.parametersByName) if (t) m.parametersByName.set(k, move(t, true));
      for (const [k, t] of m.buffersByName) if (t) m.buffersByName.set(k, move(t, false));
    }
    return this;
  }

  /** Sets every parameter's gradient to null (zero_grad(set_to_none=True)). */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      if (p.grad) {
        p.grad.isLeafGrad = false;
        p.grad.dispose();
        p.grad = null;
      }
    }
  }

  /** Number of learnable values. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  forward(input: Tensor): Tensor {
    void input;
    throw new Error(`${this.constructor.name} does not implement forward()`);
  }

  /** PyTorch's module(x). */
  call(input: Tensor): Tensor {
    return this.forward(input);
  }

  /** One line per module, like printing a torch module. */
  toString(): string {
    const lines = this.namedChildren().map(([k, c]) => `  (${k}): ${c.toString().replace(/\n/g, '\n  ')}`);
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    return lines.length ? `${head}\n${lines.join('\n')}\n)` : `${head})`;
  }

  /** The constructor arguments shown by `toString`. */
  extraRepr(): string {
    return '';
  }
}

/** A leaf that requires grad, exempt from tidy (PyTorch's nn.Parameter). */
export function asParameter(t: Tensor): Tensor {
  const p = t.isLeaf ? t : t.detach();
  p.requiresGrad = true;
  return keep(p);
}

/** A required parameter (registered non-null). */
export function requireParameter(m: Module, name: string): Tensor {
  const p = m.getParameter(name);
  if (!p) throw new Error(`${m.constructor.name}: parameter '${name}' is not set`);
  return p;
}
