/** Step 2: the raw EEG of one night. */
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { datasetContext } from '../state/contexts.ts';
import type { Dataset, LoadedRecording } from '../state/types.ts';
import { theme } from '../ui/theme.ts';
import '../viewer/raw-viewer.ts';

@customElement('hg-raw-step')
export class RawStep extends LitElement {
  static override styles = theme;
  @consume({ context: datasetContext, subscribe: true }) @property({ attribute: false }) loaded: Dataset | null = null;
  @state() private selectedId = '';
  private current: LoadedRecording | null = null;

  override willUpdate(): void {
    const recs = this.loaded?.recordings ?? [];
    this.current = recs.find((r) => r.id === this.selectedId) ?? recs[0] ?? null;
  }

  override render() {
    const recs = this.loaded?.recordings ?? [];
    return html`<h2>2. Raw signals</h2>
      <p>What the network will see, before any processing: two EEG derivations in microvolts. Each 30-s page carries the stage an expert gave it; the bar below shows the whole night (click it to jump).</p>
      ${recs.length === 0
        ? html`<p class="empty">Load data in step 1 first.</p>`
        : html`<div class="row">
              <label>Recording
                <select id="recording" aria-label="Recording to view" @change=${(e: Event) => (this.selectedId = (e.target as HTMLSelectElement).value)}>
                  ${recs.map((r) => html`<option value=${r.id} ?selected=${r === this.current}>${r.synthetic ? 'SYNTHETIC ' : ''}${r.file} (subject ${r.subject}${r.hypnogramFile ? '' : ', unlabelled'})</option>`)}
                </select></label>
              ${this.current && !this.current.hypnogramFile ? html`<span class="muted">No hypnogram paired with this file: shown unlabelled.</span>` : nothing}
            </div>
            <hg-raw-viewer .recording=${this.current}></hg-raw-viewer>`}`;
  }
}
