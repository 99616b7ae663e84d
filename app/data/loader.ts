/**
 * Loading data into the app: the SYNTHETIC demo, dropped files, PhysioNet downloads. Owned by the
 * shell (so a load finishes even when the user leaves the Data step); the latest load wins.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { DownloadError, downloadFile, selectRecordings, type DownloadEvent } from '../../sleep/physionet/index.ts';
import type { Dataset, LoadIssue } from '../state/types.ts';
import { runJob } from '../workers/client.ts';
import type { JobProgress } from '../workers/protocol.ts';
import { OpfsStore } from './opfsStore.ts';
import { BLOCKED_HELP, findDownloadSource } from './physionetSource.ts';

export interface LoadStatus {
  running: 'synthetic' | 'files' | 'physionet' | null;
  progress: JobProgress | null;
  /** Last failure of a whole load (single-file problems go to the dataset's issues). */
  error: string | null;
}

export interface DownloadRow {
  file: string;
  state: 'waiting' | 'downloading' | 'cached' | 'done' | 'failed';
  bytes: number;
  totalBytes?: number;
  message?: string;
}

export interface SyntheticOptions {
  subjects: number;
  hours: number;
  seed: number;
}

export const DEFAULT_SYNTHETIC: SyntheticOptions = { subjects: 8, hours: 2.5, seed: 0 };

export class DataLoader implements ReactiveController {
  dataset: Dataset | null = null;
  status: LoadStatus = { running: null, progress: null, error: null };
  downloads: DownloadRow[] = [];
  downloadHelp: string | null = null;
  private seq = 0;
  private abort: AbortController | null = null;

  constructor(private readonly host: ReactiveControllerHost & { onDataset(d: Dataset): void }) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.abort?.abort();
  }

  private begin(kind: NonNullable<LoadStatus['running']>): { id: number; signal: AbortSignal } {
    this.abort?.abort();
    this.abort = new AbortController();
    this.status = { running: kind, progress: null, error: null };
    this.host.requestUpdate();
    return { id: ++this.seq, signal: this.abort.signal };
  }

  private progress(id: number, p: JobProgress): void {
    if (id !== this.seq) return;
    this.status = { ...this.status, progress: p };
    this.host.requestUpdate();
  }

  private finish(id: number, dataset: Dataset | null, error: string | null = null): void {
    if (id !== this.seq) return;
    this.status = { running: null, progress: null, error };
    if (dataset) {
      this.dataset = dataset;
      this.host.onDataset(dataset);
    }
    this.host.requestUpdate();
  }

  async loadSynthetic(options: SyntheticOptions = DEFAULT_SYNTHETIC): Promise<void> {
    const { id, signal } = this.begin('synthetic');
    const subjects = Array.from({ length: options.subjects }, (_, i) => i);
    try {
      const recordings = await runJob('synthesize', { subjects, hours: options.hours, seed: options.seed }, { signal, onProgress: (p) => this.progress(id, p) });
      this.finish(id, {
        source: 'synthetic',
        synthetic: true,
        description: `SYNTHETIC demo: ${options.subjects} subjects, ${options.hours} h each (seed ${options.seed})`,
        recordings,
        issues: [],
        syntheticOptions: { ...options },
      });
    } catch (error) {
      if (!signal.aborted) this.finish(id, null, (error as Error).message);
    }
  }

  async loadFiles(files: File[], source: 'files' | 'physionet' = 'files', extraIssues: LoadIssue[] = []): Promise<void> {
    const { id, signal } = source === 'files' ? this.begin('files') : { id: this.seq, signal: this.abort!.signal };
    try {
      const result = await runJob('readFiles', { files }, { signal, onProgress: (p) => this.progress(id, p) });
      const n = result.recordings.length;
      this.finish(id, {
        source,
        synthetic: false,
        description: `${n} recording${n === 1 ? '' : 's'} from ${source === 'files' ? 'your files' : 'PhysioNet'}`,
        recordings: result.recordings,
        issues: [...extraIssues, ...result.issues],
      });
    } catch (error) {
      if (!signal.aborted) this.finish(id, null, (error as Error).message);
    }
  }

  /** Downloads (or finds cached) the PSG and hypnogram of each subject's night, then loads them. */
  async download(subjects: number[], nights: number[]): Promise<void> {
    const { id, signal } = this.begin('physionet');
    const { recordings, unavailable } = selectRecordings(subjects, nights);
    const issues: LoadIssue[] = unavailable.map((u) => ({ file: u, field: null, reason: 'not in the sleep-cassette catalog', effect: 'skipped' }));
    const targets = recordings.flatMap((r) => [r.psg, r.hypnogram]);
    this.downloads = targets.map((t) => ({ file: t.file, state: 'waiting', bytes: 0 }));
    this.downloadHelp = null;
    this.host.requestUpdate();
    if (!OpfsStore.isSupported()) {
      this.finish(id, null, 'this browser has no Origin Private File System to keep downloads in');
      return;
    }
    const store = await OpfsStore.open();
    const source = await findDownloadSource();
    const row = (file: string) => this.downloads.find((d) => d.file === file)!;
    const onEvent = (e: DownloadEvent) => {
      if (id !== this.seq) return;
      const r = row(e.file);
      if (e.type === 'present') Object.assign(r, { state: 'cached', message: 'already in this browser (SHA-1 checked)' });
      else if (e.type === 'start') Object.assign(r, { state: 'downloading', bytes: e.resumeFrom, totalBytes: e.totalBytes });
      else if (e.type === 'progress') Object.assign(r, { bytes: e.bytes, totalBytes: e.totalBytes });
      else if (e.type === 'done') Object.assign(r, { state: 'done', bytes: e.bytes, message: 'SHA-1 verified' });
      else if (e.type === 'note') r.message = e.message;
      this.downloads = [...this.downloads];
      this.host.requestUpdate();
    };
    let blocked = false;
    for (const [i, target] of targets.entries()) {
      if (signal.aborted) return;
      this.progress(id, { done: i, total: targets.length, what: target.file });
      try {
        await downloadFile(target, { store, baseUrl: source.baseUrl, onEvent, signal, retries: 1 });
      } catch (error) {
        const message = error instanceof DownloadError ? error.message.slice(target.file.length + 2) : (error as Error).message;
        if (!source.viaProxy && /request to .* failed/.test(message)) blocked = true;
        Object.assign(row(target.file), { state: 'failed', message });
        issues.push({ file: target.file, field: null, reason: message, effect: 'skipped' });
        this.downloads = [...this.downloads];
      }
    }
    if (blocked) this.downloadHelp = BLOCKED_HELP;
    const files: File[] = [];
    for (const t of targets) {
      const f = await store.file(t.file);
      if (f && row(t.file).state !== 'failed') files.push(f);
    }
    if (files.length === 0) {
      this.finish(id, null, `nothing was downloaded${blocked ? '' : '; see the errors above'}`);
      return;
    }
    await this.loadFiles(files, 'physionet', issues);
  }
}
