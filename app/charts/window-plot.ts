/** A small canvas plot of one window's channels (z-scored), for example windows per stage. */
import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';

@customElement('hg-window-plot')
export class WindowPlot extends LitElement {
  static override styles = css`
    :host { display: block; }
    canvas { width: 100%; height: 110px; display: block; background: #fff; border: 1px solid #e5e7eb; border-radius: 4px; }
  `;
  /** [channel][sample]. */
  @property({ attribute: false }) data: Float32Array | null = null;
  @property({ type: Number }) channels = 2;
  @property() color = '#14213d';
  @property() label = '';
  @query('canvas') private canvas!: HTMLCanvasElement;

  override updated(): void {
    const c = this.canvas;
    const d = this.data;
    if (!c || !d) return;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth || 240;
    const h = 110;
    c.width = w * dpr;
    c.height = h * dpr;
    const g = c.getContext('2d')!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const n = d.length / this.channels;
    const lane = h / this.channels;
    g.strokeStyle = this.color;
    g.lineWidth = 0.8;
    for (let ch = 0; ch < this.channels; ch++) {
      const mid = lane * (ch + 0.5);
      g.beginPath();
      for (let i = 0; i < n; i++) {
        const x = (i / (n - 1)) * w;
        const y = mid - d[ch * n + i] * (lane / 8);
        if (i === 0) g.moveTo(x, y);
        else g.lineTo(x, y);
      }
      g.stroke();
    }
  }

  override render() {
    return html`<canvas role="img" aria-label=${this.label}></canvas>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-window-plot': WindowPlot;
  }
}
