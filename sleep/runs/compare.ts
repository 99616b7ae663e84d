/**
 * Side by side: which settings differ between runs, and their curves on one epoch axis.
 * Configs are flattened to dotted keys ('config.optimizer.lr'); arrays are compared whole.
 */
import type { JsonValue, RunMetrics, RunRecord } from './record.ts';

export interface ConfigDifference {
  key: string;
  /** One per run; undefined where the run has no such key. */
  values: (JsonValue | undefined)[];
}

export interface RunComparison {
  runs: { id: string; name: string; model: string }[];
  /** Keys (of model, config and data selection) whose values differ, sorted. */
  differences: ConfigDifference[];
  /** Keys equal in every run, sorted (to show what was held fixed). */
  same: string[];
  /** Union of the runs' epochs, ascending. */
  epochs: number[];
  /** Per history column, per run, values at `epochs` (null where a run has none). */
  curves: Record<string, (number | null)[][]>;
  /** Per split, per metric, one value per run (null where absent). */
  metrics: Record<string, Record<keyof RunMetrics, (number | null)[]>>;
}

function flatten(value: JsonValue | undefined, prefix: string, out: Map<string, JsonValue>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) out.set(prefix, {});
    for (const k of keys) flatten(value[k], `${prefix}.${k}`, out);
  } else if (value !== undefined) {
    out.set(prefix, value);
  }
}

function canonical(v: JsonValue | undefined): string {
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : JSON.stringify(v);
}

const METRIC_KEYS: (keyof RunMetrics)[] = ['accuracy', 'balancedAccuracy', 'kappa', 'macroF1', 'loss'];

export function compareRuns(runs: readonly RunRecord[]): RunComparison {
  if (runs.length === 0) throw new Error('compareRuns: no runs to compare');
  const flat = runs.map((r) => {
    const m = new Map<string, JsonValue>();
    m.set('model', r.model);
    flatten(r.config, 'config', m);
    flatten(r.data as unknown as JsonValue, 'data', m);
    return m;
  });
  const keys = [...new Set(flat.flatMap((m) => [...m.keys()]))].sort();
  const differences: ConfigDifference[] = [];
  const same: string[] = [];
  for (const key of keys) {
    const values = flat.map((m) => m.get(key));
    if (new Set(values.map(canonical)).size > 1) differences.push({ key, values });
    else same.push(key);
  }
  const epochs = [...new Set(runs.flatMap((r) => r.history.map((h) => h.epoch)))].sort((a, b) => a - b);
  const columns = [...new Set(runs.flatMap((r) => r.history.flatMap((h) => Object.keys(h))))].filter((k) => k !== 'epoch').sort();
  const curves: Record<string, (number | null)[][]> = {};
  for (const col of columns) {
    curves[col] = runs.map((r) => {
      const byEpoch = new Map(r.history.map((h) => [h.epoch, h[col]]));
      return epochs.map((e) => {
        const v = byEpoch.get(e);
        return typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : null;
      });
    });
  }
  const splits = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const metrics: RunComparison['metrics'] = {};
  for (const split of splits) {
    metrics[split] = Object.fromEntries(METRIC_KEYS.map((k) => [k, runs.map((r) => r.metrics[split]?.[k] ?? null)])) as Record<keyof RunMetrics, (number | null)[]>;
  }
  return { runs: runs.map((r) => ({ id: r.id, name: r.name, model: r.model })), differences, same, epochs, curves, metrics };
}
