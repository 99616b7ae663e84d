/** Per-layer gradient norms and update/weight ratios over a short in-page training run. */
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { GradientTracker } from '../../../sleep/internals/gradientTracker.ts';
import { theme } from '../../ui/theme.ts';
import '../../charts/line-chart.ts';
import type { LineSeries } from '../../charts/line-chart.ts';
import { FILTER_COLORS } from './filters-panel.ts';

@customElement('hg-gradients-panel')
export class GradientsPanel extends LitElement {
  static override styles = theme;

  @property({ attribute: false }) tracker: GradientTracker | null = null;
  /** Bumped while the demo runs so the charts follow it. */
  @property({ type: Number }) version = 0;

  private series(field: 'gradNorm' | 'ratio' | 'weightNorm'): LineSeries[] {
    const t = this.tracker;
    if (!t || t.history.length === 0) return [];
    return t.history[0].layers.map((l, i) => {
      const s = t.series(l.layer, field);
      // The chart's legend has room for ~14 characters; the table below gives the full names.
      return { name: l.layer.replace('feature_extractor.', 'feat.'), color: FILTER_COLORS[i % FILTER_COLORS.length], x: s.steps, y: s.values.map((v) => v ?? NaN), markers: s.steps.length < 3 };
    });
  }

  override render() {
    const t = this.tracker;
    if (!t || t.history.length === 0) return html`<p class="muted">No steps yet.</p>`;
    const last = t.history[t.history.length - 1];
    return html`<div class="grid2">
        <hg-line-chart id="grad-norm-chart" .series=${this.series('gradNorm')} log-y x-label="step" y-label="‖gradient‖" title="Gradient norm per layer"></hg-line-chart>
        <hg-line-chart id="ratio-chart" .series=${this.series('ratio')} log-y x-label="step" y-label="‖update‖ / ‖weight‖" title="Update / weight ratio per layer (≈1e-3 is healthy)"></hg-line-chart>
      </div>
      <table id="gradient-table" aria-label="Last step per layer">
        <thead><tr><th>layer (step ${last.step})</th><th>parameters</th><th>‖w‖</th><th>‖grad‖</th><th>‖update‖/‖w‖</th></tr></thead>
        <tbody>${last.layers.map((l) => html`<tr><td><code>${l.layer}</code></td><td>${l.numel.toLocaleString('en-US')}</td><td>${l.weightNorm.toPrecision(3)}</td><td>${l.gradNorm.toPrecision(3)}</td><td>${l.ratio === null ? '–' : l.ratio.toExponential(2)}</td></tr>`)}</tbody>
      </table>`;
  }
}
