/**
 * SVG line chart: several named series, optional log y axis, legend. Used for the filter
 * response, the spectra and (later) the learning curves.
 */
import { LitElement, css, html, svg, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { extent, linearScale, logScale, type Scale } from './scale.ts';

export interface LineSeries {
  name: string;
  color: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  dashed?: boolean;
  /** Also mark each point (per-epoch values, where one point has no line yet). */
  markers?: boolean;
}

@customElement('hg-line-chart')
export class LineChart extends LitElement {
  static override styles = css`
    :host { display: block; }
    svg { width: 100%; height: auto; display: block; font: 11px system-ui, sans-serif; }
    .axis { stroke: #888; stroke-width: 1; }
    .grid { stroke: #e4e4e4; stroke-width: 1; }
    text { fill: #333; }
    .title { font-weight: 600; font-size: 12px; }
  `;

  @property({ attribute: false }) series: LineSeries[] = [];
  @property({ type: Boolean, attribute: 'log-y' }) logY = false;
  @property({ attribute: 'x-label' }) xLabel = '';
  @property({ attribute: 'y-label' }) yLabel = '';
  @property() override title = '';
  @property({ type: Number }) width = 480;
  @property({ type: Number }) height = 260;
  /** Optional fixed y range [lo, hi]. */
  @property({ attribute: false }) yRange: [number, number] | null = null;
  @property({ attribute: false }) xRange: [number, number] | null = null;

  private xScale!: Scale;
  private yScale!: Scale;
  private readonly pad = { left: 56, right: 12, top: 24, bottom: 40 };

  override willUpdate(): void {
    const { left, right, top, bottom } = this.pad;
    const xs = this.xRange ?? extent(this.series.flatMap((s) => Array.from(s.x)));
    const ys = this.yRange ?? extent(this.series.flatMap((s) => Array.from(s.y)), this.logY);
    this.xScale = linearScale(xs[0], xs[1], left, this.width - right, 6);
    this.yScale = this.logY ? logScale(ys[0], ys[1], this.height - bottom, top) : linearScale(ys[0], ys[1], this.height - bottom, top, 5);
  }

  private path(s: LineSeries): string {
    const parts: string[] = [];
    let pen = false;
    for (let i = 0; i < s.x.length; i++) {
      const y = s.y[i];
      if (!Number.isFinite(y) || (this.logY && y <= 0)) {
        pen = false;
        continue;
      }
      const py = Math.min(this.height - this.pad.bottom, Math.max(this.pad.top, this.yScale(y)));
      parts.push(`${pen ? 'L' : 'M'}${this.xScale(s.x[i]).toFixed(1)},${py.toFixed(1)}`);
      pen = true;
    }
    return parts.join('');
  }

  private markers(s: LineSeries) {
    const points = [];
    for (let i = 0; i < s.x.length; i++) {
      const y = s.y[i];
      if (!Number.isFinite(y) || (this.logY && y <= 0)) continue;
      const py = Math.min(this.height - this.pad.bottom, Math.max(this.pad.top, this.yScale(y)));
      points.push(svg`<circle cx=${this.xScale(s.x[i]).toFixed(1)} cy=${py.toFixed(1)} r="3" fill=${s.color}><title>${s.name}: ${this.yScale.format(y)}</title></circle>`);
    }
    return points;
  }

  override render() {
    const { left, right, top, bottom } = this.pad;
    const w = this.width;
    const h = this.height;
    const label = this.title || `${this.yLabel} against ${this.xLabel}`;
    return html`<svg viewBox="0 0 ${w} ${h}" role="img" aria-label=${label} style="max-width:${Math.round(w * 1.35)}px">
      ${this.title ? svg`<text class="title" x=${left} y="14">${this.title}</text>` : nothing}
      ${this.yScale.ticks.map((t) => svg`<line class="grid" x1=${left} x2=${w - right} y1=${this.yScale(t)} y2=${this.yScale(t)}></line>
        <text x=${left - 4} y=${this.yScale(t) + 3} text-anchor="end">${this.yScale.format(t)}</text>`)}
      ${this.xScale.ticks.map((t) => svg`<line class="grid" x1=${this.xScale(t)} x2=${this.xScale(t)} y1=${top} y2=${h - bottom}></line>
        <text x=${this.xScale(t)} y=${h - bottom + 14} text-anchor="middle">${this.xScale.format(t)}</text>`)}
      <line class="axis" x1=${left} x2=${left} y1=${top} y2=${h - bottom}></line>
      <line class="axis" x1=${left} x2=${w - right} y1=${h - bottom} y2=${h - bottom}></line>
      <text x=${(left + w - right) / 2} y=${h - 6} text-anchor="middle">${this.xLabel}</text>
      <text transform="translate(12 ${(top + h - bottom) / 2}) rotate(-90)" text-anchor="middle">${this.yLabel}</text>
      ${this.series.map((s) => svg`<path d=${this.path(s)} data-series=${s.name} fill="none" stroke=${s.color} stroke-width="1.5" stroke-dasharray=${s.dashed ? '4 3' : 'none'}><title>${s.name}</title></path>`)}
      ${this.series.filter((s) => s.markers).map((s) => this.markers(s))}
      ${this.series.length > 1
        ? this.series.map((s, i) => svg`<g transform="translate(${w - right - 90} ${top + 4 + i * 14})">
            <line x1="0" x2="14" y1="0" y2="0" stroke=${s.color} stroke-width="2" stroke-dasharray=${s.dashed ? '4 3' : 'none'}></line>
            <text x="18" y="3">${s.name}</text></g>`)
        : nothing}
    </svg>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-line-chart': LineChart;
  }
}
