/** Loss, balanced accuracy and kappa against epochs, training against validation. */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { EpochRecord } from '../../../sleep/train/history.ts';
import type { LineSeries } from '../../charts/line-chart.ts';
import type { StepPoint } from '../../training/session.ts';
import '../../charts/line-chart.ts';

const TRAIN = '#1f4e8c';
const VALID = '#d1495b';

@customElement('hg-learning-curves')
export class LearningCurves extends LitElement {
  static override styles = css`
    :host { display: block; }
    .charts { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.6rem; }
  `;
  @property({ attribute: false }) history: EpochRecord[] = [];
  @property({ attribute: false }) steps: StepPoint[] = [];
  @property({ type: Number }) epochs = 1;

  override render() {
    const h = this.history;
    const x = h.map((r) => r.epoch);
    const pair = (train: (r: EpochRecord) => number, valid: (r: EpochRecord) => number): LineSeries[] => [
      { name: 'train', color: TRAIN, x, y: h.map(train), markers: true },
      { name: 'valid', color: VALID, x, y: h.map(valid), markers: true },
    ];
    const xRange: [number, number] = [0, Math.max(1, this.epochs)];
    const loss: LineSeries[] = [
      { name: 'train (step)', color: '#9db7d8', x: this.steps.map((p) => p.x), y: this.steps.map((p) => p.loss) },
      ...pair((r) => r.trainLoss, (r) => r.validLoss),
    ];
    return html`<div class="charts">
      <hg-line-chart id="curve-loss" .series=${loss} .xRange=${xRange} title="Loss" x-label="epoch" y-label="loss" width="360" height="240"></hg-line-chart>
      <hg-line-chart id="curve-bacc" .series=${pair((r) => r.trainBalancedAccuracy, (r) => r.validBalancedAccuracy)} .xRange=${xRange} .yRange=${[0, 1]} title="Balanced accuracy" x-label="epoch" y-label="balanced accuracy" width="360" height="240"></hg-line-chart>
      <hg-line-chart id="curve-kappa" .series=${pair((r) => r.trainKappa, (r) => r.validKappa)} .xRange=${xRange} .yRange=${[-0.2, 1]} title="Cohen's kappa" x-label="epoch" y-label="kappa" width="360" height="240"></hg-line-chart>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-learning-curves': LearningCurves;
  }
}
