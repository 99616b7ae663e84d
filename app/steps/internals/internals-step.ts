/**
 * Step 9: inside the network. One training step's computational graph with each op's code and
 * kernels; the first-layer filters in time and frequency; each layer's output for a window;
 * per-layer gradient norms and update ratios; the engine's gradient checks on this GPU.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { Task } from '@lit/task';
import type { DeviceName } from '../../../engine/index.ts';
import { firstLayerFilters } from '../../../sleep/internals/filters.ts';
import type { GradientTracker } from '../../../sleep/internals/gradientTracker.ts';
import type { SleepStagerChambon2018 } from '../../../sleep/model/chambon.ts';
import { backendContext, datasetContext, epochsContext, modelContext, splitContext } from '../../state/contexts.ts';
import type { BackendState, Dataset, EpochsState, ModelSettings, SplitState } from '../../state/types.ts';
import { TrainingController } from '../../training/session.ts';
import { theme } from '../../ui/theme.ts';
import { registerStep } from '../registry.ts';
import { splitWindows, trainBatch } from './data.ts';
import { demoTrainWithTracker } from './demoTraining.ts';
import { traceTrainingStep } from './stepTrace.ts';
import { buildModel, disposeModel, newestWeights, type WeightsSource } from './weights.ts';
import './graph-panel.ts';
import './filters-panel.ts';
import './activations-panel.ts';
import './gradients-panel.ts';
import './gradcheck-panel.ts';

type Tab = 'graph' | 'filters' | 'activations' | 'gradients' | 'gradcheck';
const TABS: [Tab, string][] = [['graph', 'Graph of a step'], ['filters', 'Learned filters'], ['activations', 'Activations'], ['gradients', 'Gradients'], ['gradcheck', 'Gradient check']];
const GRAPH_BATCH = 16;
const DEMO_BATCH = 32;

@customElement('hg-internals-step')
export class InternalsStep extends LitElement {
  static override styles = [
    theme,
    css`
      .tabs { display: flex; gap: 0.3rem; flex-wrap: wrap; margin: 0.5rem 0 0.8rem; }
      .tabs button[aria-selected='true'] { background: #1f4e8c; color: #fff; border-color: #1f4e8c; }
      .source { font-size: 0.85rem; }
    `,
  ];

  @consume({ context: backendContext, subscribe: true }) @property({ attribute: false }) backend!: BackendState;
  @consume({ context: datasetContext, subscribe: true }) @property({ attribute: false }) loaded: Dataset | null = null;
  @consume({ context: epochsContext, subscribe: true }) @property({ attribute: false }) epochs!: EpochsState;
  @consume({ context: splitContext, subscribe: true }) @property({ attribute: false }) split!: SplitState;
  @consume({ context: modelContext, subscribe: true }) @property({ attribute: false }) model!: ModelSettings;

  private readonly training = new TrainingController(this);
  @state() private tab: Tab = 'graph';
  @state() private tracker: GradientTracker | null = null;
  @state() private demoSteps = 30;
  @state() private demo = { running: false, step: 0, loss: NaN, error: '', version: 0 };
  private cpuModel: SleepStagerChambon2018 | null = null;

  private get ready(): boolean {
    return this.epochs?.status === 'ready' && this.epochs.recordings.length > 0 && !!this.split?.split && this.split.split.train.length > 0;
  }

  /** Changes when there may be newer weights: each finished epoch (a checkpoint), and the end of a run. */
  private get weightsKey(): string {
    const v = this.training.view;
    return `${v.history.length}:${v.result ? 'result' : ''}:${v.phase}`;
  }

  private device(): DeviceName {
    return this.backend?.webgpuAvailable && this.backend.device === 'webgpu' ? 'webgpu' : 'cpu';
  }

  private readonly weightsTask = new Task(this, {
    args: () => [this.weightsKey] as const,
    task: async () => newestWeights(this.training.view),
  });

  /** The CPU copy for filters and activations (no GPU contention with a running training worker). */
  private readonly modelTask = new Task(this, {
    args: () => [this.ready, this.weightsTask.value, this.model, this.epochs] as const,
    task: async ([ready, weights, settings, epochs]) => {
      if (!ready || !weights) return null;
      const first = epochs.recordings[0];
      let model: SleepStagerChambon2018;
      let source: WeightsSource = weights;
      let note = '';
      try {
        model = buildModel(settings, first, 'cpu', weights);
      } catch (error) {
        note = (error as Error).message;
        source = { kind: 'init', label: 'untrained: a fresh initialisation' };
        model = buildModel(settings, first, 'cpu', source);
      }
      if (this.cpuModel) disposeModel(this.cpuModel);
      this.cpuModel = model;
      return { model, source, note, filters: await firstLayerFilters(model) };
    },
  });

  private readonly graphTask = new Task(this, {
    args: () => [this.tab === 'graph' ? this.modelTask.value : null, this.backend?.device] as const,
    task: async ([m]) => {
      if (!m) return null;
      const device = this.device();
      const model = buildModel(this.model, this.epochs.recordings[0], device, m.source);
      try {
        const batch = trainBatch(this.epochs, this.split, GRAPH_BATCH);
        return await traceTrainingStep(model, batch, this.training.view.config.loss, this.split.classWeights ?? null, device);
      } finally {
        disposeModel(model);
      }
    },
  });

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.cpuModel) disposeModel(this.cpuModel);
    this.cpuModel = null;
  }

  private async runDemo(): Promise<void> {
    const m = this.modelTask.value;
    if (!m || this.demo.running) return;
    const device = this.device();
    this.demo = { running: true, step: 0, loss: NaN, error: '', version: this.demo.version };
    const model = buildModel(this.model, this.epochs.recordings[0], device, m.source);
    try {
      let tracker: GradientTracker | null = null;
      tracker = await demoTrainWithTracker(model, this.epochs, this.split, this.training.view.config, device, {
        steps: this.demoSteps, batchSize: DEMO_BATCH,
        onStep: (step, loss) => (this.demo = { ...this.demo, step, loss }),
      });
      this.tracker = tracker;
      this.demo = { ...this.demo, running: false, version: this.demo.version + 1 };
    } catch (error) {
      this.demo = { ...this.demo, running: false, error: (error as Error).message };
    } finally {
      disposeModel(model);
    }
  }

  private renderWeights() {
    const m = this.modelTask.value;
    if (!m) return nothing;
    return html`<p class="source" id="weights-source" data-kind=${m.source.kind}>Weights: <strong>${m.source.label}</strong>.
      ${m.note ? html`<span class="error">${m.note}</span>` : nothing}</p>`;
  }

  private renderTab() {
    const m = this.modelTask.value;
    switch (this.tab) {
      case 'graph':
        return html`<p>One training step of the current model on ${GRAPH_BATCH} training windows, recorded by autograd: every op with the shapes going in and out, forward, then backward.</p>
          ${this.graphTask.render({
            pending: () => html`<p role="status">Running one step and reading its graph…</p>`,
            error: (e) => html`<p class="error" role="alert">${(e as Error).message}</p>`,
            complete: (step) => html`<hg-graph-panel .step=${step}></hg-graph-panel>`,
          })}`;
      case 'filters':
        return html`<p>The first temporal convolution slides ${m?.filters.length ?? ''} short kernels along the (spatially mixed) EEG. Each is a filter: its frequency response says which rhythms it passes. Trained on sleep, filters tend to tune to delta (N3), sigma (spindles of N2) or alpha (wake). The view follows training: it reloads after every epoch's checkpoint.</p>
          <hg-filters-panel .filters=${m?.filters ?? []} .maxHz=${this.epochs.recordings[0].sfreq / 2}></hg-filters-panel>`;
      case 'activations':
        return html`<p>One 30-s window through every layer of the network (evaluation mode: no dropout).</p>
          <hg-activations-panel .model=${m?.model ?? null} .windows=${[...splitWindows(this.epochs, this.split, 'test'), ...splitWindows(this.epochs, this.split, 'valid')]}></hg-activations-panel>`;
      case 'gradients':
        return html`<p id="gradients-note"><strong>A demo run in this page:</strong> the training worker does not report gradients, so this trains a copy of the current model for a few steps of ${DEMO_BATCH} training windows, with the training step's optimizer and loss, on ${this.device() === 'webgpu' ? 'WebGPU' : 'the CPU'}, and measures each layer after every step. The real run is not changed.</p>
          <div class="row"><label>Steps <input id="demo-steps" type="number" min="1" max="500" step="1" .value=${String(this.demoSteps)} ?disabled=${this.demo.running}
              @change=${(e: Event) => { const n = Math.round(Number((e.target as HTMLInputElement).value)); if (n >= 1) this.demoSteps = Math.min(500, n); }} /></label>
            <button class="primary" id="run-demo" ?disabled=${this.demo.running || !m} @click=${() => void this.runDemo()}>${this.demo.running ? `Step ${this.demo.step} of ${this.demoSteps}…` : `Train ${this.demoSteps} demo steps`}</button>
            ${this.demo.step ? html`<span class="muted" id="demo-status" data-step=${this.demo.step} data-running=${String(this.demo.running)}>step ${this.demo.step}, loss ${this.demo.loss.toFixed(4)}</span>` : nothing}</div>
          ${this.demo.error ? html`<p class="error" role="alert">${this.demo.error}</p>` : nothing}
          <hg-gradients-panel .tracker=${this.tracker} .version=${this.demo.version}></hg-gradients-panel>`;
      case 'gradcheck':
        return html`<hg-gradcheck-panel .device=${this.device()}></hg-gradcheck-panel>`;
    }
  }

  override render() {
    const synthetic = this.loaded?.synthetic;
    return html`<h2>9. Inside the network ${synthetic ? html`<span class="synthetic-badge">SYNTHETIC data</span>` : nothing}</h2>
      ${this.ready ? html`
        <div class="tabs" role="tablist" aria-label="Internals views">
          ${TABS.map(([id, label]) => html`<button role="tab" id="tab-${id}" aria-selected=${String(this.tab === id)} @click=${() => (this.tab = id)}>${label}</button>`)}
        </div>
        ${this.tab === 'gradcheck' ? nothing : this.renderWeights()}
        <div class="card" role="tabpanel" id="panel-${this.tab}">${this.tab === 'gradcheck' || this.modelTask.value ? this.renderTab() : html`<p role="status">Building the model…</p>`}</div>`
        : html`<div class="empty">Load recordings (step 1) and make a split with training windows (step 5) first: this view traces the model on those windows.</div>
          <div class="card">${this.renderTabGradcheckOnly()}</div>`}`;
  }

  /** The gradient checks need no data. */
  private renderTabGradcheckOnly() {
    return html`<h3>Gradient check</h3><hg-gradcheck-panel .device=${this.device()}></hg-gradcheck-panel>`;
  }
}

registerStep({ id: 'internals', title: '9. Inside the network', summary: 'graph, filters, gradients', render: () => html`<hg-internals-step></hg-internals-step>` }, 'evaluate');

declare global {
  interface HTMLElementTagNameMap {
    'hg-internals-step': InternalsStep;
  }
}
