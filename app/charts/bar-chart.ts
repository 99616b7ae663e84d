/** SVG grouped bar chart: categories along x, one bar per group in each. */
import { LitElement, css, html, svg, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { linearScale, type Scale } from './scale.ts';

export interface BarGroup {
  name: string;
  color: string;
  values: number[];
}

@customElement('hg-bar-chart')
export class BarChart extends LitElement {
  static override styles = css`
    :host { display: block; }
    svg { width: 100%; height: auto; display: block; font: 11px system-ui, sans-serif; }
    .grid { stroke: #e4e4e4; }
    .axis { stroke: #888; }
    text { fill: #333; }
    .title { font-weight: 600; font-size: 12px; }
  `;

  @property({ attribute: false }) categories: string[] = [];
  @property({ attribute: false }) groups: BarGroup[] = [];
  /** Colour per category when there is one group (e.g. stage colours). */
  @property({ attribute: false }) categoryColors: readonly string[] | null = null;
  @property({ attribute: 'y-label' }) yLabel = '';
  @property() override title = '';
  @property({ type: Number }) width = 420;
  @property({ type: Number }) height = 220;
  @property({ attribute: false }) format: (v: number) => string = (v) => String(v);

  private y!: Scale;
  private readonly pad = { left: 52, right: 10, top: 24, bottom: 30 };

  override willUpdate(): void {
    const max = Math.max(0, ...this.groups.flatMap((g) => g.values));
    this.y = linearScale(0, max * 1.1 || 1, this.height - this.pad.bottom, this.pad.top, 4);
  }

  override render() {
    const { left, right, top, bottom } = this.pad;
    const w = this.width;
    const h = this.height;
    const slot = (w - left - right) / Math.max(1, this.categories.length);
    const barW = (slot * 0.8) / Math.max(1, this.groups.length);
    return html`<svg viewBox="0 0 ${w} ${h}" role="img" aria-label=${this.title || this.yLabel} style="max-width:${Math.round(w * 1.4)}px">
      ${this.title ? svg`<text class="title" x=${left} y="14">${this.title}</text>` : nothing}
      ${this.y.ticks.map((t) => svg`<line class="grid" x1=${left} x2=${w - right} y1=${this.y(t)} y2=${this.y(t)}></line>
        <text x=${left - 4} y=${this.y(t) + 3} text-anchor="end">${this.y.format(t)}</text>`)}
      <line class="axis" x1=${left} x2=${w - right} y1=${h - bottom} y2=${h - bottom}></line>
      <text transform="translate(12 ${(top + h - bottom) / 2}) rotate(-90)" text-anchor="middle">${this.yLabel}</text>
      ${this.categories.map((c, i) => svg`<text x=${left + slot * (i + 0.5)} y=${h - bottom + 14} text-anchor="middle">${c}</text>
        ${this.groups.map((g, j) => {
          const v = g.values[i] ?? 0;
          const x = left + slot * i + slot * 0.1 + j * barW;
          const color = this.groups.length === 1 && this.categoryColors ? this.categoryColors[i] : g.color;
          return svg`<rect x=${x} y=${this.y(v)} width=${Math.max(1, barW - 1)} height=${Math.max(0, h - bottom - this.y(v))} fill=${color}><title>${g.name} ${c}: ${this.format(v)}</title></rect>
            ${this.groups.length <= 3 ? svg`<text x=${x + barW / 2} y=${this.y(v) - 3} text-anchor="middle" font-size="9">${this.format(v)}</text>` : nothing}`;
        })}`)}
      ${this.groups.length > 1
        ? this.groups.map((g, j) => svg`<g transform="translate(${w - right - 70 - (this.groups.length - 1 - j) * 0} ${top + j * 13})"><rect width="10" height="10" fill=${g.color}></rect><text x="14" y="9">${g.name}</text></g>`)
        : nothing}
    </svg>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-bar-chart': BarChart;
  }
}
