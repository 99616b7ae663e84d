/**
 * Run records in this browser's IndexedDB: the RunStore interface of sleep/runs over one object
 * store keyed by run id. Records are structured-cloned, so weights stay bytes (no base64) and a
 * record read back is a copy. Every record is validated before it is written.
 */
import { summarizeRun, type RunRecord, type RunSummary } from '../../sleep/runs/record.ts';
import type { RunStore } from '../../sleep/runs/store.ts';
import { validateRunRecord } from '../../sleep/runs/validate.ts';

const DB_VERSION = 1;
const RUNS = 'runs';

export class IdbRunStore implements RunStore {
  constructor(readonly dbName = 'hypnograd-runs') {}

  private open(): Promise<IDBDatabase> {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(this.dbName, DB_VERSION);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(RUNS)) req.result.createObjectStore(RUNS, { keyPath: 'id' });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(new Error(`IndexedDB '${this.dbName}' could not be opened: ${req.error?.message ?? 'unknown error'}`));
      req.onblocked = () => reject(new Error(`IndexedDB '${this.dbName}' is blocked by another tab holding an older version`));
    });
  }

  /** One transaction; resolves with the last request's result once the transaction commits. */
  private async tx<T>(mode: IDBTransactionMode, what: string, fn: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
    const db = await this.open();
    try {
      return await new Promise<T | undefined>((resolve, reject) => {
        const tx = db.transaction(RUNS, mode);
        const req = fn(tx.objectStore(RUNS));
        tx.oncomplete = () => resolve(req ? req.result : undefined);
        tx.onerror = () => reject(new Error(`${what}: ${tx.error?.message ?? 'IndexedDB transaction failed'}`));
        tx.onabort = () => reject(new Error(`${what}: ${tx.error?.message ?? 'IndexedDB transaction aborted'} (is the browser's storage full?)`));
      });
    } finally {
      db.close();
    }
  }

  async list(): Promise<RunSummary[]> {
    const all = (await this.tx<RunRecord[]>('readonly', 'listing the runs', (s) => s.getAll())) ?? [];
    return all.sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0)).map(summarizeRun);
  }

  async get(id: string): Promise<RunRecord | undefined> {
    return this.tx<RunRecord | undefined>('readonly', `reading run '${id}'`, (s) => s.get(id));
  }

  async put(run: RunRecord): Promise<void> {
    validateRunRecord(run, `run '${run?.id}'`);
    await this.tx('readwrite', `saving run '${run.name}'`, (s) => s.put(run));
  }

  /** Read and write in one transaction, so a rename never loses a concurrent put of another run. */
  private async update(id: string, what: string, change: (r: RunRecord) => RunRecord | null): Promise<void> {
    let missing = false;
    await this.tx('readwrite', what, (s) => {
      const req = s.get(id);
      req.onsuccess = () => {
        const r = req.result as RunRecord | undefined;
        if (!r) {
          missing = true;
          return;
        }
        const next = change(r);
        if (next) s.put(next);
        else s.delete(id);
      };
    });
    if (missing) throw new Error(`${what}: no run with id '${id}'`);
  }

  async rename(id: string, name: string): Promise<void> {
    if (typeof name !== 'string' || name.trim() === '') throw new Error(`rename: the new name of run '${id}' must not be empty`);
    await this.update(id, 'rename', (r) => ({ ...r, name: name.trim() }));
  }

  async delete(id: string): Promise<void> {
    await this.update(id, 'delete', () => null);
  }
}
