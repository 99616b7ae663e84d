/** (a) The SYNTHETIC demo set, generated in a worker from the real scorings. */
import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { DEFAULT_SYNTHETIC, type SyntheticOptions } from '../../data/loader.ts';
import type { LoadView } from '../../data/loaderContext.ts';
import { theme } from '../../ui/theme.ts';

@customElement('hg-synthetic-panel')
export class SyntheticPanel extends LitElement {
  static override styles = theme;
  @property({ attribute: false }) view!: LoadView;
  @state() private options: SyntheticOptions = { ...DEFAULT_SYNTHETIC };

  private set<K extends keyof SyntheticOptions>(key: K, e: Event): void {
    const v = Number((e.target as HTMLInputElement).value);
    if (Number.isFinite(v)) this.options = { ...this.options, [key]: v };
  }

  override render() {
    const running = this.view.status.running === 'synthetic';
    return html`<div class="card">
      <h3><span class="synthetic-badge">SYNTHETIC</span> Demo set (offline, instant)</h3>
      <p class="muted">Generated EEG, not real recordings: stage-dependent rhythms driven by the real expert scorings of Sleep-EDF, so every step can be tried without downloading anything.</p>
      <div class="row">
        <label>Subjects <input type="number" min="3" max="40" step="1" .value=${String(this.options.subjects)} @change=${(e: Event) => this.set('subjects', e)} aria-label="Number of synthetic subjects" /></label>
        <label>Hours per night <input type="number" min="0.5" max="24" step="0.5" .value=${String(this.options.hours)} @change=${(e: Event) => this.set('hours', e)} aria-label="Hours per synthetic night" /></label>
        <label>Seed <input type="number" min="0" step="1" .value=${String(this.options.seed)} @change=${(e: Event) => this.set('seed', e)} aria-label="Random seed" /></label>
        <button class="primary" id="generate" ?disabled=${running} @click=${() => this.view.loader.loadSynthetic(this.options)}>Generate SYNTHETIC demo</button>
      </div>
      ${running && this.view.status.progress
        ? html`<div class="row" role="status"><progress aria-label="Generating" max=${this.view.status.progress.total} value=${this.view.status.progress.done}></progress>&nbsp;${this.view.status.progress.what}</div>`
        : running ? html`<div role="status">starting…</div>` : ''}
    </div>`;
  }
}
