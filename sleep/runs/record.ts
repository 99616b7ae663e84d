/**
 * A run record: everything the app shows about one training run (the ConvNet or a baseline),
 * as plain data: what was trained on what, its per-epoch history, final metrics, confusion
 * matrices and (optionally) its weights. Records go into a RunStore, out to a file and back,
 * and are compared with compareRuns.
 */

/** JSON values; configs are free-form JSON so every kind of run can carry its own. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const RUN_RECORD_VERSION = 1;

export interface RunDataSelection {
  trainSubjects: number[];
  validSubjects: number[];
  testSubjects: number[];
  /** True when the recordings are hypnograd's synthetic nights, not real EEG. */
  synthetic: boolean;
  /** Windows per split, when known. */
  windows?: { train: number; valid: number; test: number };
  /** Recording (file) names, when known. */
  recordings?: string[];
}

/** One row of the history: 1-based epoch and any numeric (or flag) columns; null for a missing value. */
export type RunEpoch = { epoch: number } & Record<string, number | boolean | null>;

export interface RunMetrics {
  accuracy: number;
  balancedAccuracy: number;
  kappa: number;
  macroF1: number;
  /** Mean loss on the split, where measured. */
  loss?: number;
}

export type RunWeights =
  | { kind: 'safetensors'; bytes: Uint8Array }
  /** Stored elsewhere (e.g. an IndexedDB key or a file name). */
  | { kind: 'reference'; uri: string };

export interface RunRecord {
  id: string;
  name: string;
  /** ISO 8601 time of creation. */
  created: string;
  /** What was trained: 'chambon2018', 'logistic-regression', ... */
  model: string;
  config: JsonObject;
  data: RunDataSelection;
  history: RunEpoch[];
  /** By split: 'valid', 'test', 'testLast', 'train', ... */
  metrics: Record<string, RunMetrics>;
  /** By split, rows = true class, columns = predicted. */
  confusion: Record<string, number[][]>;
  classNames: string[];
  /** How the run ended ('completed', 'early-stopped', 'stopped', 'diverged'). */
  status: string;
  weights: RunWeights | null;
  notes?: string;
}

/** A short listing entry (no history, no weights), what RunStore.list gives. */
export interface RunSummary {
  id: string;
  name: string;
  created: string;
  model: string;
  status: string;
  synthetic: boolean;
  epochs: number;
  metrics: Record<string, RunMetrics>;
  hasWeights: boolean;
}

export function summarizeRun(r: RunRecord): RunSummary {
  return {
    id: r.id,
    name: r.name,
    created: r.created,
    model: r.model,
    status: r.status,
    synthetic: r.data.synthetic,
    epochs: r.history.length,
    metrics: structuredClone(r.metrics),
    hasWeights: r.weights !== null,
  };
}

/** A fresh unique id (crypto.randomUUID in browsers and Node 19+, else time + random). */
export function newRunId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export const SLEEP_STAGE_NAMES: readonly string[] = ['W', 'N1', 'N2', 'N3', 'REM'];

/** The metrics part of a classification report (sleep/train/metrics.ts) with an optional loss. */
export function runMetricsFrom(report: { accuracy: number; balancedAccuracy: number; kappa: number; macroF1: number }, loss?: number): RunMetrics {
  const m: RunMetrics = { accuracy: report.accuracy, balancedAccuracy: report.balancedAccuracy, kappa: report.kappa, macroF1: report.macroF1 };
  if (loss !== undefined) m.loss = loss;
  return m;
}

/** History rows from the trainer's EpochRecords (or any objects of numbers and flags with an epoch). */
export function historyFrom(rows: readonly object[]): RunEpoch[] {
  return rows.map((r, i) => {
    const out: Record<string, number | boolean | null> = {};
    for (const [k, v] of Object.entries(r)) {
      if (typeof v === 'number' || typeof v === 'boolean' || v === null) out[k] = v;
    }
    if (typeof out.epoch !== 'number') throw new Error(`historyFrom: row ${i} has no numeric epoch`);
    return out as RunEpoch;
  });
}
