/**
 * Checkpoints: everything needed to continue a run exactly where it stopped. A checkpoint is a
 * JSON-serialisable description (config, history, early-stopping and RNG state, optimizer
 * hyperparameters and counters, and an index of the tensors) plus one binary blob holding every
 * tensor as float64 (the CPU backend's values bit for bit; WebGPU's float32 values widened).
 *
 * Storage is an interface: files on disk in Node (nodeCheckpointStore.ts), IndexedDB in the
 * browser later, memory for tests. Nothing here uses Node APIs.
 */
import { Tensor, nn, optim, tensor, type DeviceName, type GeneratorState } from '../../engine/index.ts';
import type { TrainConfig } from './config.ts';
import type { earlyStoppingStateToJson } from './earlyStopping.ts';
import type { EpochRecord } from './history.ts';

export interface StoredCheckpoint {
  /** Plain JSON (no Infinity, NaN or typed arrays). */
  meta: CheckpointMeta;
  binary: Uint8Array;
}

/** Where checkpoints are kept. `save` must replace the previous one under that name only once the new one is complete. */
export interface CheckpointStore {
  save(name: string, checkpoint: StoredCheckpoint): Promise<void>;
  /** undefined when there is none under that name. */
  load(name: string): Promise<StoredCheckpoint | undefined>;
  /** Where it is, for messages. */
  describe(name: string): string;
}

export class MemoryCheckpointStore implements CheckpointStore {
  readonly saved = new Map<string, StoredCheckpoint>();
  /** Number of saves made (tests check that a failed epoch wrote nothing). */
  saves = 0;

  async save(name: string, checkpoint: StoredCheckpoint): Promise<void> {
    // A deep copy, as a file would be: later changes to the run cannot reach it.
    this.saved.set(name, { meta: JSON.parse(JSON.stringify(checkpoint.meta)) as CheckpointMeta, binary: checkpoint.binary.slice() });
    this.saves++;
  }

  async load(name: string): Promise<StoredCheckpoint | undefined> {
    const c = this.saved.get(name);
    return c ? { meta: JSON.parse(JSON.stringify(c.meta)) as CheckpointMeta, binary: c.binary.slice() } : undefined;
  }

  describe(name: string): string {
    return `memory:${name}`;
  }
}

export interface TensorEntry {
  name: string;
  shape: number[];
  /** In float64 elements from the start of the blob. */
  offset: number;
  length: number;
}

export interface HostTensor {
  shape: number[];
  data: Float64Array;
}

/** Name -> values on the host, in order. */
export type HostTensors = Map<string, HostTensor>;

export function packTensors(tensors: HostTensors): { index: TensorEntry[]; binary: Uint8Array } {
  const index: TensorEntry[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    index.push({ name, shape: [...t.shape], offset, length: t.data.length });
    offset += t.data.length;
  }
  const all = new Float64Array(offset);
  for (const e of index) all.set(tensors.get(e.name)!.data, e.offset);
  return { index, binary: new Uint8Array(all.buffer) };
}

export function unpackTensors(index: readonly TensorEntry[], binary: Uint8Array, where = 'checkpoint'): HostTensors {
  if (binary.byteLength % 8 !== 0) throw new Error(`${where}: binary: ${binary.byteLength} bytes is not a whole number of float64 values`);
  // Copy into an aligned buffer: a Uint8Array from a file may start at any byte offset.
  const all = new Float64Array(binary.slice().buffer);
  const out: HostTensors = new Map();
  for (const e of index) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (size !== e.length || e.offset < 0 || e.offset + e.length > all.length) {
      throw new Error(`${where}: tensors: '${e.name}' (shape [${e.shape}], ${e.length} values at ${e.offset}) does not fit the ${all.length}-value blob`);
    }
    out.set(e.name, { shape: [...e.shape], data: all.slice(e.offset, e.offset + e.length) });
  }
  return out;
}

/** A module's state dict copied to the host (one readback per tensor). */
export async function stateDictToHost(module: nn.Module): Promise<HostTensors> {
  const out: HostTensors = new Map();
  for (const [k, t] of module.stateDict()) out.set(k, { shape: [...t.shape], data: Float64Array.from(await t.data()) });
  return out;
}

/** Copies host values into a module (strict keys and shapes). */
export function loadHostStateDict(module: nn.Module, tensors: HostTensors, device: DeviceName): void {
  const dict = new Map<string, Tensor>();
  for (const [k, t] of tensors) dict.set(k, tensor(t.data, t.shape, { device }));
  try {
    module.loadStateDict(dict);
  } finally {
    for (const t of dict.values()) t.dispose();
  }
}

export interface HostOptimizerState {
  paramGroups: optim.OptimizerStateDict['paramGroups'];
  /** Per parameter index: counters as numbers, tensors by their name in the blob. */
  state: Record<string, Record<string, number | { tensor: string }>>;
}

export async function optimizerToHost(opt: optim.AnyOptimizer, prefix: string, tensors: HostTensors): Promise<HostOptimizerState> {
  const sd = opt.stateDict();
  const state: HostOptimizerState['state'] = {};
  for (const [idx, st] of Object.entries(sd.state)) {
    const entry: Record<string, number | { tensor: string }> = {};
    for (const [k, v] of Object.entries(st)) {
      if (typeof v === 'number') entry[k] = v;
      else {
        const name = `${prefix}${idx}.${k}`;
        tensors.set(name, { shape: [...v.shape], data: Float64Array.from(await v.data()) });
        entry[k] = { tensor: name };
      }
    }
    state[idx] = entry;
  }
  return { paramGroups: JSON.parse(JSON.stringify(sd.paramGroups)) as HostOptimizerState['paramGroups'], state };
}

export function loadOptimizerFromHost(opt: optim.AnyOptimizer, host: HostOptimizerState, tensors: HostTensors, device: DeviceName): void {
  const made: Tensor[] = [];
  const state: optim.OptimizerStateDict['state'] = {};
  try {
    for (const [idx, st] of Object.entries(host.state)) {
      const entry: optim.ParamState = {};
      for (const [k, v] of Object.entries(st)) {
        if (typeof v === 'number') entry[k] = v;
        else {
          const t = tensors.get(v.tensor);
          if (!t) throw new Error(`checkpoint: optimizer state '${k}' of parameter ${idx} names tensor '${v.tensor}', which the blob lacks`);
          const dev = tensor(t.data, t.shape, { device });
          made.push(dev);
          entry[k] = dev;
        }
      }
      state[Number(idx)] = entry;
    }
    opt.loadStateDict({ state, paramGroups: host.paramGroups });
  } finally {
    for (const t of made) t.dispose();
  }
}

export const CHECKPOINT_FORMAT = 'hypnograd-training-checkpoint';
export const CHECKPOINT_VERSION = 1;

export type EarlyStoppingJson = ReturnType<typeof earlyStoppingStateToJson>;

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** Epochs completed; a resumed run starts with epoch + 1. */
  epoch: number;
  /** Optimizer steps taken so far. */
  steps: number;
  config: TrainConfig;
  history: EpochRecord[];
  earlyStopping: EarlyStoppingJson;
  rng: { shuffle: GeneratorState; dropout: GeneratorState };
  optimizer: HostOptimizerState;
  /** Model weights are 'model.<key>', the kept best weights 'best.<key>', optimizer state 'optim.<index>.<name>'. */
  tensors: TensorEntry[];
  /** Epoch whose weights are stored as best (0 when none yet). */
  bestEpoch: number;
  savedAt: string;
}

/** Throws unless `meta` looks like a checkpoint this version can resume. */
export function checkCheckpointMeta(meta: unknown, where: string): CheckpointMeta {
  const m = meta as Partial<CheckpointMeta> | null;
  if (!m || typeof m !== 'object' || m.format !== CHECKPOINT_FORMAT) throw new Error(`${where}: format: not a hypnograd training checkpoint`);
  if (m.version !== CHECKPOINT_VERSION) throw new Error(`${where}: version: ${m.version}, this hypnograd reads version ${CHECKPOINT_VERSION}`);
  for (const k of ['epoch', 'steps', 'config', 'history', 'earlyStopping', 'rng', 'optimizer', 'tensors'] as const) {
    if (m[k] === undefined) throw new Error(`${where}: ${k}: missing`);
  }
  return m as CheckpointMeta;
}

/** Splits a blob's tensors by prefix ('model.' -> its keys). */
export function withPrefix(tensors: HostTensors, prefix: string): HostTensors {
  const out: HostTensors = new Map();
  for (const [k, v] of tensors) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), v);
  return out;
}

/**
 * One checkpoint as one byte string (for stores that hold bytes, e.g. a file): the byte length
 * of the JSON as a little-endian uint64, the JSON (UTF-8, padded with spaces to a multiple of 8),
 * then the tensor blob. Same framing as safetensors, so a half-written file is detectable.
 */
export function encodeCheckpoint(c: StoredCheckpoint): Uint8Array {
  let json = new TextEncoder().encode(JSON.stringify(c.meta));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + c.binary.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(c.binary, 8 + json.length);
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, where = 'checkpoint'): StoredCheckpoint {
  if (bytes.length < 8) throw new Error(`${where}: header: ${bytes.length} bytes is too short for a checkpoint`);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
  if (n > bytes.length - 8) throw new Error(`${where}: header: says ${n} bytes of JSON but the file has ${bytes.length - 8} after the length (truncated?)`);
  let meta: unknown;
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (err) {
    throw new Error(`${where}: header: the JSON does not parse (${(err as Error).message})`);
  }
  const checked = checkCheckpointMeta(meta, where);
  const binary = bytes.slice(8 + n);
  const expected = checked.tensors.reduce((a, t) => Math.max(a, t.offset + t.length), 0) * 8;
  if (binary.length !== expected) throw new Error(`${where}: tensors: ${binary.length} bytes of tensor data, the index needs ${expected} (truncated?)`);
  return { meta: checked, binary };
}
