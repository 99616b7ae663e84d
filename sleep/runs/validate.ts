/**
 * Checks that a value is a RunRecord, naming the field at fault. Non-finite numbers arrive from
 * JSON as the strings 'NaN', 'Infinity', '-Infinity' (JSON has no such numbers): in number
 * fields they are turned back into numbers, in place.
 */
import type { RunRecord } from './record.ts';

export class RunRecordError extends Error {
  constructor(where: string, field: string, detail: string) {
    super(`${where}: ${field} ${detail}`);
    this.name = 'RunRecordError';
  }
}

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

type Obj = Record<string, unknown>;

export function validateRunRecord(value: unknown, where = 'run'): asserts value is RunRecord {
  const fail = (field: string, detail: string): never => {
    throw new RunRecordError(where, field, detail);
  };
  const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
  const num = (o: Obj, k: string, field: string): number => {
    const v = o[k];
    if (typeof v === 'string' && v in NON_FINITE) return (o[k] = NON_FINITE[v]) as number;
    if (typeof v !== 'number') fail(field, `must be a number, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const str = (o: Obj, k: string, field: string, nonEmpty = false): string => {
    const v = o[k];
    if (typeof v !== 'string') fail(field, `must be a string, got ${JSON.stringify(v)}`);
    if (nonEmpty && (v as string).trim() === '') fail(field, 'must not be empty');
    return v as string;
  };
  const intList = (o: Obj, k: string, field: string) => {
    const v = o[k];
    if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x))) fail(field, 'must be a list of integers');
  };
  if (!isObj(value)) return fail('the run', 'must be an object');
  const r = value;
  str(r, 'id', 'id', true);
  str(r, 'name', 'name', true);
  const created = str(r, 'created', 'created');
  if (Number.isNaN(Date.parse(created))) fail('created', `must be an ISO date, got ${JSON.stringify(created)}`);
  str(r, 'model', 'model', true);
  str(r, 'status', 'status');
  if (!isObj(r.config)) fail('config', 'must be an object');
  if (!isObj(r.data)) return fail('data', 'must be an object');
  const d = r.data;
  intList(d, 'trainSubjects', 'data.trainSubjects');
  intList(d, 'validSubjects', 'data.validSubjects');
  intList(d, 'testSubjects', 'data.testSubjects');
  if (typeof d.synthetic !== 'boolean') fail('data.synthetic', `must be true or false, got ${JSON.stringify(d.synthetic)}`);
  if (d.windows !== undefined) {
    if (!isObj(d.windows)) fail('data.windows', 'must be an object');
    for (const k of ['train', 'valid', 'test']) num(d.windows as Obj, k, `data.windows.${k}`);
  }
  if (d.recordings !== undefined && !(Array.isArray(d.recordings) && d.recordings.every((x) => typeof x === 'string'))) fail('data.recordings', 'must be a list of names');
  if (!Array.isArray(r.history)) fail('history', 'must be a list');
  (r.history as unknown[]).forEach((row, i) => {
    if (!isObj(row)) return fail(`history[${i}]`, 'must be an object');
    num(row, 'epoch', `history[${i}].epoch`);
    for (const [k, v] of Object.entries(row)) {
      if (typeof v === 'boolean' || v === null) continue;
      num(row, k, `history[${i}].${k}`);
    }
  });
  if (!isObj(r.metrics)) fail('metrics', 'must be an object');
  for (const [split, m] of Object.entries(r.metrics as Obj)) {
    if (!isObj(m)) return fail(`metrics.${split}`, 'must be an object');
    for (const k of ['accuracy', 'balancedAccuracy', 'kappa', 'macroF1']) num(m, k, `metrics.${split}.${k}`);
    if (m.loss !== undefined) num(m, 'loss', `metrics.${split}.loss`);
  }
  if (!Array.isArray(r.classNames) || !r.classNames.every((c) => typeof c === 'string')) fail('classNames', 'must be a list of names');
  const k = (r.classNames as string[]).length;
  if (!isObj(r.confusion)) fail('confusion', 'must be an object');
  for (const [split, m] of Object.entries(r.confusion as Obj)) {
    const ok = Array.isArray(m) && m.length === k && m.every((row) => Array.isArray(row) && row.length === k && row.every((x) => Number.isInteger(x) && x >= 0));
    if (!ok) fail(`confusion.${split}`, `must be a ${k} x ${k} matrix of counts (one row and column per class name)`);
  }
  const w = r.weights;
  if (w !== null) {
    if (!isObj(w)) return fail('weights', 'must be null or an object');
    if (w.kind === 'safetensors') {
      if (!(w.bytes instanceof Uint8Array)) fail('weights.bytes', 'must be bytes (Uint8Array)');
    } else if (w.kind === 'reference') {
      str(w, 'uri', 'weights.uri', true);
    } else fail('weights.kind', `must be 'safetensors' or 'reference', got ${JSON.stringify(w.kind)}`);
  }
  if (r.notes !== undefined) str(r, 'notes', 'notes');
}
