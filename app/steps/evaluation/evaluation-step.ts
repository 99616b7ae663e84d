/**
 * Step 8: how the trained network does on the test subjects: confusion matrix (counts and
 * row-normalised), per-class precision/recall/F1, balanced accuracy and kappa, a hypnogram of
 * any test night, and the predictions and weights to download.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { ClassificationReport } from '../../../sleep/train/metrics.ts';
import { emit } from '../../state/events.ts';
import { STAGE_NAMES } from '../../state/stages.ts';
import type { EvaluationResult } from '../../training/protocol.ts';
import { TrainingController } from '../../training/session.ts';
import { theme } from '../../ui/theme.ts';
import { makeDownloadLinks, type DownloadLinks } from './downloads.ts';
import '../../charts/heatmap.ts';
import './hypnogram-chart.ts';

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

@customElement('hg-evaluation-step')
export class EvaluationStep extends LitElement {
  static override styles = [
    theme,
    css`
      .headline { display: flex; flex-wrap: wrap; gap: 0.4rem 2rem; }
      .headline strong { display: block; font-size: 1.3rem; }
      a.download { display: inline-block; padding: 0.3rem 0.8rem; border: 1px solid #1f4e8c; border-radius: 6px; color: #1f4e8c; text-decoration: none; margin-right: 0.6rem; }
      a.download:focus-visible { outline: 3px solid #f0b429; }
    `,
  ];
  private readonly training = new TrainingController(this);
  @state() private recordingIndex = 0;
  private links: DownloadLinks | null = null;
  private linksFor: EvaluationResult | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.links?.revoke();
    this.links = null;
    this.linksFor = null;
  }

  private linksOf(result: EvaluationResult): DownloadLinks {
    if (this.linksFor !== result) {
      this.links?.revoke();
      this.links = makeDownloadLinks(result);
      this.linksFor = result;
    }
    return this.links!;
  }

  private renderReport(r: ClassificationReport) {
    const normalised = r.confusion.map((row) => {
      const n = row.reduce((a, b) => a + b, 0);
      return row.map((v) => (n ? v / n : 0));
    });
    return html`<div class="grid2">
        <div class="card">
          <hg-heatmap id="confusion-counts" .rows=${[...STAGE_NAMES]} .columns=${[...STAGE_NAMES]} .values=${r.confusion} title="Confusion matrix (windows)" per-row></hg-heatmap>
          <p class="muted">Rows: the expert's stage; columns: the network's. The diagonal is right.</p>
        </div>
        <div class="card">
          <hg-heatmap id="confusion-normalised" .rows=${[...STAGE_NAMES]} .columns=${[...STAGE_NAMES]} .values=${normalised} .format=${(v: number) => v.toFixed(2)} title="Row-normalised (recall on the diagonal)" per-row></hg-heatmap>
          <p class="muted">Each row sums to 1: the share of a stage's windows given each label.</p>
        </div>
      </div>
      <div class="card">
        <table id="per-class" aria-label="Per-class scores">
          <thead><tr><th>Stage</th><th>Precision</th><th>Recall</th><th>F1</th><th>Windows</th></tr></thead>
          <tbody>${r.perClass.map((c, i) => html`<tr data-stage=${STAGE_NAMES[i]}><td>${STAGE_NAMES[i]}</td><td>${c.precision.toFixed(3)}</td><td>${c.recall.toFixed(3)}</td><td>${c.f1.toFixed(3)}</td><td>${c.support}</td></tr>`)}</tbody>
        </table>
      </div>`;
  }

  override render() {
    const v = this.training.view;
    const result = v.result;
    const head = html`<h2>8. Evaluation ${result?.synthetic ? html`<span class="synthetic-badge">SYNTHETIC</span>` : nothing}</h2>
      <p>The test subjects were never used for training or for choosing the model: their scores estimate how the network does on a new person. The tutorial reaches a balanced accuracy of 0.761 and a kappa of 0.693 on real Sleep-EDF nights.</p>`;
    if (!result) {
      return html`${head}<p class="empty">${v.phase === 'running' || v.phase === 'paused' || v.phase === 'starting'
        ? 'Training is running; the test subjects are scored when it ends.'
        : html`No trained model yet. <button @click=${() => emit(this, 'hg-navigate', 'train')}>Go to step 7 (Training)</button>`}</p>`;
    }
    const r = result.report;
    const total = r.confusion.flat().reduce((a, b) => a + b, 0);
    const rec = result.recordings[Math.min(this.recordingIndex, result.recordings.length - 1)];
    const links = this.linksOf(result);
    return html`${head}
      ${result.synthetic ? html`<p class="muted" id="synthetic-note">SYNTHETIC data: these scores describe the generator's stage rhythms, not real sleep staging.</p>` : nothing}
      <div class="card">
        <p id="evaluated-model" data-model=${result.evaluated} data-epoch=${result.epoch}>Evaluated: the <strong>${result.evaluated === 'best' ? `best weights (epoch ${result.epoch}, lowest validation loss)` : `last weights (epoch ${result.epoch})`}</strong> of ${result.parameters.toLocaleString('en-US')} parameters, trained on ${result.device === 'webgpu' ? 'WebGPU' : 'the CPU backend'}; ${result.message}.</p>
        <div class="headline" id="headline" data-windows=${total}>
          <div>Balanced accuracy<strong id="balanced-accuracy">${r.balancedAccuracy.toFixed(3)}</strong></div>
          <div>Cohen's kappa<strong id="kappa">${r.kappa.toFixed(3)}</strong></div>
          <div>Accuracy<strong>${pct(r.accuracy)}</strong></div>
          <div>Macro F1<strong>${r.macroF1.toFixed(3)}</strong></div>
          <div>Test windows<strong>${total.toLocaleString('en-US')}</strong></div>
        </div>
        ${result.lastReport ? html`<p class="muted" id="last-model">The last epoch's weights score balanced accuracy ${result.lastReport.balancedAccuracy.toFixed(3)}, kappa ${result.lastReport.kappa.toFixed(3)} on the same windows.</p>` : nothing}
      </div>
      ${this.renderReport(r)}
      <div class="card">
        <div class="row">
          <label>Test recording
            <select id="hypnogram-recording" @change=${(e: Event) => (this.recordingIndex = Number((e.target as HTMLSelectElement).value))}>
              ${result.recordings.map((x, i) => html`<option value=${i} ?selected=${i === this.recordingIndex}>subject ${x.subject}, night ${x.night} (${x.file})</option>`)}
            </select></label>
        </div>
        ${rec ? html`<hg-hypnogram id="hypnogram" .onsets=${rec.onsets} .truth=${rec.yTrue} .predicted=${rec.yPred}
            title=${`Hypnogram of ${rec.file}${result.synthetic ? ' (SYNTHETIC)' : ''}`}></hg-hypnogram>` : nothing}
      </div>
      <div class="card">
        <h3>Downloads</h3>
        <p class="muted">Made here in the browser; nothing is uploaded.</p>
        <a class="download" id="download-csv" href=${links.csv} download="hypnograd-test-predictions${result.synthetic ? '-SYNTHETIC' : ''}.csv">Predictions (CSV)</a>
        <a class="download" id="download-weights" href=${links.weights} download="hypnograd-chambon2018-${result.evaluated}${result.synthetic ? '-SYNTHETIC' : ''}.safetensors">Weights (safetensors)</a>
        <p class="muted">CSV columns: recording, window index, onset in seconds, true and predicted stage, and the five stage probabilities. The weights load in PyTorch with safetensors (braindecode's state-dict names).</p>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-evaluation-step': EvaluationStep;
  }
}
