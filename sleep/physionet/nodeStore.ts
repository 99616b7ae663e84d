/**
 * FileStore over a folder on disk (Node only: the browser bundle must not import this file), and
 * MNE's default location for the sleep-cassette files, so people who already ran
 * `mne.datasets.sleep_physionet.age.fetch_data` reuse their downloads.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { FileStore, FileWriter } from './store.ts';

export class NodeFileStore implements FileStore {
  constructor(readonly dir: string) {}

  async size(name: string): Promise<number | undefined> {
    try {
      const s = await stat(join(this.dir, name));
      return s.isFile() ? s.size : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async *read(name: string): AsyncIterable<Uint8Array> {
    for await (const chunk of createReadStream(join(this.dir, name), { highWaterMark: 1 << 20 })) {
      yield chunk as Buffer;
    }
  }

  async openWriter(name: string, options: { truncate: boolean }): Promise<FileWriter> {
    await mkdir(this.dir, { recursive: true });
    const handle = await open(join(this.dir, name), options.truncate ? 'w' : 'a');
    return {
      write: async (chunk) => {
        await handle.write(chunk);
      },
      close: () => handle.close(),
    };
  }

  async rename(from: string, to: string): Promise<void> {
    await rename(join(this.dir, from), join(this.dir, to));
  }

  async remove(name: string): Promise<void> {
    await rm(join(this.dir, name), { force: true });
  }

  describe(name: string): string {
    return join(this.dir, name);
  }
}

/**
 * MNE's folder for these files: `<root>/physionet-sleep-data`, root being $PHYSIONET_SLEEP_PATH,
 * else $MNE_DATA, else ~/mne_data (mne/datasets/sleep_physionet/_utils.py `_data_path`; MNE also
 * reads those keys from ~/.mne/mne-python.json, which we do not).
 */
export function mneSleepDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.PHYSIONET_SLEEP_PATH || env.MNE_DATA || join(homedir(), 'mne_data');
  return join(root, 'physionet-sleep-data');
}
