/**
 * Step 10: experiments. Every run kept in this browser (IndexedDB): list, rename, delete,
 * export and import as a file; two or more compared side by side; the tutorial's exercises as
 * one-click variations of the current run; the classic band-power baseline as a run like the others.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { Task } from '@lit/task';
import type { RunEpoch } from '../../../sleep/runs/record.ts';
import type { TrainConfig } from '../../../sleep/train/config.ts';
import { describeConfig } from '../../runs/fromTraining.ts';
import { RunLibraryController, runLibrary } from '../../runs/library.ts';
import { backendContext, datasetContext, epochsContext, modelContext, preprocessContext, splitContext } from '../../state/contexts.ts';
import { emit } from '../../state/events.ts';
import type { BackendState, Dataset, EpochsState, ModelSettings, PreprocessSettings, SplitState } from '../../state/types.ts';
import { TrainingController, trainingSession } from '../../training/session.ts';
import { theme } from '../../ui/theme.ts';
import { registerStep } from '../registry.ts';
import { runBaselineInWorker } from './baseline.ts';
import { VARIATIONS, samePreprocess, type Variation } from './variations.ts';
import './compare-view.ts';

interface Pending {
  config: TrainConfig;
  name: string;
  preprocess: PreprocessSettings;
}

@customElement('hg-experiments-step')
export class ExperimentsStep extends LitElement {
  static override styles = [
    theme,
    css`
      #runs-table { width: 100%; font-size: 0.88rem; }
      #runs-table td { vertical-align: top; }
      #runs-table td:nth-child(2), #runs-table th:nth-child(2) { text-align: left; }
      #runs-table th { white-space: nowrap; }
      .actions button { padding: 0.1rem 0.45rem; margin-left: 0.2rem; }
      .variations button { margin: 0 0.4rem 0.4rem 0; }
      .variations small { display: block; color: #5f6670; }
      input.rename { width: 18rem; }
    `,
  ];

  @consume({ context: backendContext, subscribe: true }) @property({ attribute: false }) backend!: BackendState;
  @consume({ context: datasetContext, subscribe: true }) @property({ attribute: false }) loaded: Dataset | null = null;
  @consume({ context: preprocessContext, subscribe: true }) @property({ attribute: false }) preprocess!: PreprocessSettings;
  @consume({ context: epochsContext, subscribe: true }) @property({ attribute: false }) epochs!: EpochsState;
  @consume({ context: splitContext, subscribe: true }) @property({ attribute: false }) split!: SplitState;
  @consume({ context: modelContext, subscribe: true }) @property({ attribute: false }) model!: ModelSettings;

  private readonly training = new TrainingController(this);
  private readonly library = new RunLibraryController(this);
  @state() private selected: string[] = [];
  @state() private renaming: string | null = null;
  @state() private confirmDelete: string | null = null;
  @state() private message = '';
  @state() private error = '';
  @state() private pending: Pending | null = null;
  @state() private baseline: { running: boolean; rows: RunEpoch[] } = { running: false, rows: [] };

  private readonly compareTask = new Task(this, {
    args: () => [this.selected.join(','), this.library.library.summaries] as const,
    task: async ([ids]) => (ids ? runLibrary.getMany(ids.split(',')) : []),
  });

  private get blocker(): string | null {
    if (!this.loaded) return 'Load recordings first (step 1).';
    if (this.epochs?.status !== 'ready') return 'The windows are not ready yet (step 4).';
    const s = this.split?.split;
    if (!s || s.train.length === 0 || s.valid.length === 0 || s.test.length === 0) return `The split needs training, validation and test subjects (step 5)${this.split?.error ? `: ${this.split.error}` : ''}.`;
    return null;
  }

  override updated(): void {
    const p = this.pending;
    if (p && !trainingSession.busy && this.epochs?.status === 'ready' && samePreprocess(this.epochs.settings, p.preprocess) && this.split?.split) {
      this.pending = null;
      void this.start(p.config, p.name);
    }
  }

  private async start(config: TrainConfig, name: string): Promise<void> {
    this.error = '';
    try {
      trainingSession.setConfig(config);
      runLibrary.nameNextRun(name);
      await trainingSession.start({
        dataset: this.loaded!, epochs: this.epochs, split: this.split, model: this.model, preprocess: this.preprocess,
        device: this.backend.device, config, resume: false,
      });
      emit(this, 'hg-navigate', 'train');
    } catch (error) {
      this.error = `The run could not start: ${(error as Error).message}`;
    }
  }

  private runVariation(v: Variation | null): void {
    const base = this.training.view.config;
    const config = v ? v.config(base) : base;
    const preprocess = v?.preprocess ? v.preprocess(this.preprocess) : this.preprocess;
    const name = `${this.loaded?.synthetic ? 'SYNTHETIC · ' : ''}${v ? `${v.label} · ` : ''}${describeConfig(config, preprocess)}`;
    if (!samePreprocess(this.preprocess, preprocess)) {
      this.pending = { config, name, preprocess };
      this.message = 'Recomputing the windows with the new filter, then training starts…';
      emit(this, 'hg-preprocess', preprocess);
      return;
    }
    void this.start(config, name);
  }

  private async runBaseline(): Promise<void> {
    this.error = '';
    this.baseline = { running: true, rows: [] };
    try {
      const record = await runBaselineInWorker(this.loaded, this.epochs, this.split, this.training.view.config.loss.classWeights === 'balanced', (row) => (this.baseline = { running: true, rows: [...this.baseline.rows, row] }));
      await runLibrary.save(record);
      this.message = `Saved “${record.name}”: test balanced accuracy ${record.metrics.test.balancedAccuracy.toFixed(3)}, kappa ${record.metrics.test.kappa.toFixed(3)}.`;
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.baseline = { ...this.baseline, running: false };
    }
  }

  private toggle(id: string, on: boolean): void {
    this.selected = on ? [...new Set([...this.selected, id])] : this.selected.filter((x) => x !== id);
  }

  private async act(what: string, fn: () => Promise<void>): Promise<void> {
    this.error = '';
    try {
      await fn();
    } catch (error) {
      this.error = `${what}: ${(error as Error).message}`;
    }
  }

  private async exportRuns(ids: string[]): Promise<void> {
    await this.act('Export', async () => {
      const { blob, fileName } = await runLibrary.exportFile(ids);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      this.message = `Exported ${ids.length} run${ids.length === 1 ? '' : 's'} as ${fileName}.`;
    });
  }

  private async importRuns(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    const problems: string[] = [];
    let added = 0;
    for (const f of files) {
      try {
        const r = await runLibrary.importFile(f);
        added += r.added.length;
        problems.push(...r.problems);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    this.message = `Imported ${added} run${added === 1 ? '' : 's'}.`;
    this.error = problems.length ? `Skipped: ${problems.join('; ')}` : '';
  }

  private async rename(id: string, e: Event): Promise<void> {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).querySelector('input') as HTMLInputElement;
    await this.act('Rename', () => runLibrary.rename(id, input.value));
    this.renaming = null;
  }

  private async deleteRun(id: string): Promise<void> {
    if (this.confirmDelete !== id) {
      this.confirmDelete = id;
      return;
    }
    this.confirmDelete = null;
    await this.act('Delete', () => runLibrary.remove(id));
    this.selected = this.selected.filter((x) => x !== id);
  }

  private renderVariations() {
    const busy = trainingSession.busy;
    const blocker = this.blocker;
    const v = this.training.view;
    return html`<div class="card variations" id="variations">
      <h3>One-click variations of the current run</h3>
      <p>The current run is the training step's settings: <strong id="base-config">${describeConfig(v.config, this.preprocess)}</strong>, batch ${v.config.batchSize}. Each button changes one thing, starts training (step 7) and keeps the run here.</p>
      <div>
        <button class="primary" id="variation-current" ?disabled=${busy || !!blocker || !!this.pending} @click=${() => this.runVariation(null)}>Train the current settings</button>
        ${VARIATIONS.map((x) => html`<button id="variation-${x.id}" title=${x.change} ?disabled=${busy || !!blocker || !!this.pending} @click=${() => this.runVariation(x)}>${x.label}<small>${x.change}</small></button>`)}
      </div>
      ${busy ? html`<p class="muted" id="training-busy">A run is in progress (${v.status}); its result lands here when it ends.</p>` : nothing}
      ${blocker ? html`<p class="muted">${blocker}</p>` : nothing}
    </div>`;
  }

  private renderBaseline() {
    const b = this.baseline;
    const last = b.rows[b.rows.length - 1];
    return html`<div class="card" id="baseline">
      <h3>Classic baseline: band powers + logistic regression ${this.loaded?.synthetic ? html`<span class="synthetic-badge">SYNTHETIC data</span>` : nothing}</h3>
      <p>The MNE tutorial's hand-made features: for each window and channel, the relative power in the delta, theta, alpha, sigma and beta bands (Welch), here as logarithms, then a multinomial logistic regression trained with hypnograd, on the same split as the ConvNet, with the training step's class weighting (${this.training.view.config.loss.classWeights === 'balanced' && this.split?.classWeights ? 'balanced' : 'none'}).</p>
      <div class="row"><button id="run-baseline" ?disabled=${b.running || !!this.blocker} @click=${() => void this.runBaseline()}>${b.running ? 'Training the baseline…' : 'Train the baseline'}</button>
        ${last ? html`<span class="muted" id="baseline-progress">step ${last.step}: validation balanced accuracy ${(last.validBalancedAccuracy as number).toFixed(3)}</span>` : nothing}</div>
    </div>`;
  }

  private renderRuns() {
    const lib = this.library.library;
    const runs = lib.summaries;
    return html`<div class="card" id="runs">
      <h3>Runs kept in this browser (${runs.length})</h3>
      <div class="row">
        <button id="export-selected" ?disabled=${this.selected.length === 0} @click=${() => void this.exportRuns(this.selected)}>Export ${this.selected.length || ''} selected</button>
        <label>Import runs <input type="file" id="import-runs" accept=".json,application/json" multiple @change=${(e: Event) => void this.importRuns(e)} /></label>
      </div>
      ${lib.error ? html`<p class="error" role="alert">${lib.error}</p>` : nothing}
      ${runs.length === 0 ? html`<p class="muted">No runs yet: train one (step 7, or a variation above) or the baseline.</p>` : html`
      <table id="runs-table" aria-label="Saved runs">
        <thead><tr><th>compare</th><th>name</th><th>model</th><th>status</th><th>epochs</th><th>test bal. acc.</th><th>test kappa</th><th>created</th><th></th></tr></thead>
        <tbody>${runs.map((r) => html`<tr data-id=${r.id} data-model=${r.model}>
          <td><input type="checkbox" class="select-run" aria-label="Compare ${r.name}" .checked=${this.selected.includes(r.id)} @change=${(e: Event) => this.toggle(r.id, (e.target as HTMLInputElement).checked)} /></td>
          <td>${this.renaming === r.id
            ? html`<form @submit=${(e: Event) => void this.rename(r.id, e)}><input class="rename" aria-label="New name" .value=${r.name} /> <button type="submit">Save</button></form>`
            : html`<span class="run-name">${r.name}</span>`}
            ${r.synthetic ? html` <span class="synthetic-badge">SYNTHETIC</span>` : nothing}</td>
          <td>${r.model === 'chambon2018' ? 'ConvNet' : r.model === 'logistic-regression' ? 'band powers + LR' : r.model}</td>
          <td>${r.status}</td><td>${r.epochs}</td>
          <td>${r.metrics.test ? r.metrics.test.balancedAccuracy.toFixed(3) : '—'}</td>
          <td>${r.metrics.test ? r.metrics.test.kappa.toFixed(3) : '—'}</td>
          <td>${new Date(r.created).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'short' })}</td>
          <td class="actions">
            <button class="rename-run" @click=${() => (this.renaming = this.renaming === r.id ? null : r.id)}>Rename</button>
            <button class="export-run" @click=${() => void this.exportRuns([r.id])}>Export</button>
            <button class="delete-run" @click=${() => void this.deleteRun(r.id)}>${this.confirmDelete === r.id ? 'Really delete?' : 'Delete'}</button>
          </td></tr>`)}</tbody>
      </table>`}
    </div>`;
  }

  override render() {
    return html`<h2>10. Experiments ${this.loaded?.synthetic ? html`<span class="synthetic-badge">SYNTHETIC data</span>` : nothing}</h2>
      <p>Every run is kept in this browser (IndexedDB; nothing leaves this machine unless you export it): its settings, data selection, curves, metrics and weights.</p>
      ${this.message ? html`<p role="status" id="experiments-message">${this.message}</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert" id="experiments-error">${this.error}</p>` : nothing}
      ${this.renderVariations()}
      ${this.renderBaseline()}
      ${this.renderRuns()}
      <div class="card" id="compare">
        <h3>Compare</h3>
        ${this.compareTask.render({
          pending: () => html`<p role="status">Loading the runs…</p>`,
          error: (e) => html`<p class="error" role="alert">${(e as Error).message}</p>`,
          complete: (runs) => html`<hg-run-compare .runs=${runs}></hg-run-compare>`,
        })}
      </div>`;
  }
}

registerStep({ id: 'experiments', title: '10. Experiments', summary: 'runs, variations, baseline', render: () => html`<hg-experiments-step></hg-experiments-step>` }, 'internals');

declare global {
  interface HTMLElementTagNameMap {
    'hg-experiments-step': ExperimentsStep;
  }
}
