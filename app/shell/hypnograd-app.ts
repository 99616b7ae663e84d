/**
 * The app shell: header (dataset badge, backend choice), step navigation from the registry,
 * and the owner of all app-wide state, which it provides to the steps through @lit/context.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { provide } from '@lit/context';
import { Task } from '@lit/task';
import { balancedClassWeights, splitBySubject } from '../../sleep/dataset/index.ts';
import { DataLoader } from '../data/loader.ts';
import { loaderContext, type LoadView } from '../data/loaderContext.ts';
import {
  backendContext, datasetContext, epochsContext, modelContext, preprocessContext, splitContext,
} from '../state/contexts.ts';
import { DEFAULT_MODEL, DEFAULT_PREPROCESS, defaultSplit } from '../state/defaults.ts';
import type {
  BackendState, Dataset, EpochsState, ModelSettings, PreprocessSettings, SplitSettings, SplitState,
} from '../state/types.ts';
import { STEPS, stepFromHash, type StepDefinition } from '../steps/registry.ts';
import { runJob } from '../workers/client.ts';
import { detectBackend } from './backend.ts';
import { theme } from '../ui/theme.ts';

@customElement('hypnograd-app')
export class HypnogradApp extends LitElement {
  static override styles = [
    theme,
    css`
      :host { display: block; min-height: 100vh; background: #f4f5f7; }
      header { display: flex; align-items: center; gap: 1rem; padding: 0.5rem 1.2rem; background: #14213d; color: #fff; flex-wrap: wrap; }
      header h1 { font-size: 1.15rem; margin: 0; }
      header .tag { color: #c8d0e0; font-size: 0.85rem; }
      header .spacer { flex: 1; }
      header label { color: #fff; margin: 0; }
      header select { padding: 0.15rem 0.3rem; }
      .backend-note { font-size: 0.8rem; color: #ffd88a; max-width: 34rem; }
      .layout { display: grid; grid-template-columns: 12.5rem 1fr; gap: 1rem; padding: 1rem 1.2rem; max-width: 1400px; margin: 0 auto; }
      nav ol { list-style: none; margin: 0; padding: 0; }
      nav a { display: block; padding: 0.45rem 0.6rem; border-radius: 6px; color: #1d1d1f; text-decoration: none; margin-bottom: 0.2rem; }
      nav a small { display: block; color: #5f6670; }
      nav a[aria-current='page'] { background: #1f4e8c; color: #fff; }
      nav a[aria-current='page'] small { color: #d6e2f5; }
      nav a:focus-visible { outline: 3px solid #f0b429; }
      main { min-width: 0; }
      .status { font-size: 0.8rem; color: #5f6670; margin-top: 1rem; padding: 0 0.6rem; }
      .privacy { font-size: 0.75rem; color: #5f6670; margin-top: 1rem; padding: 0 0.6rem; }
    `,
  ];

  @provide({ context: backendContext }) @state() backend: BackendState = { device: 'cpu', webgpuAvailable: null, detail: 'checking for WebGPU…', busy: true };
  @provide({ context: datasetContext }) @state() loaded: Dataset | null = null;
  @provide({ context: preprocessContext }) @state() preprocess: PreprocessSettings = DEFAULT_PREPROCESS;
  @provide({ context: epochsContext }) @state() epochs: EpochsState = { status: 'empty', recordings: [], skipped: [] };
  @provide({ context: splitContext }) @state() split: SplitState = { settings: defaultSplit([]) };
  @provide({ context: modelContext }) @state() model: ModelSettings = DEFAULT_MODEL;
  readonly loader = new DataLoader(this);
  @provide({ context: loaderContext }) @state() loadView: LoadView = { loader: this.loader, status: this.loader.status, downloads: [], downloadHelp: null };

  @state() private step: StepDefinition = stepFromHash(location.hash);
  @state() private splitSettings: SplitSettings = defaultSplit([]);

  private readonly onHash = () => {
    this.step = stepFromHash(location.hash);
  };

  /** Epoching follows the dataset and the preprocessing settings; a newer run aborts the old. */
  private readonly epochTask = new Task(this, {
    args: () => [this.loaded, this.preprocess] as const,
    task: async ([dataset, settings], { signal }) => {
      if (!dataset || dataset.recordings.length === 0) return null;
      this.epochs = { status: 'running', recordings: [], skipped: [], settings };
      const inputs = dataset.recordings.map((r) => ({
        id: r.id, file: r.file, subject: r.subject, night: r.night, sfreq: r.sfreq, channels: r.channels, annotations: r.annotations,
      }));
      return { settings, result: await runJob('epochs', { recordings: inputs, settings }, { signal }) };
    },
    onComplete: (value) => {
      this.epochs = value
        ? { status: 'ready', recordings: value.result.recordings, skipped: value.result.skipped, settings: value.settings }
        : { status: 'empty', recordings: [], skipped: [] };
    },
    onError: (error) => {
      if ((error as Error)?.name === 'AbortError') return;
      this.epochs = { status: 'error', recordings: [], skipped: [], error: (error as Error).message };
    },
  });

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    this.addEventListener('hg-preprocess', (e) => (this.preprocess = e.detail));
    this.addEventListener('hg-split', (e) => (this.splitSettings = e.detail));
    this.addEventListener('hg-model', (e) => (this.model = e.detail));
    this.addEventListener('hg-device', (e) => (this.backend = { ...this.backend, device: e.detail }));
    this.addEventListener('hg-navigate', (e) => (location.hash = `#/${e.detail}`));
    void detectBackend().then((b) => (this.backend = b));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
  }

  /** Called by the loader when a load finished. */
  onDataset(dataset: Dataset): void {
    this.loaded = dataset;
    this.splitSettings = defaultSplit(dataset.recordings.map((r) => r.subject));
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('epochs') || changed.has('splitSettings')) this.split = this.deriveSplit();
    const l = this.loader;
    const v = this.loadView;
    if (v.status !== l.status || v.downloads !== l.downloads || v.downloadHelp !== l.downloadHelp) {
      this.loadView = { loader: l, status: l.status, downloads: l.downloads, downloadHelp: l.downloadHelp };
    }
  }

  private deriveSplit(): SplitState {
    const settings = this.splitSettings;
    const recs = this.epochs.recordings;
    if (this.epochs.status !== 'ready' || recs.length === 0) return { settings };
    try {
      const split = splitBySubject(recs.map((r) => r.subject), {
        testSubjects: settings.testSubjects,
        validSubjects: settings.validSubjects ?? undefined,
        nValid: settings.nValid,
      });
      const counts = [split.train, split.valid, split.test].map((idx) => {
        const c = [0, 0, 0, 0, 0];
        for (const i of idx) for (const y of recs[i].labels) c[y]++;
        return c;
      });
      let classWeights: Float64Array | undefined;
      let error: string | undefined;
      try {
        classWeights = balancedClassWeights(split.train.map((i) => recs[i].labels));
      } catch (e) {
        error = (e as Error).message;
      }
      return { settings, split, counts, classWeights, error };
    } catch (e) {
      return { settings, error: (e as Error).message };
    }
  }

  private renderHeader() {
    const b = this.backend;
    return html`<header>
      <h1>hypnograd</h1>
      <span class="tag">sleep staging from scratch, in your browser</span>
      ${this.loaded?.synthetic ? html`<span class="synthetic-badge" title="Generated EEG, not a real recording">SYNTHETIC data</span>` : nothing}
      <span class="spacer"></span>
      <label>Backend
        <select aria-label="Compute backend" id="backend"
          @change=${(e: Event) => (this.backend = { ...b, device: (e.target as HTMLSelectElement).value as BackendState['device'] })}>
          <option value="webgpu" ?disabled=${!b.webgpuAvailable} ?selected=${b.device === 'webgpu'}>WebGPU${b.webgpuAvailable === false ? ' (unavailable)' : ''}</option>
          <option value="cpu" ?selected=${b.device === 'cpu'}>CPU</option>
        </select>
      </label>
      <span class="backend-note" role="status" id="backend-detail">${b.webgpuAvailable === false ? b.detail : b.webgpuAvailable ? `${b.detail}` : b.detail}</span>
    </header>`;
  }

  override render() {
    return html`${this.renderHeader()}
      <div class="layout">
        <nav aria-label="Pipeline steps">
          <ol>
            ${STEPS.map((s) => html`<li><a href="#/${s.id}" aria-current=${s.id === this.step.id ? 'page' : 'false'}>${s.title}<small>${s.summary}</small></a></li>`)}
          </ol>
          <p class="status" aria-live="polite">
            ${this.loaded ? html`${this.loaded.description}` : 'No data loaded yet.'}<br />
            Windows: ${this.epochs.status === 'running' ? 'computing…' : this.epochs.status === 'ready' ? this.epochs.recordings.reduce((n, r) => n + r.nEpochs, 0).toLocaleString('en-US') : this.epochs.status === 'error' ? 'error' : '–'}
          </p>
          <p class="privacy">Your EEG stays on this machine: files are read and processed in this browser tab; nothing is uploaded.</p>
        </nav>
        <main id="step" data-step=${this.step.id}>${this.step.render()}</main>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hypnograd-app': HypnogradApp;
  }
}
