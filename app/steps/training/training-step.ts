/**
 * Step 7: training the network in a Web Worker (WebGPU when the browser has it), with live
 * learning curves, pause/resume/stop, and resuming a run after a reload from IndexedDB.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { resolveTrainConfig, type TrainConfig } from '../../../sleep/train/config.ts';
import { loaderContext, type LoadView } from '../../data/loaderContext.ts';
import { backendContext, datasetContext, epochsContext, modelContext, preprocessContext, splitContext } from '../../state/contexts.ts';
import { emit } from '../../state/events.ts';
import type { BackendState, Dataset, EpochsState, ModelSettings, PreprocessSettings, SplitState } from '../../state/types.ts';
import { TrainingController, fingerprintOf, trainingSession } from '../../training/session.ts';
import { theme } from '../../ui/theme.ts';
import './config-form.ts';
import './learning-curves.ts';

function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${String(m).padStart(2, '0')} min` : `${m}:${String(s % 60).padStart(2, '0')} min`;
}

function memory(bytes: number | null): string {
  if (bytes === null) return '–';
  return bytes < 2 ** 20 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

@customElement('hg-training-step')
export class TrainingStep extends LitElement {
  static override styles = [
    theme,
    css`
      .stats { display: flex; flex-wrap: wrap; gap: 0.3rem 1.6rem; margin: 0.4rem 0; }
      .stats div { min-width: 8rem; }
      .stats strong { display: block; font-size: 1.05rem; }
      .controls button { margin-right: 0.5rem; }
      .resume { border-color: #f0b429; background: #fffaf0; }
      .log { font-size: 0.8rem; color: #5f6670; max-height: 6rem; overflow: auto; margin: 0; padding-left: 1.1rem; }
      progress { width: 100%; }
    `,
  ];

  @consume({ context: backendContext, subscribe: true }) @property({ attribute: false }) backend!: BackendState;
  @consume({ context: datasetContext, subscribe: true }) @property({ attribute: false }) loaded: Dataset | null = null;
  @consume({ context: epochsContext, subscribe: true }) @property({ attribute: false }) epochs!: EpochsState;
  @consume({ context: splitContext, subscribe: true }) @property({ attribute: false }) split!: SplitState;
  @consume({ context: modelContext, subscribe: true }) @property({ attribute: false }) model!: ModelSettings;
  @consume({ context: preprocessContext, subscribe: true }) @property({ attribute: false }) preprocess!: PreprocessSettings;
  @consume({ context: loaderContext, subscribe: true }) @property({ attribute: false }) loadView!: LoadView;

  private readonly training = new TrainingController(this);
  private startError = '';

  /** Why a new run cannot start now (null: it can). */
  private blocker(config: TrainConfig): string | null {
    if (!this.loaded) return 'Load data in step 1 first.';
    if (this.epochs.status !== 'ready') return this.epochs.status === 'error' ? `The windows could not be made: ${this.epochs.error}` : 'Waiting for the windows (step 4)…';
    if (!this.split.split) return `The split is not usable: ${this.split.error ?? 'see step 5'}.`;
    if (this.split.split.train.length === 0 || this.split.split.valid.length === 0) return 'The split needs training and validation subjects (step 5).';
    if (config.loss.classWeights === 'balanced' && !this.split.classWeights) {
      return `Balanced class weights need every stage among the training windows, and ${this.split.error ?? 'one is missing'}. Untick “balanced class weights” or add subjects or hours.`;
    }
    if (this.backend.busy) return 'Checking for WebGPU…';
    try {
      resolveTrainConfig(config);
    } catch (error) {
      return (error as Error).message;
    }
    return null;
  }

  private async start(resume: boolean): Promise<void> {
    this.startError = '';
    try {
      await trainingSession.start({
        dataset: this.loaded!, epochs: this.epochs, split: this.split, model: this.model, preprocess: this.preprocess,
        device: this.backend.device, config: this.training.view.config, resume,
      });
    } catch (error) {
      this.startError = (error as Error).message;
      this.requestUpdate();
    }
  }

  private savedMatchesData(): boolean {
    const saved = this.training.view.saved;
    return !!saved && this.epochs?.status === 'ready' && fingerprintOf(this.epochs) === saved.fingerprint
      && JSON.stringify(saved.split) === JSON.stringify(this.split.settings) && JSON.stringify(saved.model) === JSON.stringify(this.model) && !!this.split.split;
  }

  /** Rebuilds the saved run's data when it was SYNTHETIC (same generator settings), then resumes. */
  private async resumeSaved(): Promise<void> {
    const saved = this.training.view.saved;
    if (!saved) return;
    if (this.savedMatchesData()) {
      await this.start(true);
      return;
    }
    if (!saved.synthetic || !saved.syntheticOptions) return;
    trainingSession.setResumeWaiting(true);
    emit(this, 'hg-preprocess', saved.preprocess);
    emit(this, 'hg-model', saved.model);
    await this.loadView.loader.loadSynthetic(saved.syntheticOptions);
    emit(this, 'hg-split', saved.split);
  }

  override updated(): void {
    if (this.training.view.resumeWaiting && this.savedMatchesData() && !trainingSession.busy) void this.start(true);
  }

  private renderSaved() {
    const saved = this.training.view.saved;
    if (!saved || trainingSession.busy) return nothing;
    const matches = this.savedMatchesData();
    const canRebuild = saved.synthetic && !!saved.syntheticOptions;
    return html`<div class="card resume" id="resume-offer" role="region" aria-label="Unfinished training run">
      <h3>An unfinished run was saved in this browser</h3>
      <p>${saved.datasetDescription}: ${saved.epochsDone} of ${saved.config.epochs} epochs done (${saved.config.optimizer.name}, learning rate ${saved.config.optimizer.lr}, batch ${saved.config.batchSize}), started ${new Date(saved.startedAt).toLocaleString('en-GB')}.</p>
      ${matches || canRebuild
        ? html`<p class="muted">${matches ? 'The data loaded now is the data it was trained on.' : 'Its SYNTHETIC data will be generated again with the same settings.'}</p>`
        : html`<p class="error">Load the same recordings again in step 1 (${saved.datasetDescription}) with the same preprocessing and split to resume it.</p>`}
      <div class="row controls">
        <button class="primary" id="resume-saved" ?disabled=${!(matches || canRebuild) || this.training.view.resumeWaiting} @click=${() => void this.resumeSaved()}>
          ${this.training.view.resumeWaiting ? 'Preparing the data…' : `Resume from epoch ${saved.epochsDone + 1}`}</button>
        <button id="discard-saved" ?disabled=${this.training.view.resumeWaiting} @click=${() => trainingSession.dismissSaved()}>Discard it</button>
      </div>
    </div>`;
  }

  override render() {
    const v = this.training.view;
    const busy = trainingSession.busy;
    const blocker = this.blocker(v.config);
    const synthetic = this.loaded?.synthetic ?? false;
    const wantsGpu = this.backend.device === 'webgpu';
    const deviceLine = v.deviceNote && v.phase !== 'idle'
      ? v.deviceNote
      : this.backend.webgpuAvailable === false
        ? `This browser has no usable WebGPU, so training runs on the CPU backend: correct, but much slower.${this.backend.detail.startsWith('This browser has no WebGPU') ? '' : ` (${this.backend.detail})`}`
        : wantsGpu ? 'Training will run on WebGPU, in a background worker: the page stays responsive.' : 'Training will run on the CPU backend (chosen in the header), in a background worker.';
    const totalSteps = v.stepsPerEpoch * v.config.epochs;
    const doneSteps = v.stepsPerEpoch * Math.max(0, v.epoch - 1) + v.step;
    const counts = this.split?.counts;
    const windows = (i: number) => (counts ? counts[i].reduce((a, b) => a + b, 0) : 0);
    return html`<h2>7. Training ${synthetic ? html`<span class="synthetic-badge">SYNTHETIC</span>` : nothing}</h2>
      <p>Mini-batches of training windows go through the network; the loss says how wrong it was, backpropagation gives every weight its gradient, and the optimizer nudges the weights. After each epoch the validation subjects are scored: the curves show whether the network learns something that carries over to people it never saw.</p>
      ${synthetic ? html`<p class="muted" id="synthetic-note">These are SYNTHETIC recordings: the scores say how well the network learns the generator's stage rhythms, nothing about real sleep.</p>` : nothing}
      ${this.renderSaved()}
      <hg-train-config .config=${v.config} ?disabled=${busy || v.resumeWaiting} @config-change=${(e: CustomEvent<TrainConfig>) => trainingSession.setConfig(e.detail)}></hg-train-config>
      <div class="card">
        <p id="device-line" class=${this.backend.webgpuAvailable === false ? 'error' : 'muted'}>${deviceLine}</p>
        ${counts ? html`<p class="muted" id="data-line">${windows(0).toLocaleString('en-US')} training, ${windows(1).toLocaleString('en-US')} validation and ${windows(2).toLocaleString('en-US')} test windows; ${Math.ceil(windows(0) / v.config.batchSize)} steps per epoch at batch ${v.config.batchSize}.</p>` : nothing}
        <div class="row controls">
          <button class="primary" id="start" ?disabled=${busy || blocker !== null || v.resumeWaiting} @click=${() => void this.start(false)}>${v.phase === 'finished' || v.phase === 'stopped' || v.phase === 'error' ? 'Start a new run' : 'Start training'}</button>
          <button id="pause" ?disabled=${v.phase !== 'running' && v.phase !== 'paused'} aria-pressed=${v.phase === 'paused' ? 'true' : 'false'}
            @click=${() => (v.phase === 'paused' ? trainingSession.resume() : trainingSession.pause())}>${v.phase === 'paused' ? 'Resume' : 'Pause'}</button>
          <button id="stop" ?disabled=${!busy || v.phase === 'stopping'} @click=${() => trainingSession.stop()}>Stop</button>
        </div>
        ${blocker && !busy ? html`<p class="error" id="start-blocker" role="alert">${blocker}</p>` : nothing}
        ${this.startError ? html`<p class="error" role="alert">${this.startError}</p>` : nothing}
        ${v.error ? html`<p class="error" role="alert" id="train-error">${v.error}</p>` : nothing}
        <p id="train-status" role="status" aria-live="polite" data-phase=${v.phase} data-epoch=${v.epoch} data-step=${v.step} data-epochs-done=${v.history.length}>${v.status}</p>
        ${totalSteps ? html`<progress id="train-progress" aria-label="Training progress" max=${totalSteps} value=${Math.min(doneSteps, totalSteps)}></progress>` : nothing}
        <div class="stats">
          <div>Epoch<strong id="stat-epoch">${v.epoch ? `${v.epoch} / ${v.config.epochs}` : '–'}</strong></div>
          <div>Step<strong id="stat-step">${v.stepsPerEpoch ? `${v.step} / ${v.stepsPerEpoch}` : '–'}</strong></div>
          <div>Steps per second<strong id="stat-speed">${v.stepsPerSecond ? v.stepsPerSecond.toFixed(2) : '–'}</strong></div>
          <div>Time left<strong id="stat-eta">${busy ? duration(v.etaSeconds) : '–'}</strong></div>
          <div>GPU memory in use<strong id="stat-gpu" data-bytes=${v.liveBytes ?? ''}>${v.device === 'cpu' ? 'none (CPU)' : memory(v.liveBytes)}</strong></div>
        </div>
        ${v.log.length ? html`<ul class="log" aria-label="Training log">${v.log.map((l) => html`<li>${l}</li>`)}</ul>` : nothing}
      </div>
      <div class="card">
        <hg-learning-curves .history=${v.history} .steps=${v.stepLosses} .epochs=${v.config.epochs}></hg-learning-curves>
        <p class="muted">Training loss per step (light), and per epoch for training and validation. A validation loss that rises while the training loss falls is overfitting; the kept model is the one with the lowest validation loss.</p>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-training-step': TrainingStep;
  }
}
