/** The files that could not be used (or only partly), each with its reason, file and field. */
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LoadIssue } from '../../state/types.ts';
import { theme } from '../../ui/theme.ts';

@customElement('hg-issue-list')
export class IssueList extends LitElement {
  static override styles = theme;
  @property({ attribute: false }) issues: LoadIssue[] = [];

  override render() {
    if (this.issues.length === 0) return nothing;
    return html`<div class="card" role="alert" aria-label="Problems with the loaded files">
      <h3 class="error">${this.issues.length} problem${this.issues.length === 1 ? '' : 's'}; everything else was loaded</h3>
      <ul class="issues">
        ${this.issues.map((i) => html`<li data-file=${i.file}>
          <strong>${i.file}</strong>${i.field ? html` — field <code>${i.field}</code>` : nothing}: ${i.reason}
          <span class="muted">${i.effect === 'unpaired' ? '(the PSG is kept without labels: it can be viewed, not used for training)' : '(skipped)'}</span>
        </li>`)}
      </ul>
    </div>`;
  }
}
