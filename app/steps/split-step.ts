/** Step 5: which subjects train, validate and test, and the class weights against imbalance. */
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { datasetContext, epochsContext, splitContext } from '../state/contexts.ts';
import { emit } from '../state/events.ts';
import { STAGE_COLORS, STAGE_NAMES } from '../state/stages.ts';
import { formatNumberList, parseNumberList } from '../state/subjects.ts';
import type { Dataset, EpochsState, SplitState } from '../state/types.ts';
import { theme } from '../ui/theme.ts';
import '../charts/bar-chart.ts';
import '../charts/heatmap.ts';

const SPLITS = ['train', 'valid', 'test'] as const;

@customElement('hg-split-step')
export class SplitStep extends LitElement {
  static override styles = theme;
  @consume({ context: splitContext, subscribe: true }) @property({ attribute: false }) split!: SplitState;
  @consume({ context: epochsContext, subscribe: true }) @property({ attribute: false }) epochs!: EpochsState;
  @consume({ context: datasetContext, subscribe: true }) @property({ attribute: false }) loaded: Dataset | null = null;
  @state() private inputError = '';

  private apply(form: HTMLFormElement): void {
    const data = new FormData(form);
    try {
      const testSubjects = parseNumberList(String(data.get('test')), 'test subjects');
      const validText = String(data.get('valid')).trim();
      const validSubjects = validText === '' ? null : parseNumberList(validText, 'validation subjects');
      const nValid = Number(data.get('nvalid'));
      if (!Number.isInteger(nValid) || nValid < 1) throw new Error('number of validation subjects: a whole number of at least 1');
      this.inputError = '';
      emit(this, 'hg-split', { testSubjects, validSubjects, nValid });
    } catch (e) {
      this.inputError = (e as Error).message;
    }
  }

  override render() {
    const s = this.split;
    const head = html`<h2>5. Split and class balance ${this.loaded?.synthetic ? html`<span class="synthetic-badge">SYNTHETIC</span>` : nothing}</h2>
      <p>Windows of one person look alike, so the split is by subject: a subject's windows all go to one set, and the test score says how the network does on people it never saw. The tutorial tests on subjects 0-9 and validates on the next 4; a small set gets a proportional split.</p>`;
    if (this.epochs?.status !== 'ready') return html`${head}<p class="empty">${this.loaded ? 'Waiting for the windows (step 4)…' : 'Load data in step 1 first.'}</p>`;
    const recs = this.epochs.recordings;
    const subjectsOf = (idx: number[] | undefined) => [...new Set((idx ?? []).map((i) => recs[i].subject))];
    return html`${head}
      <form class="card" @submit=${(e: Event) => { e.preventDefault(); this.apply(e.target as HTMLFormElement); }} aria-label="Split settings">
        <div class="row">
          <label>Test subjects <input name="test" id="test-subjects" .value=${formatNumberList(s.settings.testSubjects)} size="10" aria-label="Test subjects, e.g. 0-9" /></label>
          <label>Validation subjects <input name="valid" .value=${s.settings.validSubjects ? formatNumberList(s.settings.validSubjects) : ''} placeholder="auto" size="8" aria-label="Validation subjects (empty: the lowest non-test ones)" /></label>
          <label>or how many <input name="nvalid" type="number" min="1" .value=${String(s.settings.nValid)} aria-label="Number of validation subjects" /></label>
          <button type="submit">Apply</button>
        </div>
        ${this.inputError ? html`<p class="error" role="alert">${this.inputError}</p>` : nothing}
      </form>
      ${s.error ? html`<p class="error" role="alert" id="split-error">${s.error}</p>` : nothing}
      ${s.split && s.counts
        ? html`<div class="grid2">
            <div class="card">
              <table id="split-table" aria-label="Subjects per split">
                <thead><tr><th>Split</th><th>Subjects</th><th>Windows</th></tr></thead>
                <tbody>${SPLITS.map((name, i) => html`<tr data-split=${name}>
                  <td>${name}</td><td>${formatNumberList(subjectsOf(s.split![name]))}</td>
                  <td>${s.counts![i].reduce((a, b) => a + b, 0).toLocaleString('en-US')}</td></tr>`)}</tbody>
              </table>
              <hg-heatmap id="split-counts" .rows=${[...SPLITS]} .columns=${[...STAGE_NAMES]} .values=${s.counts} title="Windows per split and class" per-row></hg-heatmap>
            </div>
            <div class="card">
              ${s.classWeights
                ? html`<hg-bar-chart id="class-weights" .categories=${[...STAGE_NAMES]} .groups=${[{ name: 'weight', color: '#1f4e8c', values: Array.from(s.classWeights) }]}
                    .categoryColors=${STAGE_COLORS} .format=${(v: number) => v.toFixed(2)} y-label="weight" title="Class weights (balanced, from the training windows)"></hg-bar-chart>
                    <p class="muted">weight<sub>k</sub> = windows / (5 × windows of class k): a rare class (N1) counts more in the loss, so the network cannot ignore it.</p>`
                : nothing}
            </div>
          </div>`
        : nothing}`;
  }
}
