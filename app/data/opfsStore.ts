/**
 * FileStore (sleep/physionet) over the Origin Private File System, so downloaded nights stay in
 * this browser across reloads and are never downloaded twice. Files live in a folder of the
 * origin's private storage, named as on PhysioNet.
 */
import type { FileStore, FileWriter } from '../../sleep/physionet/index.ts';

const FOLDER = 'physionet-sleep-data';

export class OpfsStore implements FileStore {
  private constructor(private readonly dir: FileSystemDirectoryHandle) {}

  static isSupported(): boolean {
    return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
  }

  static async open(): Promise<OpfsStore> {
    const root = await navigator.storage.getDirectory();
    return new OpfsStore(await root.getDirectoryHandle(FOLDER, { create: true }));
  }

  private async handle(name: string): Promise<FileSystemFileHandle | undefined> {
    try {
      return await this.dir.getFileHandle(name);
    } catch {
      return undefined;
    }
  }

  async size(name: string): Promise<number | undefined> {
    const h = await this.handle(name);
    return h ? (await h.getFile()).size : undefined;
  }

  /** The stored file as a File (read lazily by whoever gets it, e.g. the pipeline worker). */
  async file(name: string): Promise<File | undefined> {
    const h = await this.handle(name);
    return h ? h.getFile() : undefined;
  }

  async *read(name: string): AsyncIterable<Uint8Array> {
    const h = await this.handle(name);
    if (!h) throw new Error(`${this.describe(name)}: no such file`);
    const reader = (await h.getFile()).stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  }

  async openWriter(name: string, options: { truncate: boolean }): Promise<FileWriter> {
    const h = await this.dir.getFileHandle(name, { create: true });
    const writable = await h.createWritable({ keepExistingData: !options.truncate });
    if (!options.truncate) await writable.seek((await h.getFile()).size);
    return {
      write: async (chunk) => writable.write(chunk as Uint8Array<ArrayBuffer>),
      close: async () => writable.close(),
    };
  }

  async rename(from: string, to: string): Promise<void> {
    const src = await this.handle(from);
    if (!src) throw new Error(`${this.describe(from)}: no such file`);
    // FileSystemHandle.move is not everywhere yet: copy, then delete.
    const bytes = await (await src.getFile()).arrayBuffer();
    const dst = await this.dir.getFileHandle(to, { create: true });
    const w = await dst.createWritable();
    await w.write(bytes);
    await w.close();
    await this.remove(from);
  }

  async remove(name: string): Promise<void> {
    try {
      await this.dir.removeEntry(name);
    } catch {
      /* absent: nothing to do */
    }
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    for await (const key of (this.dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(key);
    return names.sort();
  }

  describe(name: string): string {
    return `browser storage (OPFS) ${FOLDER}/${name}`;
  }
}
