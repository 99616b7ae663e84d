/**
 * What each layer outputs for one window of a chosen stage: input, spatial mix, each
 * convolution, before and after ReLU and pooling, the features, logits and probabilities.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { layerActivations, type LayerActivation } from '../../../sleep/internals/activations.ts';
import type { SleepStagerChambon2018 } from '../../../sleep/model/chambon.ts';
import { STAGE_NAMES } from '../../state/stages.ts';
import { theme } from '../../ui/theme.ts';
import { windowValues, type WindowRef } from './data.ts';
import './activation-map.ts';

@customElement('hg-activations-panel')
export class ActivationsPanel extends LitElement {
  static override styles = [
    theme,
    css`
      .layer { display: grid; grid-template-columns: 15rem minmax(0, 1fr); gap: 0.6rem; align-items: center; margin: 0.25rem 0; }
      .layer .name { font-size: 0.8rem; }
      .layer.relu .name, .layer.pool .name { padding-left: 1rem; }
      .probs span { display: inline-block; margin-right: 0.8rem; }
      .probs b { display: inline-block; height: 0.7rem; background: #1f4e8c; vertical-align: middle; margin-left: 0.2rem; }
    `,
  ];

  @property({ attribute: false }) model: SleepStagerChambon2018 | null = null;
  /** Candidate windows (test subjects first). */
  @property({ attribute: false }) windows: WindowRef[] = [];
  @state() private stage = 2;
  @state() private nth = 0;

  private get chosen(): WindowRef | null {
    const of = this.windows.filter((w) => w.label === this.stage);
    return of.length ? of[this.nth % of.length] : null;
  }

  private readonly task = new Task(this, {
    args: () => [this.model, this.chosen] as const,
    task: async ([model, w]) => {
      if (!model || !w) return null;
      return layerActivations(model, { values: windowValues(w), nChannels: w.recording.nChannels, nSamples: w.recording.nSamples });
    },
  });

  private layer(a: LayerActivation) {
    const dims = a.shape.slice(1);
    const cols = dims[dims.length - 1] ?? 1;
    const rows = dims.slice(0, -1).reduce((x, y) => x * y, 1);
    const cls = a.kind === 'ReLU' ? 'relu' : a.kind.includes('Pool') ? 'pool' : '';
    const what = a.kind === 'ReLU' ? 'after ReLU' : a.kind.includes('Pool') ? 'after pooling' : a.kind === 'Conv2d' ? 'before ReLU' : '';
    if (a.shape.length === 2 && a.shape[1] === STAGE_NAMES.length) {
      const probs = a.name === 'softmax';
      return html`<div class="layer" data-layer=${a.name}><div class="name"><code>${a.name}</code> ${a.kind} [${a.shape.join(', ')}]</div>
        <div class="probs">${Array.from(a.values).map((v, k) => html`<span>${STAGE_NAMES[k]} ${probs ? `${(v * 100).toFixed(0)}%` : v.toFixed(2)}${probs ? html`<b style="width:${(v * 4).toFixed(2)}rem"></b>` : nothing}</span>`)}</div></div>`;
    }
    return html`<div class="layer ${cls}" data-layer=${a.name}><div class="name"><code>${a.name}</code> ${a.kind} ${what ? html`<em>(${what})</em>` : nothing}<br /><span class="muted">[${a.shape.join(', ')}]</span></div>
      <hg-activation-map .values=${a.values} .rows=${rows} .cols=${cols}></hg-activation-map></div>`;
  }

  override render() {
    const w = this.chosen;
    const count = this.windows.filter((x) => x.label === this.stage).length;
    return html`<div class="row">
        <label>Stage <select id="activation-stage" @change=${(e: Event) => { this.stage = Number((e.target as HTMLSelectElement).value); this.nth = 0; }}>
          ${STAGE_NAMES.map((s, k) => html`<option value=${k} ?selected=${k === this.stage}>${s}</option>`)}
        </select></label>
        <button id="activation-next" ?disabled=${count < 2} @click=${() => (this.nth = (this.nth + 1) % Math.max(1, count))}>Another ${STAGE_NAMES[this.stage]} window</button>
        <span class="muted" id="activation-window">${w ? `${w.recording.file}, window ${w.index + 1} (${this.nth + 1} of ${count})` : `no ${STAGE_NAMES[this.stage]} window in these data`}</span>
      </div>
      <p class="muted">Red: positive, blue: negative, white: zero, each layer scaled to its own largest magnitude. A ReLU keeps only the red; max-pooling keeps the largest value of every ${this.model?.config.maxPoolSize ?? ''} samples.</p>
      ${this.task.render({
        pending: () => html`<p role="status">Running the window through the network…</p>`,
        error: (e) => html`<p class="error" role="alert">${(e as Error).message}</p>`,
        complete: (acts) => (acts ? html`<div id="activations">${acts.filter((a) => a.kind !== 'Identity').map((a) => this.layer(a))}</div>
          <p class="muted">Identity layers (where batch norm would sit, when it is off) are left out: they hand their input on unchanged.</p>` : nothing),
      })}`;
  }
}
