/**
 * A module's state dict as plain arrays and back, shared by the safetensors and JSON formats.
 * Import checks every key, shape and dtype against the module before changing anything, and
 * names the file and the key in its error; all problems are listed at once.
 */
import { noGrad, tensor, type nn } from '../../engine/index.ts';

/** PyTorch keeps this buffer as an integer (int64); everything else here is floating point. */
export function isIntegerKey(key: string): boolean {
  return key === 'num_batches_tracked' || key.endsWith('.num_batches_tracked');
}

export interface HostTensor {
  shape: number[];
  data: Float64Array;
}

/** A tensor read from a file, with the file's dtype where it has one ('number' for JSON). */
export interface ImportedTensor {
  shape: readonly number[];
  data: ArrayLike<number>;
  dtype: 'F32' | 'F64' | 'I64' | 'number';
}

export interface ImportOptions {
  /** Names the source in errors. */
  file?: string;
  /** Key prefixes renamed before matching, e.g. braindecode 0.8's 'final_layer.' to 'fc.'. */
  aliases?: readonly (readonly [string, string])[];
}

/** Reads every parameter and buffer (awaits GPU readback where the module lives there). */
export async function readStateDict(module: nn.Module): Promise<Map<string, HostTensor>> {
  const out = new Map<string, HostTensor>();
  for (const [k, t] of module.stateDict()) out.set(k, { shape: [...t.shape], data: await t.data() });
  return out;
}

function renamed(key: string, aliases: readonly (readonly [string, string])[]): string {
  for (const [from, to] of aliases) if (key.startsWith(from)) return to + key.slice(from.length);
  return key;
}

/** Validates `entries` against `module` and copies them in; throws naming the file and each bad key. */
export function importStateDict(module: nn.Module, entries: Map<string, ImportedTensor>, opts: ImportOptions = {}): void {
  const file = opts.file ?? 'weights';
  const own = module.stateDict();
  const source = new Map<string, ImportedTensor>();
  const problems: string[] = [];
  for (const [k, v] of entries) {
    const key = renamed(k, opts.aliases ?? []);
    if (source.has(key)) problems.push(`'${k}' duplicates '${key}'`);
    source.set(key, v);
  }
  const missing = [...own.keys()].filter((k) => !source.has(k));
  const unexpected = [...source.keys()].filter((k) => !own.has(k));
  if (missing.length) problems.push(`missing ${missing.map((k) => `'${k}'`).join(', ')}`);
  if (unexpected.length) problems.push(`unexpected ${unexpected.map((k) => `'${k}'`).join(', ')}`);
  for (const [k, target] of own) {
    const src = source.get(k);
    if (!src) continue;
    const shapeOk = src.shape.length === target.shape.length && src.shape.every((d, i) => d === target.shape[i]);
    if (!shapeOk) problems.push(`'${k}' has shape [${src.shape}], the model expects [${target.shape}]`);
    else if (src.data.length !== target.size) problems.push(`'${k}' has ${src.data.length} values for shape [${src.shape}]`);
    if (isIntegerKey(k)) {
      if (src.dtype === 'F32' || src.dtype === 'F64') problems.push(`'${k}' is ${src.dtype}, expected an integer (I64)`);
      else if (!Array.from(src.data).every((v) => Number.isSafeInteger(v) && v >= 0)) problems.push(`'${k}' must hold non-negative integers`);
    } else {
      if (src.dtype === 'I64') problems.push(`'${k}' is I64, expected a floating-point dtype (F32 or F64)`);
      const bad = Array.from(src.data).findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
      if (bad >= 0) problems.push(`'${k}' holds a non-finite value at index ${bad} (${src.data[bad]})`);
    }
  }
  if (problems.length) throw new Error(`${file}: cannot load into ${module.constructor.name}: ${problems.join('; ')}`);
  noGrad(() => {
    for (const [k, target] of own) {
      const src = source.get(k)!;
      const t = tensor(Float64Array.from(src.data), target.shape, { device: target.device });
      target.copy_(t);
      t.dispose();
    }
  });
}
