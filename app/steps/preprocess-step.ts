/**
 * Step 3: the filter (MNE's FIR design), its frequency response, and spectra per stage before
 * and after it; the wake crop.
 */
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { Task } from '@lit/task';
import { createFilter, frequencyResponse, type FirFilter, type FrequencyResponse } from '../../sleep/preprocess/index.ts';
import type { WakeCropMode } from '../../sleep/epochs/index.ts';
import { datasetContext, preprocessContext } from '../state/contexts.ts';
import { emit } from '../state/events.ts';
import { STAGE_COLORS, STAGE_NAMES } from '../state/stages.ts';
import type { Dataset, FilterChoice, LoadedRecording, PreprocessSettings } from '../state/types.ts';
import { theme } from '../ui/theme.ts';
import { filterEdges } from '../workers/epochJob.ts';
import { runJob } from '../workers/client.ts';
import type { LineSeries } from '../charts/line-chart.ts';
import '../charts/line-chart.ts';

const CROP_TEXT: Record<WakeCropMode, string> = {
  braindecode: 'braindecode (default): from 30 min before the first sleep stage to 30 min after the last sleep-stage onset; the signal is cut',
  'sleep-end': 'to 30 min after the last sleep stage ends',
  'mne-tutorial': "MNE tutorial: crops the annotations only (second to second-to-last annotation, ± 30 min)",
  none: 'no crop: all the wake of the recording is kept',
};

@customElement('hg-preprocess-step')
export class PreprocessStep extends LitElement {
  static override styles = theme;
  @consume({ context: datasetContext, subscribe: true }) @property({ attribute: false }) loaded: Dataset | null = null;
  @consume({ context: preprocessContext, subscribe: true }) @property({ attribute: false }) settings!: PreprocessSettings;
  /** The edited settings; applied app-wide when valid. */
  @state() private draft: PreprocessSettings | null = null;
  @state() private psdRecordingId = '';

  private design: FirFilter | null = null;
  private response: FrequencyResponse | null = null;
  private designError = '';
  private recording: LoadedRecording | null = null;

  private readonly psdTask = new Task(this, {
    args: () => [this.recording, this.current] as const,
    task: async ([rec, s], { signal }) => {
      if (!rec || this.designError) return null;
      return runJob('psd', { channel: rec.channels[0], sfreq: rec.sfreq, annotations: rec.annotations, settings: s }, { signal });
    },
  });

  private get current(): PreprocessSettings {
    return this.draft ?? this.settings;
  }

  override willUpdate(): void {
    const s = this.current;
    const recs = this.loaded?.recordings ?? [];
    this.recording = recs.find((r) => r.id === this.psdRecordingId) ?? recs.find((r) => r.hypnogramFile) ?? recs[0] ?? null;
    const sfreq = this.recording?.sfreq ?? 100;
    const edges = filterEdges(s);
    this.designError = '';
    this.design = null;
    this.response = null;
    if (edges) {
      try {
        this.design = createFilter(sfreq, edges[0], edges[1]);
        this.response = frequencyResponse(this.design.coefficients, sfreq, 512);
      } catch (e) {
        this.designError = (e as Error).message;
      }
    }
  }

  private update_<K extends keyof PreprocessSettings>(key: K, value: PreprocessSettings[K]): void {
    const next = { ...this.current, [key]: value };
    this.draft = next;
    const edges = filterEdges(next);
    try {
      if (edges) createFilter(this.recording?.sfreq ?? 100, edges[0], edges[1]);
      emit(this, 'hg-preprocess', next);
    } catch {
      // Shown by willUpdate; the app keeps the last valid settings.
    }
  }

  private num(e: Event): number {
    return Number((e.target as HTMLInputElement).value);
  }

  private renderResponse() {
    if (this.designError) return html`<p class="error" role="alert" id="filter-error">${this.designError}</p>`;
    if (!this.design || !this.response) return html`<p class="muted" id="filter-summary">No filter: the signal goes through unchanged.</p>`;
    const d = this.design;
    const series: LineSeries[] = [{ name: 'gain', color: '#1f4e8c', x: this.response.freqs, y: this.response.magnitudeDb }];
    return html`<p id="filter-summary" data-taps=${d.coefficients.length}>
        FIR ${d.kind}, ${d.lFreq !== null ? `${d.lFreq} Hz high-pass edge (transition ${d.lTransBandwidth} Hz)` : ''}${d.lFreq !== null && d.hFreq !== null ? ', ' : ''}${d.hFreq !== null ? `${d.hFreq} Hz low-pass edge (transition ${d.hTransBandwidth} Hz)` : ''};
        ${d.coefficients.length} taps (${(d.coefficients.length / d.sfreq).toFixed(2)} s), Hamming window, zero phase — MNE's <code>raw.filter</code> defaults.</p>
      <hg-line-chart id="response-chart" .series=${series} .yRange=${[-80, 5] as [number, number]} x-label="frequency (Hz)" y-label="gain (dB)" title="Frequency response"></hg-line-chart>`;
  }

  private renderPsd() {
    return this.psdTask.render({
      pending: () => html`<p role="status">Computing spectra…</p>`,
      error: (e) => html`<p class="error">${(e as Error).message}</p>`,
      complete: (psd) => {
        if (!psd) return nothing;
        const labelled = (this.recording?.annotations.length ?? 0) > 0;
        const lines = (which: 'before' | 'after'): LineSeries[] =>
          STAGE_NAMES.flatMap((name, k) => (psd.windows[k] > 0 ? [{ name: labelled ? `${name} (${psd.windows[k]})` : `all (${psd.windows[k]})`, color: STAGE_COLORS[k], x: psd.freqs, y: psd[which][k] }] : []));
        const all = [...psd.before, ...psd.after].flatMap((a) => Array.from(a)).filter((v) => v > 0);
        const range: [number, number] = [Math.max(Math.min(...all), Math.max(...all) * 1e-8), Math.max(...all)];
        return html`<div class="grid2">
          <hg-line-chart id="psd-before" log-y .series=${lines('before')} .yRange=${range} x-label="frequency (Hz)" y-label="PSD (µV²/Hz)" title="Before filtering"></hg-line-chart>
          <hg-line-chart id="psd-after" log-y .series=${lines('after')} .yRange=${range} x-label="frequency (Hz)" y-label="PSD (µV²/Hz)" title="After filtering"></hg-line-chart>
        </div>`;
      },
    });
  }

  override render() {
    const s = this.current;
    const recs = this.loaded?.recordings ?? [];
    const kinds: [FilterChoice, string][] = [['lowpass', 'Low-pass'], ['highpass', 'High-pass'], ['bandpass', 'Band-pass'], ['none', 'None']];
    return html`<h2>3. Preprocessing</h2>
      <p>The tutorial low-passes at 30 Hz: sleep stages live in slow rhythms (delta 0.5-4 Hz, theta, alpha 8-12 Hz, spindles 11-16 Hz), and the filter removes line noise and muscle above. Every change here re-cuts the windows in the background.</p>
      <div class="card">
        <div class="row" role="group" aria-label="Filter">
          <label>Filter
            <select id="filter-kind" aria-label="Filter type" @change=${(e: Event) => this.update_('filter', (e.target as HTMLSelectElement).value as FilterChoice)}>
              ${kinds.map(([k, t]) => html`<option value=${k} ?selected=${s.filter === k}>${t}</option>`)}
            </select></label>
          <label>High-pass edge (Hz) <input id="l-freq" type="number" min="0.01" step="0.1" .value=${String(s.lFreq)} ?disabled=${s.filter === 'lowpass' || s.filter === 'none'}
            aria-label="High-pass cut-off in hertz" @change=${(e: Event) => this.update_('lFreq', this.num(e))} /></label>
          <label>Low-pass edge (Hz) <input id="h-freq" type="number" min="0.1" step="1" .value=${String(s.hFreq)} ?disabled=${s.filter === 'highpass' || s.filter === 'none'}
            aria-label="Low-pass cut-off in hertz" @change=${(e: Event) => this.update_('hFreq', this.num(e))} /></label>
        </div>
        ${this.renderResponse()}
      </div>
      <div class="card">
        <h3>Crop of wake</h3>
        <div class="row">
          <label>Crop mode
            <select id="crop-mode" aria-label="Wake crop mode" @change=${(e: Event) => this.update_('crop', (e.target as HTMLSelectElement).value as WakeCropMode)}>
              ${(Object.keys(CROP_TEXT) as WakeCropMode[]).map((m) => html`<option value=${m} ?selected=${s.crop === m}>${m}</option>`)}
            </select></label>
          <label>Minutes of wake kept <input type="number" min="0" step="5" .value=${String(s.cropMinutes)} aria-label="Minutes of wake kept either side of sleep" @change=${(e: Event) => this.update_('cropMinutes', this.num(e))} /></label>
        </div>
        <p id="crop-text">${CROP_TEXT[s.crop]}.</p>
      </div>
      <div class="card">
        <h3>Power spectra per stage (Welch, Fpz-Cz)</h3>
        ${recs.length === 0
          ? html`<p class="empty">Load data in step 1 first.</p>`
          : html`<div class="row"><label>Recording
                <select aria-label="Recording for the spectra" @change=${(e: Event) => (this.psdRecordingId = (e.target as HTMLSelectElement).value)}>
                  ${recs.map((r) => html`<option value=${r.id} ?selected=${r === this.recording}>${r.synthetic ? 'SYNTHETIC ' : ''}${r.file}</option>`)}
                </select></label></div>
              <p class="muted">Mean over the 30-s windows of each stage (number of windows in brackets), log scale.</p>
              ${this.renderPsd()}`}
      </div>`;
  }
}
