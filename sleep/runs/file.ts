/**
 * Runs as one file: UTF-8 JSON, versioned, weights inline as base64 safetensors.
 *   { "format": "hypnograd-runs", "version": 1, "exported": ISO date, "runs": [RunRecord...] }
 * with each run's weights as { "kind": "safetensors", "base64": "..." } or a reference. JSON has
 * no NaN or Infinity, so those numbers are written as the strings "NaN", "Infinity", "-Infinity".
 *
 * Import refuses a file that is not such a file with a clear error; within a good file, a bad
 * run is skipped and reported in `problems`, and the others are kept.
 */
import { decodeSafetensors } from '../model/safetensors.ts';
import { RUN_RECORD_VERSION, type RunRecord } from './record.ts';
import { validateRunRecord } from './validate.ts';

export const RUNS_FILE_FORMAT = 'hypnograd-runs';

export class RunsFileError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'RunsFileError';
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
  }
  return out;
}

/** Strict: only the standard alphabet with '=' padding; throws saying where it went wrong. */
export function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new Error(`base64 length ${text.length} is not a multiple of 4`);
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const ch = text[i + j];
      const last = i + 4 === text.length;
      if (ch === '=' && last && j >= 4 - pad) {
        n <<= 6;
        continue;
      }
      const v = B64.indexOf(ch);
      if (v < 0) throw new Error(`base64 has an invalid character ${JSON.stringify(ch)} at ${i + j}`);
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

function nonFinite(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

export function encodeRunsFile(runs: readonly RunRecord[], exported: Date = new Date()): string {
  const out = runs.map((r) => {
    validateRunRecord(r, `run '${r?.id}'`);
    const { weights, ...rest } = r;
    return { ...rest, weights: weights === null ? null : weights.kind === 'safetensors' ? { kind: 'safetensors', base64: encodeBase64(weights.bytes) } : { kind: 'reference', uri: weights.uri } };
  });
  return JSON.stringify({ format: RUNS_FILE_FORMAT, version: RUN_RECORD_VERSION, exported: exported.toISOString(), runs: out }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? nonFinite(v) : v));
}

export interface DecodedRunsFile {
  runs: RunRecord[];
  /** One line per run that was skipped, naming it and the field at fault. */
  problems: string[];
  version: number;
}

export function decodeRunsFile(input: string | Uint8Array | ArrayBuffer, file = 'runs file'): DecodedRunsFile {
  let text: string;
  try {
    text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    throw new RunsFileError(file, 'is not UTF-8 text');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new RunsFileError(file, `is not JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new RunsFileError(file, 'is not a hypnograd runs file (expected a JSON object)');
  const doc = parsed as Record<string, unknown>;
  if (doc.format !== RUNS_FILE_FORMAT) throw new RunsFileError(file, `format is ${JSON.stringify(doc.format)}, expected "${RUNS_FILE_FORMAT}"`);
  if (!Number.isInteger(doc.version) || (doc.version as number) < 1) throw new RunsFileError(file, `version must be a positive integer, got ${JSON.stringify(doc.version)}`);
  if ((doc.version as number) > RUN_RECORD_VERSION) throw new RunsFileError(file, `version ${doc.version} is newer than this hypnograd reads (${RUN_RECORD_VERSION}); update hypnograd`);
  if (!Array.isArray(doc.runs)) throw new RunsFileError(file, 'runs must be a list');
  const runs: RunRecord[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  doc.runs.forEach((raw: unknown, i: number) => {
    const label = `${file}: runs[${i}]${typeof raw === 'object' && raw && typeof (raw as Record<string, unknown>).name === 'string' ? ` ('${(raw as Record<string, unknown>).name}')` : ''}`;
    try {
      const r = raw as Record<string, unknown>;
      const w = r?.weights as Record<string, unknown> | null | undefined;
      if (w && typeof w === 'object' && w.kind === 'safetensors') {
        if (typeof w.base64 !== 'string') throw new Error(`${label}: weights.base64 must be a string`);
        let bytes: Uint8Array;
        try {
          bytes = decodeBase64(w.base64);
        } catch (e) {
          throw new Error(`${label}: weights.base64: ${(e as Error).message}`);
        }
        try {
          decodeSafetensors(bytes, 'weights');
        } catch (e) {
          throw new Error(`${label}: weights are not a valid safetensors file (${(e as Error).message})`);
        }
        r.weights = { kind: 'safetensors', bytes };
      }
      validateRunRecord(raw, label);
      if (seen.has(raw.id)) throw new Error(`${label}: id '${raw.id}' appears twice in the file`);
      seen.add(raw.id);
      runs.push(raw);
    } catch (e) {
      problems.push(`${(e as Error).message}; skipped`);
    }
  });
  return { runs, problems, version: doc.version as number };
}

/** A file name for an export: `hypnograd-runs-<name or count>-<date>.json`, safe on every OS. */
export function runsFileName(runs: readonly RunRecord[], when: Date = new Date()): string {
  const what = runs.length === 1 ? runs[0].name : `${runs.length}-runs`;
  const safe = what.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'run';
  return `hypnograd-runs-${safe}-${when.toISOString().slice(0, 10)}.json`;
}
