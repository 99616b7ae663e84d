/** Runs side by side: configuration differences, learning curves overlaid, metrics, confusion matrices. */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { compareRuns, type RunComparison } from '../../../sleep/runs/compare.ts';
import type { JsonValue, RunMetrics, RunRecord } from '../../../sleep/runs/record.ts';
import { theme } from '../../ui/theme.ts';
import '../../charts/line-chart.ts';
import '../../charts/heatmap.ts';
import type { LineSeries } from '../../charts/line-chart.ts';

export const RUN_COLORS = ['#1f4e8c', '#d1495b', '#2a9d8f', '#e9a03b', '#7a2e8e', '#5f6670'];
const METRICS: [keyof RunMetrics, string][] = [['balancedAccuracy', 'balanced accuracy'], ['kappa', 'Cohen’s kappa'], ['accuracy', 'accuracy'], ['macroF1', 'macro F1'], ['loss', 'loss']];

function show(v: JsonValue | undefined): string {
  if (v === undefined) return '—';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 70 ? `${s.slice(0, 67)}…` : s;
}

@customElement('hg-run-compare')
export class RunCompare extends LitElement {
  static override styles = [
    theme,
    css`
      .diff td.changed { background: #fff3c4; }
      .diff td { text-align: left; font-size: 0.85rem; }
      .swatch { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 2px; vertical-align: -0.1rem; margin-right: 0.25rem; }
      .confusions { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 0.8rem; }
      td.best { font-weight: 700; }
    `,
  ];

  @property({ attribute: false }) runs: RunRecord[] = [];

  private curve(c: RunComparison, column: string, dashed: boolean, suffix: string): LineSeries[] {
    const ys = c.curves[column];
    if (!ys) return [];
    return this.runs.map((_r, i) => ({
      // Short legend labels (the chart leaves ~14 characters); the tables name run 1, 2, ... in full.
      name: `run ${i + 1}${suffix}`, color: RUN_COLORS[i % RUN_COLORS.length], x: c.epochs, y: ys[i].map((v) => v ?? NaN), dashed, markers: c.epochs.length < 3,
    }));
  }

  private metrics(c: RunComparison) {
    const splits = ['test', 'testLast', 'valid'].filter((s) => c.metrics[s]);
    return splits.map((split) => {
      const m = c.metrics[split];
      return html`<table class="metrics" data-split=${split} aria-label="Metrics on ${split}">
        <thead><tr><th>${split === 'testLast' ? 'test (last epoch’s weights)' : split}</th>${this.runs.map((r, i) => html`<th><span class="swatch" style="background:${RUN_COLORS[i % RUN_COLORS.length]}"></span>${i + 1}. ${r.name}</th>`)}</tr></thead>
        <tbody>${METRICS.map(([k, label]) => {
          const vals = m[k];
          if (vals.every((v) => v === null)) return nothing;
          const finite = vals.filter((v): v is number => v !== null && Number.isFinite(v));
          const best = finite.length > 1 ? (k === 'loss' ? Math.min(...finite) : Math.max(...finite)) : null;
          return html`<tr><td>${label}</td>${vals.map((v) => html`<td class=${v !== null && v === best ? 'best' : ''}>${v === null ? '—' : v.toFixed(3)}</td>`)}</tr>`;
        })}</tbody></table>`;
    });
  }

  override render() {
    if (this.runs.length < 2) return html`<p class="muted">Tick two or more runs to compare them.</p>`;
    const c = compareRuns(this.runs);
    const diffs = c.differences.filter((d) => d.key !== 'data.recordings');
    const loss = [...this.curve(c, 'validLoss', false, ' valid'), ...this.curve(c, 'trainLoss', true, ' train')];
    const bacc = [...this.curve(c, 'validBalancedAccuracy', false, ' valid')];
    const synthetic = this.runs.some((r) => r.data.synthetic);
    return html`<div id="comparison" data-runs=${this.runs.length}>
      ${synthetic ? html`<p><span class="synthetic-badge">SYNTHETIC</span> ${this.runs.every((r) => r.data.synthetic) ? 'All these runs' : 'Some of these runs'} trained on generated EEG: the numbers say how well each method learns the generator, nothing about real sleep.</p>` : nothing}
      <h3>What differs (${diffs.length} setting${diffs.length === 1 ? '' : 's'}; ${c.same.length} held equal)</h3>
      <table class="diff" id="config-diff" aria-label="Configuration differences">
        <thead><tr><th>setting</th>${this.runs.map((r, i) => html`<th><span class="swatch" style="background:${RUN_COLORS[i % RUN_COLORS.length]}"></span>${i + 1}. ${r.name}</th>`)}</tr></thead>
        <tbody>${diffs.map((d) => html`<tr data-key=${d.key}><td><code>${d.key}</code></td>${d.values.map((v) => html`<td class="changed">${show(v)}</td>`)}</tr>`)}</tbody>
      </table>
      <h3>Learning curves</h3>
      <p class="muted">Solid: validation; dashed: training. A baseline’s “epochs” are its reports every 100 optimisation steps.</p>
      <div class="grid2">
        <hg-line-chart id="compare-loss" .series=${loss} x-label="epoch" y-label="loss" title="Loss"></hg-line-chart>
        <hg-line-chart id="compare-bacc" .series=${bacc} x-label="epoch" y-label="balanced accuracy" title="Validation balanced accuracy"></hg-line-chart>
      </div>
      <h3>Metrics</h3>
      <div id="compare-metrics">${this.metrics(c)}</div>
      <h3>Confusion matrices (test subjects; rows: true stage, columns: predicted)</h3>
      <div class="confusions" id="compare-confusion">${this.runs.map((r, i) => {
        const split = r.confusion.test ? 'test' : Object.keys(r.confusion)[0];
        const m = split ? r.confusion[split] : null;
        return m
          ? html`<div data-run=${r.id}><p><span class="swatch" style="background:${RUN_COLORS[i % RUN_COLORS.length]}"></span>${i + 1}. ${r.name}${split !== 'test' ? ` (${split})` : ''}</p>
              <hg-heatmap .rows=${r.classNames} .columns=${r.classNames} .values=${m} per-row row-label="true" column-label="predicted" cell-width="44"></hg-heatmap></div>`
          : html`<div data-run=${r.id}><p>${r.name}: no confusion matrix (the run was stopped before testing).</p></div>`;
      })}</div>
    </div>`;
  }
}
