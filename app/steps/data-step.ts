/** Step 1: getting recordings in (SYNTHETIC demo, your files, PhysioNet). */
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { loaderContext, type LoadView } from '../data/loaderContext.ts';
import { datasetContext } from '../state/contexts.ts';
import type { Dataset } from '../state/types.ts';
import { theme } from '../ui/theme.ts';
import './data/synthetic-panel.ts';
import './data/files-panel.ts';
import './data/physionet-panel.ts';
import './data/issue-list.ts';
import './data/recording-table.ts';

@customElement('hg-data-step')
export class DataStep extends LitElement {
  static override styles = theme;
  @consume({ context: loaderContext, subscribe: true }) @property({ attribute: false }) view!: LoadView;
  @consume({ context: datasetContext, subscribe: true }) @property({ attribute: false }) loaded: Dataset | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    // The SYNTHETIC demo is the default: start it on the first visit when nothing is loaded.
    queueMicrotask(() => {
      if (this.view && !this.loaded && !this.view.status.running && !this.view.status.error) void this.view.loader.loadSynthetic();
    });
  }

  override render() {
    return html`<h2>1. Data</h2>
      <p>The tutorial uses the Sleep-EDF sleep-cassette recordings: two EEG channels (Fpz-Cz, Pz-Oz) at 100 Hz, scored by experts in 30-s epochs. Start with the SYNTHETIC demo, or bring real nights.</p>
      <hg-synthetic-panel .view=${this.view}></hg-synthetic-panel>
      <div class="grid2">
        <hg-files-panel .view=${this.view}></hg-files-panel>
        <hg-physionet-panel .view=${this.view}></hg-physionet-panel>
      </div>
      ${this.view.status.error ? html`<p class="error" role="alert" id="load-error">${this.view.status.error}</p>` : nothing}
      <hg-issue-list id="issues" .issues=${this.loaded?.issues ?? []}></hg-issue-list>
      <hg-recording-table .data=${this.loaded}></hg-recording-table>`;
  }
}
