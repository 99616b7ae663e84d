/**
 * The app's run library: every run (ConvNet trainings and baselines) kept in IndexedDB, with a
 * cached listing that Lit elements subscribe to. It also records every training run: it watches
 * the training session (app/training/session.ts), captures the app's state when a run starts
 * and stores the run when it ends, whichever step started it.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { decodeRunsFile, encodeRunsFile, runsFileName } from '../../sleep/runs/file.ts';
import type { RunRecord, RunSummary } from '../../sleep/runs/record.ts';
import type { RunStore } from '../../sleep/runs/store.ts';
import { trainingSession, type Phase } from '../training/session.ts';
import type { HypnogradApp } from '../shell/hypnograd-app.ts';
import { IdbRunStore } from './idbRunStore.ts';
import { runFromTraining, type RunInputs } from './fromTraining.ts';

const BUSY: readonly Phase[] = ['starting', 'running', 'paused', 'stopping'];

class RunLibrary {
  readonly store: RunStore = new IdbRunStore();
  summaries: RunSummary[] = [];
  loaded = false;
  error: string | null = null;
  /** Runs recorded since the page loaded, newest last (ids), to tell the user what was saved. */
  lastSaved: string | null = null;
  private readonly hosts = new Set<ReactiveControllerHost>();
  private nextName: string | null = null;
  private started: RunInputs | null = null;
  private lastPhase: Phase = trainingSession.view.phase;

  subscribe(host: ReactiveControllerHost): () => void {
    this.hosts.add(host);
    if (!this.loaded) void this.refresh();
    return () => this.hosts.delete(host);
  }

  private changed(): void {
    for (const h of this.hosts) h.requestUpdate();
  }

  async refresh(): Promise<void> {
    try {
      this.summaries = await this.store.list();
      this.error = null;
    } catch (e) {
      this.error = (e as Error).message;
    }
    this.loaded = true;
    this.changed();
  }

  private async guard(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.error = (e as Error).message;
      this.changed();
      throw e;
    }
    await this.refresh();
  }

  save(run: RunRecord): Promise<void> {
    return this.guard(async () => {
      await this.store.put(run);
      this.lastSaved = run.id;
    });
  }

  rename(id: string, name: string): Promise<void> {
    return this.guard(() => this.store.rename(id, name));
  }

  remove(id: string): Promise<void> {
    return this.guard(() => this.store.delete(id));
  }

  async getMany(ids: readonly string[]): Promise<RunRecord[]> {
    const runs = await Promise.all(ids.map((id) => this.store.get(id)));
    return runs.filter((r): r is RunRecord => r !== undefined);
  }

  async exportFile(ids: readonly string[]): Promise<{ blob: Blob; fileName: string }> {
    const runs = await this.getMany(ids);
    if (runs.length === 0) throw new Error('export: no run selected');
    return { blob: new Blob([encodeRunsFile(runs)], { type: 'application/json' }), fileName: runsFileName(runs) };
  }

  /** Adds the good runs of a file (a run whose id exists gets a new id); returns what was skipped. */
  async importFile(file: File): Promise<{ added: RunRecord[]; problems: string[] }> {
    const decoded = decodeRunsFile(new Uint8Array(await file.arrayBuffer()), file.name);
    const existing = new Set(this.summaries.map((s) => s.id));
    const added: RunRecord[] = [];
    const problems = [...decoded.problems];
    for (const run of decoded.runs) {
      const r = existing.has(run.id) ? { ...run, id: crypto.randomUUID(), name: `${run.name} (imported)` } : run;
      try {
        await this.store.put(r);
        added.push(r);
      } catch (e) {
        problems.push(`${file.name}: run '${run.name}': ${(e as Error).message}`);
      }
    }
    await this.refresh();
    return { added, problems };
  }

  /** The name the next training run is saved under (a one-click variation names its run). */
  nameNextRun(name: string): void {
    this.nextName = name;
  }

  /** Called on every change of the training session. */
  onTraining(): void {
    const v = trainingSession.view;
    const was = this.lastPhase;
    this.lastPhase = v.phase;
    if (v.phase === 'starting' && !BUSY.includes(was)) {
      this.started = this.snapshot();
      return;
    }
    const ended = BUSY.includes(was) && (v.phase === 'finished' || v.phase === 'stopped' || v.phase === 'error');
    if (!ended || !this.started) return;
    const inputs = { ...this.started, config: v.config };
    this.started = null;
    if (v.history.length === 0 && !v.result) return;
    void this.save(runFromTraining(inputs, { result: v.result, history: v.history, phase: v.phase, windows: v.windows })).catch(() => {});
  }

  /** The shell's state as the run starts (the shell owns it; see hypnograd-app.ts). */
  private snapshot(): RunInputs | null {
    const app = document.querySelector('hypnograd-app') as HypnogradApp | null;
    if (!app) return null;
    const name = this.nextName ?? undefined;
    this.nextName = null;
    return {
      dataset: app.loaded, epochs: app.epochs, split: app.split, model: app.model, preprocess: app.preprocess,
      device: app.backend.device, config: trainingSession.view.config, name,
    };
  }
}

export const runLibrary = new RunLibrary();

// The library follows the training session for the whole life of the page.
const watcher: ReactiveControllerHost = {
  addController: () => {},
  removeController: () => {},
  requestUpdate: () => runLibrary.onTraining(),
  updateComplete: Promise.resolve(true),
};
trainingSession.subscribe(watcher);

/** Re-renders its host whenever the run library changes. */
export class RunLibraryController implements ReactiveController {
  private unsubscribe: (() => void) | null = null;
  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }
  get library(): RunLibrary {
    return runLibrary;
  }
  hostConnected(): void {
    this.unsubscribe = runLibrary.subscribe(this.host);
  }
  hostDisconnected(): void {
    this.unsubscribe?.();
  }
}
