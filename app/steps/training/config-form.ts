/** The training settings: optimizer, learning rate, weight decay, batch, epochs, loss, seed. */
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LossName, OptimizerName, TrainConfig } from '../../../sleep/train/config.ts';
import { theme } from '../../ui/theme.ts';

@customElement('hg-train-config')
export class TrainConfigForm extends LitElement {
  static override styles = theme;
  @property({ attribute: false }) config!: TrainConfig;
  @property({ type: Boolean }) disabled = false;

  private change(patch: (c: TrainConfig) => TrainConfig): void {
    this.dispatchEvent(new CustomEvent<TrainConfig>('config-change', { detail: patch(structuredClone(this.config)) }));
  }

  private num(e: Event): number | null {
    const text = (e.target as HTMLInputElement).value.trim();
    if (text === '') return null;
    const v = Number(text);
    return Number.isFinite(v) ? v : null;
  }

  override render() {
    const c = this.config;
    const o = c.optimizer;
    const l = c.loss;
    const d = this.disabled;
    const int = (e: Event, min: number) => {
      const v = this.num(e);
      return v !== null && Number.isInteger(v) && v >= min ? v : null;
    };
    return html`<form class="card" aria-label="Training settings" @submit=${(e: Event) => e.preventDefault()}>
      <div class="row">
        <label>Optimizer
          <select id="optimizer" ?disabled=${d} @change=${(e: Event) => this.change((x) => ({ ...x, optimizer: { ...x.optimizer, name: (e.target as HTMLSelectElement).value as OptimizerName } }))}>
            <option value="adam" ?selected=${o.name === 'adam'}>Adam</option>
            <option value="adamw" ?selected=${o.name === 'adamw'}>AdamW</option>
            <option value="sgd" ?selected=${o.name === 'sgd'}>SGD with momentum</option>
          </select></label>
        <label>Learning rate <input id="lr" type="number" min="0" step="any" ?disabled=${d} .value=${String(o.lr)}
          @change=${(e: Event) => { const v = this.num(e); if (v !== null && v > 0) this.change((x) => ({ ...x, optimizer: { ...x.optimizer, lr: v } })); }} /></label>
        <label>Weight decay <input id="weight-decay" type="number" min="0" step="any" placeholder=${o.name === 'adamw' ? '0.01' : '0'} ?disabled=${d} .value=${o.weightDecay === null ? '' : String(o.weightDecay)}
          aria-label="Weight decay (empty: the optimizer's default)"
          @change=${(e: Event) => { const v = this.num(e); if (v === null || v >= 0) this.change((x) => ({ ...x, optimizer: { ...x.optimizer, weightDecay: v } })); }} /></label>
        ${o.name === 'sgd'
          ? html`<label>Momentum <input id="momentum" type="number" min="0" max="0.999" step="0.05" ?disabled=${d} .value=${String(o.momentum)}
              @change=${(e: Event) => { const v = this.num(e); if (v !== null && v >= 0 && v < 1) this.change((x) => ({ ...x, optimizer: { ...x.optimizer, momentum: v } })); }} /></label>`
          : nothing}
      </div>
      <div class="row">
        <label>Batch size <input id="batch-size" type="number" min="1" step="1" ?disabled=${d} .value=${String(c.batchSize)}
          @change=${(e: Event) => { const v = int(e, 1); if (v !== null) this.change((x) => ({ ...x, batchSize: v })); }} /></label>
        <label>Epochs <input id="epochs" type="number" min="1" step="1" ?disabled=${d} .value=${String(c.epochs)}
          @change=${(e: Event) => { const v = int(e, 1); if (v !== null) this.change((x) => ({ ...x, epochs: v })); }} /></label>
        <label>Early-stopping patience <input id="patience" type="number" min="0" step="1" ?disabled=${d} .value=${String(c.patience)} aria-label="Early-stopping patience in epochs (0: off)"
          @change=${(e: Event) => { const v = int(e, 0); if (v !== null) this.change((x) => ({ ...x, patience: v })); }} /></label>
        <label>Seed <input id="seed" type="number" min="0" step="1" ?disabled=${d} .value=${String(c.seed)}
          @change=${(e: Event) => { const v = int(e, 0); if (v !== null) this.change((x) => ({ ...x, seed: v })); }} /></label>
      </div>
      <div class="row">
        <label>Loss
          <select id="loss" ?disabled=${d} @change=${(e: Event) => this.change((x) => ({ ...x, loss: { ...x.loss, name: (e.target as HTMLSelectElement).value as LossName, labelSmoothing: 0 } }))}>
            <option value="cross-entropy" ?selected=${l.name === 'cross-entropy'}>cross-entropy</option>
            <option value="focal" ?selected=${l.name === 'focal'}>focal</option>
          </select></label>
        <label><input id="class-weights" type="checkbox" ?disabled=${d} .checked=${l.classWeights === 'balanced'}
          @change=${(e: Event) => this.change((x) => ({ ...x, loss: { ...x.loss, classWeights: (e.target as HTMLInputElement).checked ? 'balanced' : 'none' } }))} /> balanced class weights</label>
        ${l.name === 'cross-entropy'
          ? html`<label>Label smoothing <input id="label-smoothing" type="number" min="0" max="1" step="0.05" ?disabled=${d} .value=${String(l.labelSmoothing)}
              @change=${(e: Event) => { const v = this.num(e); if (v !== null && v >= 0 && v <= 1) this.change((x) => ({ ...x, loss: { ...x.loss, labelSmoothing: v } })); }} /></label>`
          : html`<label>Focal γ <input id="gamma" type="number" min="0" step="0.5" ?disabled=${d} .value=${String(l.gamma)} aria-label="Focal loss exponent gamma"
              @change=${(e: Event) => { const v = this.num(e); if (v !== null && v >= 0) this.change((x) => ({ ...x, loss: { ...x.loss, gamma: v } })); }} /></label>`}
      </div>
      <p class="muted">The tutorial: Adam, learning rate 0.001, no weight decay, batch 128, 10 epochs, cross-entropy weighted against class imbalance, seed 87. ${o.name === 'sgd' ? 'SGD with momentum usually needs a larger learning rate (about 0.01).' : nothing}</p>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-train-config': TrainConfigForm;
  }
  interface HTMLElementEventMap {
    'config-change': CustomEvent<TrainConfig>;
  }
}
