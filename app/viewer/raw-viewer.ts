/**
 * A whole-night EEG viewer on canvas, after MNE's raw plot: pages (30 s by default) titled with
 * their sleep stage, paging by keys, buttons and wheel, zoom by page length, amplitude scaling in
 * uV per division, and an overview bar of stage colours across the night that jumps where
 * clicked. Zoomed out, each pixel column draws the min/max envelope of its samples.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { LoadedRecording } from '../state/types.ts';
import { STAGE_COLORS, STAGE_NAMES, UNSCORED_COLOR, stageName, stageTrack } from '../state/stages.ts';
import { theme } from '../ui/theme.ts';
import { clock, columnEnvelope } from './envelope.ts';

export const PAGE_LENGTHS = [10, 30, 60, 120, 300, 600, 1800, 3600] as const;
export const SCALES_UV = [10, 20, 50, 100, 200, 500] as const;
const DIV_PX = 22;
const LABEL_PX = 92;
const STAGE_STRIP_PX = 10;
const AXIS_PX = 20;

@customElement('hg-raw-viewer')
export class RawViewer extends LitElement {
  static override styles = [
    theme,
    css`
      :host { display: block; }
      .title { font-weight: 600; font-size: 1.05rem; margin: 0.3rem 0; }
      canvas { display: block; width: 100%; border: 1px solid #dcdfe4; border-radius: 6px; background: #fff; }
      canvas.overview { cursor: pointer; margin-top: 0.4rem; }
      .legend span { display: inline-flex; align-items: center; gap: 0.25rem; margin-right: 0.7rem; font-size: 0.8rem; }
      .legend i { width: 0.8rem; height: 0.8rem; display: inline-block; border-radius: 2px; }
      .controls button { padding: 0.15rem 0.55rem; }
    `,
  ];

  @property({ attribute: false }) recording: LoadedRecording | null = null;
  @state() pageStart = 0;
  @state() pageSeconds = 30;
  @state() uvPerDiv = 50;
  @state() private width = 900;

  @query('canvas.trace') private trace!: HTMLCanvasElement;
  @query('canvas.overview') private overview!: HTMLCanvasElement;

  private track: Int8Array = new Int8Array(0);
  private duration = 0;
  private envelope = new Float32Array(0);
  private resize?: ResizeObserver;

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0].contentRect.width);
      if (w > 0 && Math.abs(w - this.width) > 1) this.width = w;
    });
    this.resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('recording')) {
      const r = this.recording;
      this.duration = r ? (r.channels[0]?.length ?? 0) / r.sfreq : 0;
      this.track = r ? stageTrack(r.annotations, this.duration) : new Int8Array(0);
      this.pageStart = 0;
    }
    this.pageStart = this.clampStart(this.pageStart);
  }

  private clampStart(t: number): number {
    const max = Math.max(0, this.duration - this.pageSeconds);
    // Pages start on 30-s epoch boundaries when they are at least an epoch long (as scored).
    const snapped = this.pageSeconds >= 30 ? Math.round(t / 30) * 30 : t;
    return Math.min(Math.max(0, snapped), max);
  }

  /** Moves by whole pages (negative: back). */
  page(delta: number): void {
    this.pageStart = this.clampStart(this.pageStart + delta * this.pageSeconds);
  }

  jumpTo(seconds: number): void {
    this.pageStart = this.clampStart(seconds - (this.pageSeconds >= 30 ? 0 : this.pageSeconds / 2));
  }

  private zoom(direction: 1 | -1): void {
    const i = PAGE_LENGTHS.indexOf(this.pageSeconds as (typeof PAGE_LENGTHS)[number]);
    const next = PAGE_LENGTHS[Math.min(PAGE_LENGTHS.length - 1, Math.max(0, i + direction))];
    this.pageSeconds = next;
  }

  private onKey(e: KeyboardEvent): void {
    const keys: Record<string, () => void> = {
      ArrowRight: () => this.page(1),
      ArrowLeft: () => this.page(-1),
      PageDown: () => this.page(10),
      PageUp: () => this.page(-10),
      Home: () => (this.pageStart = 0),
      End: () => (this.pageStart = this.clampStart(this.duration)),
      '+': () => this.zoom(-1),
      '=': () => this.zoom(-1),
      '-': () => this.zoom(1),
      ArrowUp: () => this.scale(-1),
      ArrowDown: () => this.scale(1),
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  }

  private scale(direction: 1 | -1): void {
    const i = SCALES_UV.indexOf(this.uvPerDiv as (typeof SCALES_UV)[number]);
    this.uvPerDiv = SCALES_UV[Math.min(SCALES_UV.length - 1, Math.max(0, i + direction))];
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    if (Math.abs(e.deltaY) < 1 && Math.abs(e.deltaX) < 1) return;
    this.page((e.deltaY || e.deltaX) > 0 ? 1 : -1);
  }

  private onOverviewClick(e: MouseEvent): void {
    const rect = this.overview.getBoundingClientRect();
    const f = (e.clientX - rect.left) / rect.width;
    this.jumpTo(f * this.duration);
  }

  get stageAtPage(): number {
    return this.track[Math.floor(this.pageStart / 30)] ?? -1;
  }

  override updated(): void {
    this.draw();
    this.drawOverview();
  }

  private draw(): void {
    const r = this.recording;
    const canvas = this.trace;
    if (!r || !canvas) return;
    const dpr = window.devicePixelRatio || 1;
    const laneHeight = DIV_PX * 6;
    const cssH = STAGE_STRIP_PX + r.channels.length * laneHeight + AXIS_PX;
    const cssW = this.width;
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
    canvas.style.height = `${cssH}px`;
    const g = canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, cssW, cssH);
    const plotW = cssW - LABEL_PX - 8;
    const x0 = LABEL_PX;
    const t0 = this.pageStart;
    const t1 = Math.min(this.duration, t0 + this.pageSeconds);
    const pxPerS = plotW / this.pageSeconds;

    // Stage strip: one colour per 30-s epoch in view.
    for (let e = Math.floor(t0 / 30); e * 30 < t1; e++) {
      const a = Math.max(t0, e * 30);
      const b = Math.min(t1, (e + 1) * 30);
      const k = this.track[e] ?? -1;
      g.fillStyle = k >= 0 ? STAGE_COLORS[k] : UNSCORED_COLOR;
      g.fillRect(x0 + (a - t0) * pxPerS, 0, (b - a) * pxPerS, STAGE_STRIP_PX - 2);
    }

    // Time grid: every second for short pages, coarser when zoomed out.
    const step = [1, 5, 10, 30, 60, 300, 600].find((s) => this.pageSeconds / s <= 30) ?? 1800;
    g.strokeStyle = '#eceef1';
    g.fillStyle = '#5f6670';
    g.font = '11px system-ui, sans-serif';
    g.textAlign = 'center';
    const bottom = cssH - AXIS_PX;
    for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
      const x = x0 + (t - t0) * pxPerS;
      g.beginPath();
      g.moveTo(x, STAGE_STRIP_PX);
      g.lineTo(x, bottom);
      g.stroke();
      if ((t / step) % Math.max(1, Math.round(60 / (plotW / (this.pageSeconds / step)))) === 0) g.fillText(clock(t), x, cssH - 5);
    }

    const sfreq = r.sfreq;
    const s0 = Math.floor(t0 * sfreq);
    const nSamples = Math.max(1, Math.floor((t1 - t0) * sfreq));
    const drawnW = Math.max(1, Math.round((t1 - t0) * pxPerS));
    const spp = nSamples / drawnW;
    const pxPerUv = DIV_PX / this.uvPerDiv;
    r.channels.forEach((x, c) => {
      const mid = STAGE_STRIP_PX + c * laneHeight + laneHeight / 2;
      g.fillStyle = '#1d1d1f';
      g.textAlign = 'right';
      g.fillText(r.channelLabels[c], LABEL_PX - 8, mid + 4);
      g.strokeStyle = '#f3f4f6';
      for (let d = -2; d <= 2; d++) {
        g.beginPath();
        g.moveTo(x0, mid + d * DIV_PX);
        g.lineTo(x0 + plotW, mid + d * DIV_PX);
        g.stroke();
      }
      g.save();
      g.beginPath();
      g.rect(x0, mid - laneHeight / 2, plotW, laneHeight);
      g.clip();
      g.strokeStyle = '#14213d';
      g.fillStyle = '#14213d';
      g.lineWidth = 1;
      if (spp > 2) {
        if (this.envelope.length < 2 * drawnW) this.envelope = new Float32Array(2 * drawnW);
        columnEnvelope(x, s0, spp, drawnW, this.envelope);
        for (let col = 0; col < drawnW; col++) {
          const lo = this.envelope[2 * col];
          const hi = this.envelope[2 * col + 1];
          if (!(hi >= lo)) continue;
          const yTop = mid - hi * pxPerUv;
          g.fillRect(x0 + col, yTop, 1, Math.max(1, (hi - lo) * pxPerUv));
        }
      } else {
        g.beginPath();
        for (let i = 0; i < nSamples && s0 + i < x.length; i++) {
          const px = x0 + (i / sfreq) * pxPerS;
          const py = mid - x[s0 + i] * pxPerUv;
          if (i === 0) g.moveTo(px, py);
          else g.lineTo(px, py);
        }
        g.stroke();
      }
      g.restore();
    });
    // Scale bar: one division.
    g.strokeStyle = '#a4161a';
    g.lineWidth = 2;
    g.beginPath();
    g.moveTo(12, STAGE_STRIP_PX + 8);
    g.lineTo(12, STAGE_STRIP_PX + 8 + DIV_PX);
    g.stroke();
    g.fillStyle = '#a4161a';
    g.textAlign = 'left';
    g.fillText(`${this.uvPerDiv} µV`, 16, STAGE_STRIP_PX + 8 + DIV_PX / 2 + 4);
  }

  private drawOverview(): void {
    const canvas = this.overview;
    if (!canvas || !this.recording) return;
    const dpr = window.devicePixelRatio || 1;
    const cssW = this.width;
    const cssH = 26;
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
    canvas.style.height = `${cssH}px`;
    const g = canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const n = this.track.length;
    for (let e = 0; e < n; e++) {
      const k = this.track[e];
      g.fillStyle = k >= 0 ? STAGE_COLORS[k] : UNSCORED_COLOR;
      // Deeper stages drawn lower, like a hypnogram.
      const level = k < 0 ? 0 : [0, 2, 3, 4, 1][k];
      g.fillRect((e / n) * cssW, 2 + level * 4, Math.max(1, cssW / n + 0.5), cssH - 4 - level * 4);
    }
    const a = (this.pageStart / this.duration) * cssW;
    const w = Math.max(2, (this.pageSeconds / this.duration) * cssW);
    g.strokeStyle = '#000';
    g.lineWidth = 2;
    g.strokeRect(a, 1, w, cssH - 2);
  }

  override render() {
    const r = this.recording;
    if (!r) return html`<p class="empty">No recording to show.</p>`;
    const stage = this.stageAtPage;
    const epoch = Math.floor(this.pageStart / 30);
    const labelled = r.annotations.length > 0;
    const title = labelled ? `Sleep stage ${stageName(stage)}` : 'unlabelled (no hypnogram)';
    return html`
      <div class="row controls" role="toolbar" aria-label="Viewer controls">
        <button @click=${() => this.page(-10)} aria-label="Back 10 pages">«</button>
        <button id="prev-page" @click=${() => this.page(-1)} aria-label="Previous page">‹ prev</button>
        <button id="next-page" @click=${() => this.page(1)} aria-label="Next page">next ›</button>
        <button @click=${() => this.page(10)} aria-label="Forward 10 pages">»</button>
        <label>Page length
          <select id="page-length" aria-label="Page length in seconds" @change=${(e: Event) => (this.pageSeconds = Number((e.target as HTMLSelectElement).value))}>
            ${PAGE_LENGTHS.map((s) => html`<option value=${s} ?selected=${s === this.pageSeconds}>${s < 60 ? `${s} s` : `${s / 60} min`}</option>`)}
          </select></label>
        <label>Scale
          <select id="scale" aria-label="Microvolts per division" @change=${(e: Event) => (this.uvPerDiv = Number((e.target as HTMLSelectElement).value))}>
            ${SCALES_UV.map((s) => html`<option value=${s} ?selected=${s === this.uvPerDiv}>${s} µV/div</option>`)}
          </select></label>
      </div>
      <div class="title" id="page-title" aria-live="polite" data-page-start=${this.pageStart} data-stage=${labelled ? stageName(stage) : 'unlabelled'}>
        ${r.synthetic ? html`<span class="synthetic-badge">SYNTHETIC</span> ` : nothing}Epoch ${epoch + 1} of ${Math.ceil(this.duration / 30)} · ${clock(this.pageStart)}–${clock(Math.min(this.duration, this.pageStart + this.pageSeconds))} · ${title}
      </div>
      <canvas class="trace" tabindex="0" role="img"
        aria-label="EEG of ${r.file} from ${clock(this.pageStart)}, ${this.pageSeconds} s per page. Arrow keys page, plus and minus zoom, up and down change the scale."
        @keydown=${(e: KeyboardEvent) => this.onKey(e)} @wheel=${(e: WheelEvent) => this.onWheel(e)}></canvas>
      <canvas class="overview" tabindex="0" role="slider" aria-label="Night overview: click to jump"
        aria-valuemin="0" aria-valuemax=${Math.round(this.duration)} aria-valuenow=${Math.round(this.pageStart)} aria-valuetext=${clock(this.pageStart)}
        @click=${(e: MouseEvent) => this.onOverviewClick(e)} @keydown=${(e: KeyboardEvent) => this.onKey(e)}></canvas>
      <div class="legend" aria-label="Stage colours">
        ${STAGE_NAMES.map((s, i) => html`<span><i style="background:${STAGE_COLORS[i]}"></i>${s}</span>`)}
        <span><i style="background:${UNSCORED_COLOR}"></i>unscored</span>
        <span class="muted">Keys: ← → page, PgUp/PgDn 10 pages, + − zoom, ↑ ↓ scale; wheel pages.</span>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-raw-viewer': RawViewer;
  }
}
