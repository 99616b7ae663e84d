/**
 * A hypnogram as sleep clinics draw it: a step line over the night, stage rows from the top
 * W, REM, N1, N2, N3 (REM drawn high, deep sleep at the bottom), the scoring against the
 * network's prediction.
 */
import { LitElement, css, html, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { linearScale } from '../../charts/scale.ts';
import { STAGE_NAMES } from '../../state/stages.ts';

/** Row of each class (W N1 N2 N3 REM) counted from the top. */
export const HYPNOGRAM_ROW = [0, 2, 3, 4, 1] as const;
const ROW_NAMES = ['W', 'REM', 'N1', 'N2', 'N3'];

@customElement('hg-hypnogram')
export class HypnogramChart extends LitElement {
  static override styles = css`
    :host { display: block; }
    svg { width: 100%; height: auto; display: block; font: 11px system-ui, sans-serif; }
    text { fill: #333; }
    .grid { stroke: #e4e4e4; }
    .axis { stroke: #888; }
  `;
  /** Window onsets in seconds. */
  @property({ attribute: false }) onsets: ArrayLike<number> = [];
  @property({ attribute: false }) truth: ArrayLike<number> = [];
  @property({ attribute: false }) predicted: ArrayLike<number> = [];
  @property({ type: Number }) windowSeconds = 30;
  @property() override title = '';

  private readonly w = 900;
  private readonly h = 230;
  private readonly pad = { left: 44, right: 110, top: 22, bottom: 34 };

  /** Step path; a gap in the windows (dropped epochs) lifts the pen. */
  private path(labels: ArrayLike<number>, x: (s: number) => number, y: (row: number) => number, offset: number): string {
    const parts: string[] = [];
    let prevEnd = -Infinity;
    for (let i = 0; i < labels.length; i++) {
      const t0 = this.onsets[i];
      const t1 = t0 + this.windowSeconds;
      const yy = (y(HYPNOGRAM_ROW[labels[i]]) + offset).toFixed(1);
      parts.push(`${Math.abs(t0 - prevEnd) < 1e-6 ? 'L' : 'M'}${x(t0).toFixed(1)},${yy}L${x(t1).toFixed(1)},${yy}`);
      prevEnd = t1;
    }
    return parts.join('');
  }

  override render() {
    const { left, right, top, bottom } = this.pad;
    const n = this.onsets.length;
    const t0 = n ? this.onsets[0] : 0;
    const t1 = n ? this.onsets[n - 1] + this.windowSeconds : 1;
    const hours = linearScale(t0 / 3600, t1 / 3600, left, this.w - right, 8);
    const x = (s: number) => hours(s / 3600);
    const rowH = (this.h - top - bottom) / 5;
    const y = (row: number) => top + (row + 0.5) * rowH;
    const agree = Array.from(this.truth).filter((t, i) => t === this.predicted[i]).length;
    return html`<svg viewBox="0 0 ${this.w} ${this.h}" role="img" aria-label=${`${this.title}: scored and predicted stages over the night; they agree on ${agree} of ${n} windows`}>
      <text x=${left} y="14" style="font-weight:600;font-size:12px">${this.title}</text>
      ${ROW_NAMES.map((name, r) => svg`<line class="grid" x1=${left} x2=${this.w - right} y1=${y(r)} y2=${y(r)}></line>
        <text x=${left - 6} y=${y(r) + 4} text-anchor="end">${name}</text>`)}
      ${hours.ticks.map((t) => svg`<text x=${hours(t)} y=${this.h - bottom + 14} text-anchor="middle">${hours.format(t)}</text>`)}
      <line class="axis" x1=${left} x2=${this.w - right} y1=${this.h - bottom + 2} y2=${this.h - bottom + 2}></line>
      <text x=${(left + this.w - right) / 2} y=${this.h - 4} text-anchor="middle">hours since the recording started</text>
      <path id="hypnogram-true" d=${this.path(this.truth, x, y, -2)} fill="none" stroke="#1d1d1f" stroke-width="1.6"><title>scored (expert)</title></path>
      <path id="hypnogram-pred" d=${this.path(this.predicted, x, y, 2)} fill="none" stroke="#d1495b" stroke-width="1.4" opacity="0.85"><title>predicted</title></path>
      <g transform="translate(${this.w - right + 12} ${top + 6})">
        <line x1="0" x2="18" y1="0" y2="0" stroke="#1d1d1f" stroke-width="2"></line><text x="24" y="4">scored</text>
        <line x1="0" x2="18" y1="18" y2="18" stroke="#d1495b" stroke-width="2"></line><text x="24" y="22">predicted</text>
        <text x="0" y="44">agree: ${n ? ((100 * agree) / n).toFixed(1) : '–'} %</text>
      </g>
    </svg>`;
  }
}

export { STAGE_NAMES };

declare global {
  interface HTMLElementTagNameMap {
    'hg-hypnogram': HypnogramChart;
  }
}
