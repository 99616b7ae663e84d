/**
 * Training state kept in IndexedDB (works in the page and in the worker): the checkpoint written
 * after every epoch, and a record of the run it belongs to, so a reload can offer to resume.
 * A checkpoint is written in one transaction, so a reload mid-save leaves the previous one.
 */
import type { CheckpointMeta, CheckpointStore, StoredCheckpoint } from '../../sleep/train/checkpoint.ts';
import type { TrainConfig } from '../../sleep/train/config.ts';
import type { DeviceChoice, ModelSettings, PreprocessSettings, SplitSettings } from '../state/types.ts';

const DB_NAME = 'hypnograd-training';
const CHECKPOINTS = 'checkpoints';
const RUNS = 'runs';
export const CHECKPOINT_NAME = 'current';
const RUN_KEY = 'current';

/** What a run was made of, to rebuild its inputs after a reload. */
export interface RunRecord {
  state: 'running' | 'stopped' | 'finished';
  startedAt: string;
  config: TrainConfig;
  model: ModelSettings;
  device: DeviceChoice;
  preprocess: PreprocessSettings;
  split: SplitSettings;
  datasetDescription: string;
  synthetic: boolean;
  syntheticOptions: { subjects: number; hours: number; seed: number } | null;
  /** recording id:windows, in order; the data must match it to resume. */
  fingerprint: string;
  /** Epochs completed by the latest checkpoint. */
  epochsDone: number;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(CHECKPOINTS)) db.createObjectStore(CHECKPOINTS);
      if (!db.objectStoreNames.contains(RUNS)) db.createObjectStore(RUNS);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`IndexedDB '${DB_NAME}' could not be opened: ${req.error?.message ?? 'unknown error'}`));
  });
}

async function withStore<T>(name: string, mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T> | null): Promise<T | undefined> {
  const db = await open();
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(name, mode);
      const req = fn(tx.objectStore(name));
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onerror = () => reject(new Error(`IndexedDB ${name}: ${tx.error?.message ?? 'transaction failed'}`));
      tx.onabort = () => reject(new Error(`IndexedDB ${name}: ${tx.error?.message ?? 'transaction aborted'} (storage full?)`));
    });
  } finally {
    db.close();
  }
}

export class IdbCheckpointStore implements CheckpointStore {
  async save(name: string, checkpoint: StoredCheckpoint): Promise<void> {
    await withStore(CHECKPOINTS, 'readwrite', (s) => s.put({ meta: checkpoint.meta, binary: checkpoint.binary }, name));
  }

  async load(name: string): Promise<StoredCheckpoint | undefined> {
    const v = await withStore<{ meta: CheckpointMeta; binary: Uint8Array } | undefined>(CHECKPOINTS, 'readonly', (s) => s.get(name));
    return v ? { meta: v.meta, binary: v.binary } : undefined;
  }

  async remove(name: string): Promise<void> {
    await withStore(CHECKPOINTS, 'readwrite', (s) => s.delete(name));
  }

  describe(name: string): string {
    return `this browser's IndexedDB (${DB_NAME}/${name})`;
  }
}

export async function loadRunRecord(): Promise<RunRecord | undefined> {
  return withStore<RunRecord | undefined>(RUNS, 'readonly', (s) => s.get(RUN_KEY));
}

export async function saveRunRecord(record: RunRecord): Promise<void> {
  await withStore(RUNS, 'readwrite', (s) => s.put(record, RUN_KEY));
}

export async function clearRun(): Promise<void> {
  await withStore(RUNS, 'readwrite', (s) => s.delete(RUN_KEY));
  await new IdbCheckpointStore().remove(CHECKPOINT_NAME);
}
