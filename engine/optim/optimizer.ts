/**
 * The base of every optimizer, as torch.optim.Optimizer: parameter groups (each with its own
 * hyperparameters, changeable between steps, e.g. by a learning-rate schedule), per-parameter
 * state, `zeroGrad`, and a state dict in PyTorch's layout.
 *
 * State tensors live on their parameter's device and are `keep`-ed, so a `tidy` around a
 * training step never disposes them.
 */
import { Tensor, keep, tensor } from '../tensor.ts';
import { sameShape } from '../shape.ts';
import type { Backend } from '../backend.ts';

/** Hyperparameter values an optimizer may hold per group. */
export type HyperValue = number | boolean | readonly number[];

export type ParamGroup<H> = H & { params: Tensor[] };

/** A list of tensors, or a list of groups, each overriding some defaults. */
export type ParamsInput<H> = Iterable<Tensor> | (Partial<H> & { params: Iterable<Tensor> })[];

/** A parameter's state: tensors (momentum_buffer, exp_avg, ...) and counters (step). */
export type ParamState = Record<string, Tensor | number>;

/**
 * PyTorch's optimizer state_dict layout: `state` keyed by the parameter's index across all
 * groups (in order), and `paramGroups` holding each group's hyperparameters and those indices.
 * State tensors are the live ones (as PyTorch); `loadStateDict` copies.
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: (Record<string, HyperValue> & { params: number[] })[];
}

function isGroupList<H>(p: ParamsInput<H>): p is (Partial<H> & { params: Iterable<Tensor> })[] {
  return Array.isArray(p) && p.length > 0 && !(p[0] instanceof Tensor);
}

export abstract class Optimizer<H extends Record<string, HyperValue>> {
  readonly paramGroups: ParamGroup<H>[] = [];
  readonly defaults: H;
  protected readonly state = new Map<Tensor, ParamState>();

  constructor(params: ParamsInput<H>, defaults: H) {
    this.defaults = defaults;
    const groups = isGroupList(params) ? params : [{ params }];
    if (groups.length === 0) throw new Error(`${this.constructor.name}: got an empty parameter list`);
    for (const g of groups) this.addParamGroup(g as Partial<H> & { params: Iterable<Tensor> });
  }

  /** torch's add_param_group: unset hyperparameters take the defaults. */
  addParamGroup(group: Partial<H> & { params: Iterable<Tensor> }): void {
    const params = [...group.params];
    if (params.length === 0) throw new Error(`${this.constructor.name}: a parameter group has no parameters`);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new Error(`${this.constructor.name}: parameters must be tensors`);
      if (!p.isLeaf) throw new Error(`${this.constructor.name}: can't optimize a non-leaf tensor ${p.describe()}`);
      if (seen.has(p)) throw new Error(`${this.constructor.name}: parameter ${p.describe()} appears in more than one group`);
      seen.add(p);
    }
    const merged = { ...this.defaults } as Record<string, HyperValue>;
    for (const [k, v] of Object.entries(group)) if (k !== 'params' && v !== undefined) merged[k] = v as HyperValue;
    this.validate(merged as H);
    this.paramGroups.push({ ...(merged as H), params });
  }

  /** Throws on hyperparameters PyTorch rejects. */
  protected validate(_group: H): void {}

  /** Every parameter, in group order (the indices of the state dict). */
  get params(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** Sets every gradient to null and frees it (PyTorch's zero_grad(set_to_none=True)). */
  zeroGrad(): void {
    for (const p of this.params) {
      if (p.grad) {
        p.grad.isLeafGrad = false;
        p.grad.dispose();
        p.grad = null;
      }
    }
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    let backend: Backend | null = null;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (!p.grad) continue;
        if (p.grad.device !== p.device) throw new Error(`${this.constructor.name}: gradient of ${p.describe()} is on ${p.grad.device}, the parameter on ${p.device}`);
        if (!sameShape(p.grad.shape, p.shape)) throw new Error(`${this.constructor.name}: gradient of shape [${p.grad.shape}] for parameter ${p.describe()}`);
        let st = this.state.get(p);
        if (!st) {
          st = {};
          this.state.set(p, st);
        }
        this.updateParam(p, p.grad, st, group);
        p.markModified();
        backend = p.backend;
      }
    }
    backend?.flush();
  }

  /** Updates one parameter in place through the backend. */
  protected abstract updateParam(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<H>): void;

  /** A zero state tensor on the parameter's device, exempt from tidy. */
  protected stateTensor(param: Tensor): Tensor {
    const t = tensor(new Float64Array(param.size), param.shape, { device: param.device });
    return keep(t);
  }

  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    this.params.forEach((p, i) => index.set(p, i));
    const state: Record<number, ParamState> = {};
    for (const [p, st] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...st };
    }
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...hyper } = g;
      return { ...(hyper as Record<string, HyperValue>), params: params.map((p) => index.get(p)!) };
    });
    return { state, paramGroups };
  }

  /** Restores hyperparameters and state (copied onto each parameter's device). */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = this.constructor.name;
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new Error(`${name}.loadStateDict: the state dict has ${sd.paramGroups.length} parameter groups, the optimizer ${this.paramGroups.length}`);
    }
    sd.paramGroups.forEach((g, gi) => {
      if (g.params.length !== this.paramGroups[gi].params.length) {
        throw new Error(`${name}.loadStateDict: parameter group ${gi} has ${g.params.length} parameters in the state dict, ${this.paramGroups[gi].params.length} in the optimizer`);
      }
    });
    const byIndex = new Map<number, Tensor>();
    sd.paramGroups.forEach((g, gi) => g.params.forEach((idx, j) => byIndex.set(idx, this.paramGroups[gi].params[j])));
    const newState = new Map<Tensor, ParamState>();
    for (const [key, st] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(key));
      if (!p) throw new Error(`${name}.loadStateDict: state for parameter ${key}, which no group lists`);
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(st)) {
        if (typeof v === 'number') copy[k] = v;
        else {
          if (!sameShape(v.shape, p.shape)) throw new Error(`${name}.loadStateDict: state '${k}' of parameter ${key} has shape [${v.shape}], the parameter [${p.shape}]`);
          copy[k] = this.stateTensor(p).copy_(v);
        }
      }
      newState.set(p, copy);
    }
    for (const st of this.state.values()) for (const v of Object.values(st)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
    for (const [p, st] of newState) this.state.set(p, st);
    sd.paramGroups.forEach((g, gi) => {
      const target = this.paramGroups[gi] as Record<string, HyperValue | Tensor[]>;
      for (const [k, v] of Object.entries(g)) if (k !== 'params') target[k] = Array.isArray(v) ? [...v] : v;
    });
  }
}
