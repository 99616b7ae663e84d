/**
 * The Tensor: a shape, a storage on some backend, and (when it takes part in autograd) the
 * node that made it. Tensors are always contiguous; views such as `reshape` share storage.
 *
 * GPU memory is not garbage-collected, so tensors have an explicit lifetime: `dispose()`, or
 * `tidy(fn)`, which disposes every tensor created inside `fn` except what it returns or `keep`s.
 */
import { type Backend, type DeviceName, type Storage, getBackend, getDefaultDevice } from './backend.ts';
import { sizeOf, type Shape } from './shape.ts';
import { defaultGenerator, type Generator } from './random.ts';

/** A tensor a backward function reads, with the version it had when the op ran. */
export interface SavedTensor {
  tensor: Tensor;
  version: number;
}

/**
 * The node autograd (autograd.ts) records for an op's output: the graph is these nodes, linked
 * through `inputs`. Declared here, beside Tensor which holds it, so neither file imports the other.
 */
export interface GradNode {
  /** The op's name, e.g. 'conv2d' (shown in the app's graph view). */
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** Given d(loss)/d(output), returns d(loss)/d(input) per input (null where not needed). Null once freed. */
  backward: ((grad: Tensor) => (Tensor | null)[]) | null;
  saved: SavedTensor[];
}

/** A storage with a reference count (views share it) and PyTorch's version counter for in-place checks. */
export class StorageRef {
  refs = 1;
  version = 0;
  constructor(
    readonly backend: Backend,
    public storage: Storage,
  ) {}
}

let nextId = 0;
const scopes: Set<Tensor>[] = [];
let liveTensors = 0;

export class Tensor {
  readonly id = nextId++;
  readonly shape: readonly number[];
  requiresGrad = false;
  grad: Tensor | null = null;
  /** The autograd node that produced this tensor; null for leaves. */
  gradFn: GradNode | null = null;
  /** Optional name, shown in the app's graph view and in error messages. */
  name = '';
  private ref: StorageRef | null;
  /** Set while this tensor is some leaf's `.grad`, so autograd never hands the same object to two leaves. */
  isLeafGrad = false;

  constructor(ref: StorageRef, shape: Shape) {
    this.ref = ref;
    this.shape = Object.freeze([...shape]);
    liveTensors++;
    scopes[scopes.length - 1]?.add(this);
  }

  get device(): DeviceName {
    return this.storageRef.backend.name;
  }
  get backend(): Backend {
    return this.storageRef.backend;
  }
  get size(): number {
    return sizeOf(this.shape);
  }
  get ndim(): number {
    return this.shape.length;
  }
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  get storageRef(): StorageRef {
    if (!this.ref) throw new Error(`tensor ${this.describe()} was disposed and can no longer be used`);
    return this.ref;
  }
  get storage(): Storage {
    return this.storageRef.storage;
  }
  /** Bumped by every in-place change; autograd compares it with the version it saved. */
  get version(): number {
    return this.storageRef.version;
  }
  get isDisposed(): boolean {
    return this.ref === null;
  }

  describe(): string {
    return `${this.name ? `'${this.name}' ` : ''}[${this.shape.join(', ')}]`;
  }

  /** The values, as float64 (float32 values widened on WebGPU). Submits pending GPU work. */
  async data(): Promise<Float64Array> {
    const b = this.backend;
    b.flush();
    return b.read(this.storage);
  }

  /** Synchronous values; only on the CPU backend. */
  dataSync(): Float64Array {
    const b = this.backend;
    if (!b.readSync) throw new Error(`dataSync() is not possible on '${b.name}': use await tensor.data()`);
    return b.readSync(this.storage);
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item() needs a tensor with one element, got shape [${this.shape}]`);
    return (await this.data())[0];
  }

  /** A new leaf sharing this tensor's values, cut from the graph. */
  detach(): Tensor {
    const ref = this.storageRef;
    ref.refs++;
    return new Tensor(ref, this.shape);
  }

  /** Marks this tensor as a leaf that accumulates gradients (PyTorch's requires_grad_). */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf && !flag) throw new Error('requiresGrad_(false) is only possible on a leaf tensor');
    this.requiresGrad = flag;
    return this;
  }

  /**
   * Moves to another device. Uploading is synchronous; a GPU-to-CPU move needs a readback, so
   * it is `toAsync` (PyTorch hides that wait, WebGPU cannot).
   */
  to(device: DeviceName): Tensor {
    if (device === this.device) return this;
    if (this.backend.readSync) {
      const t = fromStorage(getBackend(device).upload(this.backend.readSync(this.storage)), this.shape, device);
      t.requiresGrad = this.requiresGrad && this.isLeaf;
      return t;
    }
    throw new Error(`moving a tensor from '${this.device}' to '${device}' needs a readback: use await tensor.toAsync('${device}')`);
  }

  async toAsync(device: DeviceName): Promise<Tensor> {
    if (device === this.device) return this;
    const t = fromStorage(getBackend(device).upload(await this.data()), this.shape, device);
    t.requiresGrad = this.requiresGrad && this.isLeaf;
    return t;
  }

  /** Releases the storage once no view uses it. Safe to call twice. */
  dispose(): void {
    if (!this.ref) return;
    const ref = this.ref;
    this.ref = null;
    liveTensors--;
    if (--ref.refs === 0) ref.backend.release(ref.storage);
    for (const s of scopes) s.delete(this);
  }

  /** In place: this <- src (no autograd). Bumps the version counter. */
  copy_(src: Tensor): this {
    if (src.size !== this.size) throw new Error(`copy_: sizes differ ([${src.shape}] into [${this.shape}])`);
    const s = src.device === this.device ? src : src.to(this.device);
    this.backend.copyInto(this.storage, s.storage);
    this.storageRef.version++;
    return this;
  }

  /** Records an in-place change made directly on the storage (optimizers do this). */
  markModified(): void {
    this.storageRef.version++;
  }

  toString(): string {
    return `Tensor(${this.describe()}, device=${this.device}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

/** Wraps a freshly made storage (refcount 1). */
export function fromStorage(storage: Storage, shape: Shape, device: DeviceName | Backend): Tensor {
  const backend = typeof device === 'string' ? getBackend(device) : device;
  return new Tensor(new StorageRef(backend, storage), shape);
}

/** A tensor sharing `t`'s storage under a new shape (reshape is free on contiguous tensors). */
export function viewOf(t: Tensor, shape: Shape): Tensor {
  const ref = t.storageRef;
  ref.refs++;
  return new Tensor(ref, shape);
}

export interface TensorOptions {
  device?: DeviceName;
  requiresGrad?: boolean;
}

export type NestedArray = number | NestedArray[];

function flattenNested(data: NestedArray, out: number[], shape: number[], depth: number): void {
  if (typeof data === 'number') {
    if (depth !== shape.length) throw new Error('tensor(): ragged nested array');
    out.push(data);
    return;
  }
  if (shape.length === depth) shape.push(data.length);
  else if (shape[depth] !== data.length) throw new Error('tensor(): ragged nested array');
  for (const d of data) flattenNested(d, out, shape, depth + 1);
}

/**
 * torch.tensor: from a flat array and a shape, or from nested arrays (shape inferred).
 * A scalar gives a 0-d tensor.
 */
export function tensor(data: ArrayLike<number> | NestedArray, shape?: Shape, opts: TensorOptions = {}): Tensor {
  let flat: ArrayLike<number>;
  let s: number[];
  if (typeof data === 'number') {
    flat = [data];
    s = shape ? [...shape] : [];
  } else if (Array.isArray(data) && data.some((d) => Array.isArray(d))) {
    const values: number[] = [];
    const inferred: number[] = [];
    flattenNested(data as NestedArray, values, inferred, 0);
    flat = values;
    s = shape ? [...shape] : inferred;
  } else {
    flat = data as ArrayLike<number>;
    s = shape ? [...shape] : [flat.length];
  }
  if (sizeOf(s) !== flat.length) throw new Error(`tensor(): ${flat.length} values do not fill shape [${s}]`);
  const device = opts.device ?? getDefaultDevice();
  const t = fromStorage(getBackend(device).upload(flat), s, device);
  t.requiresGrad = opts.requiresGrad ?? false;
  return t;
}

export function full(shape: Shape, value: number, opts: TensorOptions = {}): Tensor {
  return tensor(new Float64Array(sizeOf(shape)).fill(value), shape, opts);
}

export function zeros(shape: Shape, opts: TensorOptions = {}): Tensor {
  const device = opts.device ?? getDefaultDevice();
  const t = fromStorage(getBackend(device).alloc(sizeOf(shape)), shape, device);
  t.requiresGrad = opts.requiresGrad ?? false;
  return t;
}

export function ones(shape: Shape, opts: TensorOptions = {}): Tensor {
  return full(shape, 1, opts);
}

export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape, { device: t.device });
}

export function onesLike(t: Tensor): Tensor {
  return ones(t.shape, { device: t.device });
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

/** Standard normal samples (torch.randn), from the seeded generator. */
export function randn(shape: Shape, opts: RandomOptions = {}): Tensor {
  const g = opts.generator ?? defaultGenerator();
  const v = new Float64Array(sizeOf(shape));
  for (let i = 0; i < v.length; i++) v[i] = g.normal();
  return tensor(v, shape, opts);
}

/** Uniform samples in [low, high) (torch.rand for the default [0, 1)). */
export function rand(shape: Shape, opts: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  const g = opts.generator ?? defaultGenerator();
  const low = opts.low ?? 0;
  const high = opts.high ?? 1;
  const v = new Float64Array(sizeOf(shape));
  for (let i = 0; i < v.length; i++) v[i] = g.uniform(low, high);
  return tensor(v, shape, opts);
}

export function arange(n: number, opts: TensorOptions = {}): Tensor {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = i;
  return tensor(v, [n], opts);
}

export type TensorContainer = Tensor | null | undefined | void | number | string | boolean | TensorContainer[] | { [key: string]: TensorContainer };

function collect(x: TensorContainer, out: Set<Tensor>): void {
  if (x instanceof Tensor) out.add(x);
  else if (Array.isArray(x)) for (const v of x) collect(v, out);
  else if (x && typeof x === 'object') for (const v of Object.values(x)) collect(v, out);
}

/**
 * Runs `fn` and disposes every tensor it created, except the tensors in its result and those
 * passed to `keep`. `fn` must be synchronous: an await would let other work's tensors in.
 */
export function tidy<T extends TensorContainer>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  const survivors = new Set<Tensor>();
  collect(result, survivors);
  for (const t of scope) {
    if (survivors.has(t)) scopes[scopes.length - 1]?.add(t);
    else t.dispose();
  }
  return result;
}

/** Exempts a tensor from every enclosing `tidy`. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

/** Tensors created and not yet disposed (for leak tests). */
export function liveTensorCount(): number {
  return liveTensors;
}
