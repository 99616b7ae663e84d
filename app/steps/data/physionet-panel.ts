/** (c) Sleep-EDF from PhysioNet: download with progress and SHA-1 check, cached in the browser. */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { LoadView } from '../../data/loaderContext.ts';
import { parseNumberList } from '../../state/subjects.ts';
import { theme } from '../../ui/theme.ts';

function size(n: number): string {
  return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} kB`;
}

@customElement('hg-physionet-panel')
export class PhysionetPanel extends LitElement {
  static override styles = [theme, css`table { width: 100%; } td { overflow-wrap: anywhere; } tr.state td { text-align: left; font-size: 0.85rem; padding-bottom: 0.4rem; } progress { width: 10rem; }`];
  @property({ attribute: false }) view!: LoadView;
  @state() private subjects = '0-1';
  @state() private nights = '1';
  @state() private inputError = '';

  private start(): void {
    try {
      const subjects = parseNumberList(this.subjects, 'subjects');
      const nights = parseNumberList(this.nights, 'nights');
      if (subjects.length === 0) throw new Error('subjects: give at least one, e.g. 0-4');
      this.inputError = '';
      void this.view.loader.download(subjects, nights);
    } catch (e) {
      this.inputError = (e as Error).message;
    }
  }

  override render() {
    const running = this.view.status.running === 'physionet';
    return html`<div class="card">
      <h3>Download Sleep-EDF from PhysioNet</h3>
      <p class="muted">About 48 MB per night (PSG) plus its hypnogram. Each file's SHA-1 is checked against PhysioNet's catalog, and files stay in this browser's storage, so a reload does not download them again.</p>
      <div class="row">
        <label>Subjects <input id="physionet-subjects" .value=${this.subjects} @input=${(e: Event) => (this.subjects = (e.target as HTMLInputElement).value)} aria-label="Subjects to download, e.g. 0-4" size="8" /></label>
        <label>Nights <input .value=${this.nights} @input=${(e: Event) => (this.nights = (e.target as HTMLInputElement).value)} aria-label="Nights to download, 1 and/or 2" size="4" /></label>
        <button id="download" ?disabled=${running} @click=${() => this.start()}>Download</button>
      </div>
      ${this.inputError ? html`<p class="error" role="alert">${this.inputError}</p>` : nothing}
      ${this.view.downloads.length
        ? html`<table aria-label="Downloads" id="downloads">
            <thead><tr><th>File</th><th>Progress</th></tr></thead>
            <tbody>${this.view.downloads.map((d) => html`<tr data-file=${d.file} data-state=${d.state}>
              <td>${d.file}</td>
              <td><progress aria-label="Download of ${d.file}" max=${d.totalBytes ?? 1} value=${d.state === 'done' || d.state === 'cached' ? (d.totalBytes ?? 1) : d.bytes}></progress>
                ${d.totalBytes ? `${size(d.bytes)} / ${size(d.totalBytes)}` : d.bytes ? size(d.bytes) : ''}</td>
            </tr>
            <tr class="state"><td colspan="2" class=${d.state === 'failed' ? 'error' : 'muted'}>${d.state}${d.message ? `: ${d.message}` : ''}</td></tr>`)}</tbody>
          </table>`
        : nothing}
      ${this.view.downloadHelp ? html`<p class="error" role="alert">${this.view.downloadHelp}</p>` : nothing}
    </div>`;
  }
}
