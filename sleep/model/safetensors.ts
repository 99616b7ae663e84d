/**
 * The safetensors format (huggingface/safetensors), read and written by hand:
 *   8 bytes   little-endian uint64 N, the header's length
 *   N bytes   UTF-8 JSON: {"__metadata__": {string: string}?, name: {dtype, shape, data_offsets}}
 *             (padded with spaces to a multiple of 8, as the reference writer does)
 *   rest      the tensors' bytes, little-endian, row-major; data_offsets [begin, end) are
 *             relative to the end of the header and must tile the rest exactly.
 * F32 and F64 hold weights; I64 holds integer buffers (BatchNorm's num_batches_tracked, a long
 * in PyTorch). Values are handed out as float64 whatever the stored type.
 */
import type { nn } from '../../engine/index.ts';
import { importStateDict, isIntegerKey, readStateDict, type ImportOptions } from './stateDictIo.ts';

export type SafetensorsDtype = 'F32' | 'F64' | 'I64';

export interface NamedArray {
  shape: number[];
  data: ArrayLike<number>;
}

export interface SafetensorsEntry extends NamedArray {
  dtype: SafetensorsDtype;
  data: Float64Array;
}

export interface SafetensorsFile {
  tensors: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

export interface EncodeOptions {
  /** Dtype of every tensor, unless `dtypeOf` says otherwise. */
  dtype?: 'F32' | 'F64';
  dtypeOf?: (name: string) => SafetensorsDtype | undefined;
  metadata?: Record<string, string>;
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F64: 8, I64: 8 };
/** A header beyond this is not a weights file (the reference reader's limit is 100 MB). */
const MAX_HEADER = 100_000_000;

export class SafetensorsError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'SafetensorsError';
  }
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** Serialises tensors in the order given (the state dict's), data laid out in that order too. */
export function encodeSafetensors(tensors: Iterable<[string, NamedArray]>, opts: EncodeOptions = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (opts.metadata && Object.keys(opts.metadata).length) header.__metadata__ = opts.metadata;
  const parts: { dtype: SafetensorsDtype; t: NamedArray; name: string }[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__' || name in header) throw new Error(`encodeSafetensors: duplicate or reserved tensor name '${name}'`);
    if (t.data.length !== sizeOf(t.shape)) throw new Error(`encodeSafetensors: '${name}' has ${t.data.length} values for shape [${t.shape}]`);
    const dtype = opts.dtypeOf?.(name) ?? opts.dtype ?? 'F32';
    const end = offset + t.data.length * BYTES[dtype];
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, end] };
    parts.push({ dtype, t, name });
    offset = end;
  }
  let json = JSON.stringify(header);
  const encoded = new TextEncoder().encode(json);
  const padded = Math.ceil(encoded.length / 8) * 8;
  json += ' '.repeat(padded - encoded.length);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const { dtype, t, name } of parts) {
    for (let i = 0; i < t.data.length; i++, pos += BYTES[dtype]) {
      const v = t.data[i];
      if (dtype === 'F32') view.setFloat32(pos, v, true);
      else if (dtype === 'F64') view.setFloat64(pos, v, true);
      else {
        if (!Number.isSafeInteger(v)) throw new Error(`encodeSafetensors: '${name}' is stored as I64 but holds ${v}`);
        view.setBigInt64(pos, BigInt(v), true);
      }
    }
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses and validates a safetensors file; `file` names it in every error. */
export function decodeSafetensors(bytes: Uint8Array | ArrayBuffer, file = 'safetensors file'): SafetensorsFile {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const fail = (detail: string): never => {
    throw new SafetensorsError(file, detail);
  };
  if (u8.length < 8) fail(`${u8.length} bytes is too short for a safetensors header length (8 bytes)`);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(Math.min(MAX_HEADER, u8.length - 8))) fail(`header length ${headerLen} exceeds the file (${u8.length} bytes) or the 100 MB limit`);
  const n = Number(headerLen);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(u8.subarray(8, 8 + n)));
  } catch (e) {
    fail(`header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isRecord(header)) return fail('header is not a JSON object');
  const dataStart = 8 + n;
  const dataLen = u8.length - dataStart;
  const metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  const tensors = new Map<string, SafetensorsEntry>();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isRecord(raw)) fail('__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} must be a string, got ${JSON.stringify(v)}`);
        metadata[k] = v as string;
      }
      continue;
    }
    const at = `tensor '${name}'`;
    if (!isRecord(raw)) return fail(`${at}: entry is not an object`);
    const { dtype, shape, data_offsets: offsets } = raw;
    if (dtype !== 'F32' && dtype !== 'F64' && dtype !== 'I64') fail(`${at}: dtype ${JSON.stringify(dtype)} is not supported (F32, F64 or I64)`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`${at}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`${at}: data_offsets ${JSON.stringify(offsets)} is not [begin, end]`);
    }
    const dt = dtype as SafetensorsDtype;
    const dims = shape as number[];
    const [begin, end] = offsets as number[];
    const count = sizeOf(dims);
    if (end < begin || end > dataLen) fail(`${at}: data_offsets [${begin}, ${end}] fall outside the ${dataLen} data bytes`);
    if (end - begin !== count * BYTES[dt]) fail(`${at}: data_offsets span ${end - begin} bytes, but ${dt} [${dims}] needs ${count * BYTES[dt]}`);
    spans.push([begin, end, name]);
    const data = new Float64Array(count);
    const base = dataStart + begin;
    for (let i = 0; i < count; i++) {
      const pos = base + i * BYTES[dt];
      if (dt === 'F32') data[i] = view.getFloat32(pos, true);
      else if (dt === 'F64') data[i] = view.getFloat64(pos, true);
      else {
        const v = view.getBigInt64(pos, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) fail(`${at}: I64 value ${v} at index ${i} is beyond 2^53`);
        data[i] = Number(v);
      }
    }
    tensors.set(name, { dtype: dt, shape: dims, data });
  }
  // The spec asks the tensors to tile the data region: no overlaps, no holes, nothing after.
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let covered = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== covered) fail(`tensor '${name}': data starts at byte ${begin}, expected ${covered} (${begin < covered ? 'overlap' : 'hole'} in the data region)`);
    covered = end;
  }
  if (covered !== dataLen) fail(`tensors cover ${covered} of ${dataLen} data bytes`);
  return { tensors, metadata };
}

export interface SaveOptions {
  /** F32 (half the size; what browsers and PyTorch's default dtype use) or F64 (exact). */
  dtype?: 'F32' | 'F64';
  metadata?: Record<string, string>;
}

/**
 * A module's state dict as safetensors bytes, keys in state-dict order. Integer buffers
 * (num_batches_tracked) are written as I64, as PyTorch holds them. The metadata carries
 * format 'pt', as PyTorch's safetensors writer marks its files.
 */
export async function saveSafetensors(module: nn.Module, opts: SaveOptions = {}): Promise<Uint8Array> {
  const dict = await readStateDict(module);
  return encodeSafetensors(dict, {
    dtype: opts.dtype ?? 'F32',
    dtypeOf: (k) => (isIntegerKey(k) ? 'I64' : undefined),
    metadata: { format: 'pt', ...opts.metadata },
  });
}

/** Loads safetensors bytes into a module, checking keys, shapes and dtypes first; returns the file's metadata. */
export function loadSafetensors(module: nn.Module, bytes: Uint8Array | ArrayBuffer, opts: ImportOptions = {}): Record<string, string> {
  const file = decodeSafetensors(bytes, opts.file);
  importStateDict(module, file.tensors, opts);
  return file.metadata;
}
