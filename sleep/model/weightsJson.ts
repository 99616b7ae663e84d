/**
 * Weights as JSON: {"key": {"shape": [...], "data": [...]}, ...} in state-dict order, float64
 * numbers written exactly (JSON numbers round-trip doubles). Readable from Python with
 * `{k: torch.tensor(v["data"]).reshape(v["shape"]) for k, v in json.load(f).items()}`.
 */
import type { nn } from '../../engine/index.ts';
import { importStateDict, readStateDict, type ImportedTensor, type ImportOptions } from './stateDictIo.ts';

export interface TensorJsonEntry {
  shape: number[];
  data: number[];
}

export type WeightsJson = Record<string, TensorJsonEntry>;

export async function weightsToJson(module: nn.Module): Promise<WeightsJson> {
  const out: WeightsJson = {};
  for (const [k, t] of await readStateDict(module)) out[k] = { shape: t.shape, data: Array.from(t.data) };
  return out;
}

/** Parses weights JSON (text or an already parsed value), naming the file and key of anything malformed. */
export function parseWeightsJson(input: string | unknown, file = 'weights JSON'): Map<string, ImportedTensor> {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file}: expected an object of {shape, data} entries`);
  const out = new Map<string, ImportedTensor>();
  for (const [k, entry] of Object.entries(value as Record<string, unknown>)) {
    const e = entry as Partial<Record<'shape' | 'data', unknown>> | null;
    if (typeof e !== 'object' || e === null) throw new Error(`${file}: '${k}' is not an object with shape and data`);
    const { shape, data } = e;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Error(`${file}: '${k}'.shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
    if (!Array.isArray(data)) throw new Error(`${file}: '${k}'.data is not an array`);
    const bad = data.findIndex((v) => typeof v !== 'number');
    if (bad >= 0) throw new Error(`${file}: '${k}'.data[${bad}] is ${JSON.stringify(data[bad])}, not a number`);
    const size = (shape as number[]).reduce((n, d) => n * d, 1);
    if (data.length !== size) throw new Error(`${file}: '${k}' has ${data.length} values for shape [${shape}] (${size})`);
    out.set(k, { shape: shape as number[], data: data as number[], dtype: 'number' });
  }
  return out;
}

export function loadWeightsJson(module: nn.Module, input: string | unknown, opts: ImportOptions = {}): void {
  importStateDict(module, parseWeightsJson(input, opts.file), opts);
}
