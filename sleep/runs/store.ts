/**
 * Where run records live. Asynchronous so an IndexedDB implementation (in app/) fits the same
 * interface; MemoryRunStore keeps deep copies, as a database would, so changing a record after
 * `put` or after `get` never changes what is stored.
 */
import { summarizeRun, type RunRecord, type RunSummary } from './record.ts';
import { validateRunRecord } from './validate.ts';

export interface RunStore {
  /** Summaries, newest first. */
  list(): Promise<RunSummary[]>;
  /** undefined when there is no run with that id. */
  get(id: string): Promise<RunRecord | undefined>;
  /** Adds the run, or replaces the one with the same id. */
  put(run: RunRecord): Promise<void>;
  /** Throws when there is no run with that id. */
  rename(id: string, name: string): Promise<void>;
  /** Throws when there is no run with that id. */
  delete(id: string): Promise<void>;
}

export class MemoryRunStore implements RunStore {
  private readonly runs = new Map<string, RunRecord>();

  async list(): Promise<RunSummary[]> {
    return [...this.runs.values()].sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0)).map(summarizeRun);
  }

  async get(id: string): Promise<RunRecord | undefined> {
    const r = this.runs.get(id);
    return r ? structuredClone(r) : undefined;
  }

  async put(run: RunRecord): Promise<void> {
    validateRunRecord(run, `run '${run?.id}'`);
    this.runs.set(run.id, structuredClone(run));
  }

  async rename(id: string, name: string): Promise<void> {
    const r = this.runs.get(id);
    if (!r) throw new Error(`rename: no run with id '${id}'`);
    if (typeof name !== 'string' || name.trim() === '') throw new Error(`rename: the new name of run '${id}' must not be empty`);
    r.name = name;
  }

  async delete(id: string): Promise<void> {
    if (!this.runs.delete(id)) throw new Error(`delete: no run with id '${id}'`);
  }
}
