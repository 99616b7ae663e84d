/** The recordings now loaded: subject, night, files, length, labels. */
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Dataset } from '../../state/types.ts';
import { theme } from '../../ui/theme.ts';

function hours(r: { channels: Float32Array[]; sfreq: number }): string {
  const s = (r.channels[0]?.length ?? 0) / r.sfreq;
  return s >= 3600 ? `${(s / 3600).toFixed(2)} h` : `${(s / 60).toFixed(1)} min`;
}

@customElement('hg-recording-table')
export class RecordingTable extends LitElement {
  static override styles = theme;
  @property({ attribute: false }) data: Dataset | null = null;

  override render() {
    const d = this.data;
    if (!d) return nothing;
    return html`<div class="card">
      <h3>${d.synthetic ? html`<span class="synthetic-badge">SYNTHETIC</span> ` : nothing}Loaded: ${d.description}</h3>
      ${d.recordings.length === 0
        ? html`<p class="muted">No recording could be loaded.</p>`
        : html`<table aria-label="Loaded recordings">
            <thead><tr><th>PSG file</th><th>Hypnogram</th><th>Subject</th><th>Night</th><th>Length</th><th>Channels</th></tr></thead>
            <tbody>
              ${d.recordings.map((r) => html`<tr>
                <td>${r.file}${r.synthetic ? html` <span class="synthetic-badge">SYNTHETIC</span>` : nothing}</td>
                <td>${r.hypnogramFile ?? html`<span class="muted">none (unlabelled)</span>`}</td>
                <td>${r.subject}</td><td>${r.night}</td><td>${hours(r)}</td>
                <td>${r.channelLabels.join(', ')} @ ${r.sfreq} Hz</td>
              </tr>`)}
            </tbody>
          </table>`}
    </div>`;
  }
}
