/**
 * Checkpoints as files (Node only: the browser bundle must not import this file; the app keeps
 * its checkpoints in IndexedDB). Each checkpoint is one `<name>.ckpt` file, written to a
 * temporary file and renamed over the old one, so a crash mid-write leaves the previous
 * checkpoint whole.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointStore, type StoredCheckpoint } from './checkpoint.ts';

export class NodeCheckpointStore implements CheckpointStore {
  constructor(readonly dir: string) {}

  private path(name: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`checkpoint name '${name}' must be letters, digits, '.', '_' or '-'`);
    return join(this.dir, `${name}.ckpt`);
  }

  async save(name: string, checkpoint: StoredCheckpoint): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.path(name);
    const tmp = `${file}.tmp`;
    await writeFile(tmp, encodeCheckpoint(checkpoint));
    await rename(tmp, file);
  }

  async load(name: string): Promise<StoredCheckpoint | undefined> {
    const file = this.path(name);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
  }

  describe(name: string): string {
    return this.path(name);
  }
}
