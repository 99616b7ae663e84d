/** (b) The user's EDF files: drop files or a folder, or pick them. */
import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { LoadView } from '../../data/loaderContext.ts';
import { theme } from '../../ui/theme.ts';

/** Every file under a dropped folder (webkitGetAsEntry), or the dropped files themselves. */
async function filesFromDrop(dt: DataTransfer): Promise<File[]> {
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return [...dt.files];
  const out: File[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      out.push(await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)));
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const e of batch) await walk(e);
      }
    }
  };
  for (const e of entries) await walk(e);
  return out;
}

@customElement('hg-files-panel')
export class FilesPanel extends LitElement {
  static override styles = [
    theme,
    css`
      .drop { border: 2px dashed #8a8f98; border-radius: 8px; padding: 1rem; text-align: center; background: #fafbfc; }
      .drop.over { border-color: #1f4e8c; background: #eaf1fb; }
    `,
  ];
  @property({ attribute: false }) view!: LoadView;
  @state() private over = false;

  private load(files: File[]): void {
    if (files.length > 0) void this.view.loader.loadFiles(files);
  }

  private async onDrop(e: DragEvent): Promise<void> {
    e.preventDefault();
    this.over = false;
    if (e.dataTransfer) this.load(await filesFromDrop(e.dataTransfer));
  }

  override render() {
    const running = this.view.status.running === 'files';
    return html`<div class="card">
      <h3>Your EDF files</h3>
      <p class="muted">Sleep-EDF PSG and hypnogram files, paired by their first 6 characters (SC4001E0-PSG.edf with SC4001EC-Hypnogram.edf). Read in this tab only.</p>
      <div class="drop ${this.over ? 'over' : ''}" id="dropzone"
        @dragover=${(e: DragEvent) => { e.preventDefault(); this.over = true; }}
        @dragleave=${() => (this.over = false)}
        @drop=${(e: DragEvent) => this.onDrop(e)}>
        Drop EDF files or a folder here, or
        <label>pick files <input id="file-input" type="file" multiple accept=".edf,.EDF" aria-label="Pick EDF files"
          @change=${(e: Event) => this.load([...((e.target as HTMLInputElement).files ?? [])])} /></label>
        <label>pick a folder <input id="folder-input" type="file" webkitdirectory aria-label="Pick a folder of EDF files"
          @change=${(e: Event) => this.load([...((e.target as HTMLInputElement).files ?? [])])} /></label>
      </div>
      ${running ? html`<div class="row" role="status"><progress aria-label="Reading files" max=${this.view.status.progress?.total ?? 1} value=${this.view.status.progress?.done ?? 0}></progress>&nbsp;reading ${this.view.status.progress?.what ?? ''}</div>` : ''}
    </div>`;
  }
}
