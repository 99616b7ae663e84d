/** A small canvas heatmap of one layer's output: rows = channels (x height), columns = time. */
import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';

@customElement('hg-activation-map')
export class ActivationMap extends LitElement {
  static override styles = css`
    :host { display: block; }
    canvas { width: 100%; image-rendering: pixelated; border: 1px solid #e2e4e8; display: block; }
  `;

  @property({ attribute: false }) values: ArrayLike<number> = [];
  @property({ type: Number }) rows = 1;
  @property({ type: Number }) cols = 1;
  @query('canvas') private canvas!: HTMLCanvasElement;

  override render() {
    // The drawn height is fixed by the rows, not by the aspect ratio: a 20-sample layer stays a strip.
    const h = Math.max(10, Math.min(this.rows * 12, 96));
    return html`<canvas width=${Math.min(this.cols, 600)} height=${h} style="height:${h}px" role="img" aria-label="${this.rows} rows x ${this.cols} columns"></canvas>`;
  }

  override updated(): void {
    const c = this.canvas;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    const { rows, cols, values } = this;
    let max = 0;
    for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
    const img = ctx.createImageData(c.width, c.height);
    for (let py = 0; py < c.height; py++) {
      const r = Math.min(rows - 1, Math.floor((py * rows) / c.height));
      for (let px = 0; px < c.width; px++) {
        // The largest-magnitude value in this pixel's span of time, so short events stay visible.
        const a = Math.floor((px * cols) / c.width);
        const b = Math.max(a + 1, Math.floor(((px + 1) * cols) / c.width));
        let v = 0;
        for (let k = a; k < b; k++) {
          const x = values[r * cols + k];
          if (Math.abs(x) > Math.abs(v)) v = x;
        }
        const t = max > 0 ? Math.min(1, Math.abs(v) / max) : 0;
        const o = (py * c.width + px) * 4;
        // White to red for positive, white to blue for negative.
        img.data[o] = v >= 0 ? 255 : Math.round(255 - 200 * t);
        img.data[o + 1] = Math.round(255 - 200 * t);
        img.data[o + 2] = v >= 0 ? Math.round(255 - 200 * t) : 255;
        img.data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
  }
}
