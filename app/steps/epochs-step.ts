/** Step 4: the labelled 30-s windows: counts per class and subject, an example of each stage. */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { datasetContext, epochsContext } from '../state/contexts.ts';
import { STAGE_COLORS, STAGE_NAMES } from '../state/stages.ts';
import type { Dataset, EpochsState } from '../state/types.ts';
import { theme } from '../ui/theme.ts';
import '../charts/bar-chart.ts';
import '../charts/heatmap.ts';
import '../charts/window-plot.ts';

@customElement('hg-epochs-step')
export class EpochsStep extends LitElement {
  static override styles = [theme, css`.examples { display: grid; grid-template-columns: repeat(5, 1fr); gap: 0.6rem; } .examples figure { margin: 0; } figcaption { font-size: 0.8rem; }`];
  @consume({ context: epochsContext, subscribe: true }) @property({ attribute: false }) epochs!: EpochsState;
  @consume({ context: datasetContext, subscribe: true }) @property({ attribute: false }) loaded: Dataset | null = null;

  private perClass: number[] = [];
  private perSubject: { subjects: string[]; counts: number[][] } = { subjects: [], counts: [] };
  private examples: (Float32Array | null)[] = [];

  override willUpdate(): void {
    const recs = this.epochs?.recordings ?? [];
    this.perClass = [0, 0, 0, 0, 0];
    const bySubject = new Map<number, number[]>();
    this.examples = [null, null, null, null, null];
    for (const r of recs) {
      const row = bySubject.get(r.subject) ?? [0, 0, 0, 0, 0];
      const size = r.nChannels * r.nSamples;
      r.labels.forEach((y, i) => {
        row[y]++;
        this.perClass[y]++;
        // The middle window of a run of the stage: a clearer example than its first.
        if (!this.examples[y] && r.labels[i + 1] === y && r.labels[i + 2] === y) this.examples[y] = r.data.subarray((i + 1) * size, (i + 2) * size);
      });
      bySubject.set(r.subject, row);
    }
    const subjects = [...bySubject.keys()].sort((a, b) => a - b);
    this.perSubject = { subjects: subjects.map((s) => `subject ${s}`), counts: subjects.map((s) => bySubject.get(s)!) };
  }

  override render() {
    const e = this.epochs;
    const synthetic = this.loaded?.synthetic;
    const head = html`<h2>4. Epochs ${synthetic ? html`<span class="synthetic-badge">SYNTHETIC</span>` : nothing}</h2>
      <p>Each 30-s window gets the stage of the expert's score: W, N1, N2, N3 (R&K stages 3 and 4 merged), REM; '?' and movement are dropped. Every window and channel is then z-scored (zero mean, unit variance), as the tutorial does.</p>`;
    if (!this.loaded) return html`${head}<p class="empty">Load data in step 1 first.</p>`;
    if (e.status === 'running') return html`${head}<p role="status">Cutting windows…</p>`;
    if (e.status === 'error') return html`${head}<p class="error" role="alert">${e.error}</p>`;
    const total = this.perClass.reduce((a, b) => a + b, 0);
    const nCh = e.recordings[0]?.nChannels ?? 2;
    return html`${head}
      ${e.skipped.length ? html`<div class="card"><strong>Not used for windows:</strong><ul>${e.skipped.map((s) => html`<li>${s.file}: ${s.reason}</li>`)}</ul></div>` : nothing}
      ${total === 0 ? html`<p class="empty">No labelled windows.</p>` : html`
      <div class="grid2">
        <div class="card">
          <hg-bar-chart id="class-counts" .categories=${[...STAGE_NAMES]} .groups=${[{ name: 'windows', color: '#1f4e8c', values: this.perClass }]} .categoryColors=${STAGE_COLORS}
            y-label="windows" title="Windows per class (${total.toLocaleString('en-US')} in all)"></hg-bar-chart>
        </div>
        <div class="card">
          <hg-heatmap id="subject-counts" .rows=${this.perSubject.subjects} .columns=${[...STAGE_NAMES]} .values=${this.perSubject.counts} title="Windows per subject and class" cell-height="20"></hg-heatmap>
        </div>
      </div>
      <div class="card">
        <h3>An example window of each stage (z-scored; top Fpz-Cz, bottom Pz-Oz)</h3>
        <div class="examples">
          ${STAGE_NAMES.map((name, k) => html`<figure>
            <figcaption style="color:${STAGE_COLORS[k]}"><strong>${name}</strong></figcaption>
            ${this.examples[k] ? html`<hg-window-plot .data=${this.examples[k]} channels=${nCh} color=${k === 3 ? '#1b3a6b' : '#14213d'} label="Example ${name} window"></hg-window-plot>` : html`<p class="muted">none</p>`}
          </figure>`)}
        </div>
      </div>`}`;
  }
}
