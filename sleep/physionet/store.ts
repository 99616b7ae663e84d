/**
 * Where downloaded files live. The download core only talks to this interface, so the same code
 * runs in Node (nodeStore.ts, plain files in MNE's cache folder) and later in the browser (Cache
 * Storage or OPFS). Names are bare file names like SC4001E0-PSG.edf or SC4001E0-PSG.edf.part.
 */
export interface FileWriter {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface FileStore {
  /** Size in bytes, or undefined when the file does not exist. */
  size(name: string): Promise<number | undefined>;
  /** The file's bytes, in chunks, without loading it whole. */
  read(name: string): AsyncIterable<Uint8Array>;
  /** Opens a file for appending, creating it; `truncate` empties it first. */
  openWriter(name: string, options: { truncate: boolean }): Promise<FileWriter>;
  /** Replaces `to` with `from`. */
  rename(from: string, to: string): Promise<void>;
  /** Deletes the file; no error when it does not exist. */
  remove(name: string): Promise<void>;
  /** Where the file is, for messages (a path, or a storage name). */
  describe(name: string): string;
}

/** A store in memory: for tests, and a model for the browser implementations. */
export class MemoryStore implements FileStore {
  readonly files = new Map<string, Uint8Array>();

  async size(name: string): Promise<number | undefined> {
    return this.files.get(name)?.length;
  }

  async *read(name: string): AsyncIterable<Uint8Array> {
    const bytes = this.files.get(name);
    if (!bytes) throw new Error(`${name}: no such file in memory store`);
    for (let i = 0; i < bytes.length; i += 65536) yield bytes.subarray(i, i + 65536);
  }

  async openWriter(name: string, options: { truncate: boolean }): Promise<FileWriter> {
    if (options.truncate || !this.files.has(name)) this.files.set(name, new Uint8Array(0));
    return {
      write: async (chunk) => {
        const old = this.files.get(name) ?? new Uint8Array(0);
        const grown = new Uint8Array(old.length + chunk.length);
        grown.set(old, 0);
        grown.set(chunk, old.length);
        this.files.set(name, grown);
      },
      close: async () => {},
    };
  }

  async rename(from: string, to: string): Promise<void> {
    const bytes = this.files.get(from);
    if (!bytes) throw new Error(`${from}: no such file in memory store`);
    this.files.delete(from);
    this.files.set(to, bytes);
  }

  async remove(name: string): Promise<void> {
    this.files.delete(name);
  }

  describe(name: string): string {
    return `memory:${name}`;
  }
}
