/** Step 6: the Chambon et al. (2018) ConvNet: its layers, shapes and parameters, editable. */
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { Task } from '@lit/task';
import { SleepStagerChambon2018, type ChambonRounding } from '../../sleep/model/chambon.ts';
import { summary, type ModelSummary } from '../../sleep/model/summary.ts';
import { datasetContext, modelContext } from '../state/contexts.ts';
import { emit } from '../state/events.ts';
import type { Dataset, ModelSettings } from '../state/types.ts';
import { theme } from '../ui/theme.ts';

export function buildSummary(settings: ModelSettings, nChannels: number, sfreq: number): ModelSummary {
  // The CPU backend traces the shapes: cheap, and independent of the training device.
  const model = new SleepStagerChambon2018({ ...settings, nChannels, sfreq, nClasses: 5, device: 'cpu' });
  return summary(model);
}

@customElement('hg-model-step')
export class ModelStep extends LitElement {
  static override styles = theme;
  @consume({ context: modelContext, subscribe: true }) @property({ attribute: false }) settings!: ModelSettings;
  @consume({ context: datasetContext, subscribe: true }) @property({ attribute: false }) loaded: Dataset | null = null;

  private readonly summaryTask = new Task(this, {
    args: () => [this.settings, this.loaded?.recordings[0]?.channels.length ?? 2, this.loaded?.recordings[0]?.sfreq ?? 100] as const,
    task: async ([settings, nChannels, sfreq]) => {
      // Yield a frame so the edited field repaints before the trace runs.
      await new Promise((r) => setTimeout(r, 0));
      return buildSummary(settings, nChannels, sfreq);
    },
  });

  private set<K extends keyof ModelSettings>(key: K, value: ModelSettings[K]): void {
    if (typeof value === 'number' && !Number.isFinite(value)) return;
    emit(this, 'hg-model', { ...this.settings, [key]: value });
  }

  private num(e: Event): number {
    return Number((e.target as HTMLInputElement).value);
  }

  override render() {
    const s = this.settings;
    return html`<h2>6. Model</h2>
      <p>SleepStagerChambon2018 (Chambon et al. 2018, as braindecode builds it): a spatial convolution mixes the EEG channels, two temporal convolutions with max-pooling find rhythms and events, and one linear layer turns the features into five stage scores.</p>
      <form class="card" aria-label="Architecture settings" @submit=${(e: Event) => e.preventDefault()}>
        <div class="row">
          <label>Filters <input id="n-conv-chs" type="number" min="1" max="64" step="1" .value=${String(s.nConvChs)} aria-label="Filters per temporal convolution" @change=${(e: Event) => this.set('nConvChs', this.num(e))} /></label>
          <label>Kernel (s) <input id="kernel-s" type="number" min="0.01" step="0.05" .value=${String(s.timeConvSizeS)} aria-label="Temporal kernel length in seconds" @change=${(e: Event) => this.set('timeConvSizeS', this.num(e))} /></label>
          <label>Pool (s) <input id="pool-s" type="number" min="0.01" step="0.005" .value=${String(s.maxPoolSizeS)} aria-label="Max-pool length in seconds" @change=${(e: Event) => this.set('maxPoolSizeS', this.num(e))} /></label>
          <label>Dropout <input id="dropout" type="number" min="0" max="1" step="0.05" .value=${String(s.dropout)} aria-label="Dropout probability" @change=${(e: Event) => this.set('dropout', this.num(e))} /></label>
          <label><input id="batch-norm" type="checkbox" .checked=${s.batchNorm} @change=${(e: Event) => this.set('batchNorm', (e.target as HTMLInputElement).checked)} /> batch norm</label>
          <label>Rounding
            <select id="rounding" aria-label="How seconds become samples" @change=${(e: Event) => this.set('rounding', (e.target as HTMLSelectElement).value as ChambonRounding)}>
              <option value="tutorial" ?selected=${s.rounding === 'tutorial'}>tutorial (truncate: pool 12)</option>
              <option value="braindecode" ?selected=${s.rounding === 'braindecode'}>braindecode ≥ 0.6 (ceil: pool 13)</option>
            </select></label>
        </div>
      </form>
      ${this.summaryTask.render({
        pending: () => html`<p role="status">Tracing the layers…</p>`,
        error: (e) => html`<p class="error" role="alert" id="model-error">${(e as Error).message}</p>`,
        complete: (m) => html`<div class="card">
          <p id="param-count" data-params=${m.totalParams}><strong>${m.totalParams.toLocaleString('en-US')} parameters</strong> (trainable ${m.trainableParams.toLocaleString('en-US')}); input [N, ${m.inputShape.slice(1).join(', ')}]</p>
          <table id="layer-table" aria-label="Layers">
            <thead><tr><th>Layer</th><th>Type</th><th>Output shape</th><th>Parameters</th></tr></thead>
            <tbody>${m.rows.map((r) => html`<tr><td><code>${r.name}</code></td><td>${r.type}</td><td>[N, ${r.outputShape.slice(1).join(', ')}]</td><td>${r.params ? r.params.toLocaleString('en-US') : nothing}</td></tr>`)}</tbody>
          </table>
        </div>`,
      })}`;
  }
}
