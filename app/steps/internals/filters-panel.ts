/**
 * The first temporal convolution's filters: taps over time, and magnitude responses with the
 * EEG bands marked, so a learner can see what the network listens for.
 */
import { LitElement, css, html, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { FREQ_BANDS } from '../../../sleep/baseline/bandPower.ts';
import type { TemporalFilter } from '../../../sleep/internals/filters.ts';
import { theme } from '../../ui/theme.ts';

export const FILTER_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const BAND_NOTES: Record<string, string> = { delta: 'delta: N3 slow waves', theta: 'theta: N1, REM', alpha: 'alpha: relaxed wake', sigma: 'sigma: N2 spindles', beta: 'beta: wake' };
const BAND_FILL = ['#dbe8f6', '#e9f3df', '#fdf0d5', '#f6dfe8', '#ece6f5'];

export function bandOf(hz: number): string {
  return FREQ_BANDS.find((b) => hz >= b.fmin && hz < b.fmax)?.name ?? (hz < FREQ_BANDS[0].fmin ? 'below delta (DC)' : 'above beta');
}

function polyline(xs: ArrayLike<number>, ys: ArrayLike<number>, sx: (v: number) => number, sy: (v: number) => number): string {
  let d = '';
  for (let i = 0; i < xs.length; i++) d += `${i ? 'L' : 'M'}${sx(xs[i]).toFixed(1)},${sy(ys[i]).toFixed(1)}`;
  return d;
}

@customElement('hg-filters-panel')
export class FiltersPanel extends LitElement {
  static override styles = [
    theme,
    css`
      svg { display: block; font: 11px system-ui, sans-serif; }
      .taps { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 0.4rem; }
      .taps figure { margin: 0; }
      .taps figcaption { font-size: 0.75rem; color: #5f6670; }
      .legend span { display: inline-block; margin-right: 0.7rem; font-size: 0.8rem; }
      .legend i { display: inline-block; width: 0.8rem; height: 0.8rem; vertical-align: -0.1rem; margin-right: 0.2rem; border: 1px solid #ccc; }
    `,
  ];

  @property({ attribute: false }) filters: TemporalFilter[] = [];
  /** Upper end of the frequency axis (Hz). */
  @property({ type: Number }) maxHz = 50;

  private response() {
    const w = 720;
    const h = 240;
    const pad = { l: 44, r: 10, t: 10, b: 34 };
    const sx = (f: number) => pad.l + (f / this.maxHz) * (w - pad.l - pad.r);
    const sy = (v: number) => h - pad.b - v * (h - pad.t - pad.b);
    const ticks = Array.from({ length: Math.floor(this.maxHz / 5) + 1 }, (_, i) => i * 5);
    return svg`<svg id="filter-response" viewBox="0 0 ${w} ${h}" width="100%" role="img" aria-label="Frequency responses of the first-layer filters">
      ${FREQ_BANDS.map((b, i) => svg`<rect x=${sx(b.fmin)} y=${pad.t} width=${sx(Math.min(b.fmax, this.maxHz)) - sx(b.fmin)} height=${h - pad.t - pad.b} fill=${BAND_FILL[i]}></rect>
        <text x=${(sx(b.fmin) + sx(Math.min(b.fmax, this.maxHz))) / 2} y=${pad.t + 12} text-anchor="middle" fill="#444">${b.name}</text>`)}
      <line x1=${pad.l} x2=${w - pad.r} y1=${h - pad.b} y2=${h - pad.b} stroke="#888"></line>
      <line x1=${pad.l} x2=${pad.l} y1=${pad.t} y2=${h - pad.b} stroke="#888"></line>
      ${ticks.map((t) => svg`<text x=${sx(t)} y=${h - pad.b + 14} text-anchor="middle">${t}</text>`)}
      <text x=${(pad.l + w - pad.r) / 2} y=${h - 4} text-anchor="middle">frequency (Hz)</text>
      <text transform="translate(12 ${(pad.t + h - pad.b) / 2}) rotate(-90)" text-anchor="middle">|H(f)| / max</text>
      ${this.filters.map((f, i) => {
        const keep = Array.from(f.freqs).findIndex((v) => v > this.maxHz);
        const n = keep < 0 ? f.freqs.length : keep;
        const max = Math.max(...f.magnitude) || 1;
        const ys = Array.from(f.magnitude.subarray(0, n), (m) => m / max);
        return svg`<path d=${polyline(f.freqs.subarray(0, n), ys, sx, sy)} fill="none" stroke=${FILTER_COLORS[i % FILTER_COLORS.length]} stroke-width="1.5"><title>filter ${i + 1}: peak ${f.peakHz.toFixed(1)} Hz</title></path>`;
      })}
    </svg>`;
  }

  private taps(f: TemporalFilter, i: number) {
    const w = 150;
    const h = 60;
    const max = Math.max(...Array.from(f.taps, Math.abs)) || 1;
    const t1 = f.times[f.times.length - 1] || 1;
    const sx = (t: number) => 4 + (t / t1) * (w - 8);
    const sy = (v: number) => h / 2 - (v / max) * (h / 2 - 4);
    return html`<figure><svg viewBox="0 0 ${w} ${h}" width="100%" role="img" aria-label="Filter ${i + 1} taps">
        <line x1="0" x2=${w} y1=${h / 2} y2=${h / 2} stroke="#ddd"></line>
        <path d=${polyline(f.times, f.taps, sx, sy)} fill="none" stroke=${FILTER_COLORS[i % FILTER_COLORS.length]} stroke-width="1.5"></path>
      </svg><figcaption>filter ${i + 1}: ${(t1 * 1000).toFixed(0)} ms, peak ${f.peakHz.toFixed(1)} Hz (${bandOf(f.peakHz)})</figcaption></figure>`;
  }

  override render() {
    if (this.filters.length === 0) return html`<p class="muted">No filters yet.</p>`;
    return html`<h3>In time: the ${this.filters.length} kernels (${this.filters[0].taps.length} taps each)</h3>
      <div class="taps" id="filter-taps">${this.filters.map((f, i) => this.taps(f, i))}</div>
      <h3>As frequency responses</h3>
      <p class="legend">${FREQ_BANDS.map((b, i) => html`<span><i style="background:${BAND_FILL[i]}"></i>${b.fmin}-${b.fmax} Hz ${BAND_NOTES[b.name] ?? b.name}</span>`)}</p>
      ${this.response()}
      <table id="filter-peaks" aria-label="Peak frequency of each filter">
        <thead><tr><th>filter</th><th>peak (Hz)</th><th>band</th></tr></thead>
        <tbody>${this.filters.map((f, i) => html`<tr><td style="color:${FILTER_COLORS[i % FILTER_COLORS.length]}">${i + 1}</td><td>${f.peakHz.toFixed(1)}</td><td>${bandOf(f.peakHz)}</td></tr>`)}</tbody>
      </table>`;
  }
}
