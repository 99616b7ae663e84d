/** SVG heatmap of a matrix with row and column labels and the value in each cell. */
import { LitElement, css, html, svg, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';

@customElement('hg-heatmap')
export class Heatmap extends LitElement {
  static override styles = css`
    :host { display: block; }
    svg { width: 100%; height: auto; display: block; font: 11px system-ui, sans-serif; }
    text { fill: #222; }
    .title { font-weight: 600; font-size: 12px; }
  `;

  @property({ attribute: false }) rows: string[] = [];
  @property({ attribute: false }) columns: string[] = [];
  /** values[row][column]. */
  @property({ attribute: false }) values: number[][] = [];
  @property() override title = '';
  @property({ attribute: 'row-label' }) rowLabel = '';
  @property({ attribute: 'column-label' }) columnLabel = '';
  @property({ attribute: false }) format: (v: number) => string = (v) => String(v);
  /** Normalise colours per row (e.g. a confusion matrix's recall) instead of over the matrix. */
  @property({ type: Boolean, attribute: 'per-row' }) perRow = false;
  @property({ type: Number, attribute: 'cell-width' }) cellWidth = 56;
  @property({ type: Number, attribute: 'cell-height' }) cellHeight = 24;

  private color(t: number): string {
    // White to deep blue.
    const c = (a: number, b: number) => Math.round(a + (b - a) * t);
    return `rgb(${c(255, 31)},${c(255, 78)},${c(255, 140)})`;
  }

  override render() {
    const left = 64;
    const top = this.title ? 40 : 22;
    const w = left + this.columns.length * this.cellWidth + 4;
    const h = top + this.rows.length * this.cellHeight + 4;
    const globalMax = Math.max(0, ...this.values.flat());
    return html`<svg viewBox="0 0 ${w} ${h}" role="img" aria-label=${this.title || 'heatmap'} style="max-width:${w * 1.4}px">
      ${this.title ? svg`<text class="title" x="2" y="14">${this.title}</text>` : nothing}
      ${this.columns.map((c, j) => svg`<text x=${left + (j + 0.5) * this.cellWidth} y=${top - 6} text-anchor="middle">${c}</text>`)}
      ${this.rows.map((r, i) => {
        const rowMax = this.perRow ? Math.max(0, ...(this.values[i] ?? [])) : globalMax;
        return svg`<text x=${left - 6} y=${top + (i + 0.5) * this.cellHeight + 4} text-anchor="end">${r}</text>
        ${this.columns.map((_, j) => {
          const v = this.values[i]?.[j] ?? 0;
          const t = rowMax > 0 ? v / rowMax : 0;
          return svg`<rect x=${left + j * this.cellWidth} y=${top + i * this.cellHeight} width=${this.cellWidth - 1} height=${this.cellHeight - 1} fill=${this.color(t)}><title>${r} / ${this.columns[j]}: ${this.format(v)}</title></rect>
            <text x=${left + (j + 0.5) * this.cellWidth} y=${top + (i + 0.5) * this.cellHeight + 4} text-anchor="middle" style="fill:${t > 0.55 ? '#fff' : '#222'}">${this.format(v)}</text>`;
        })}`;
      })}
    </svg>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-heatmap': Heatmap;
  }
}
