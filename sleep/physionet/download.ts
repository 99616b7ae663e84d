/**
 * Downloads sleep-cassette files over `fetch` into a FileStore, the way MNE lays them out: resumes
 * a partial `<file>.part` with an HTTP Range request, verifies the SHA-1 from the catalog, and only
 * then gives the file its final name. Runs in Node 20 and in browsers alike.
 */
import type { CatalogFile, CatalogRecording } from './catalog.ts';
import { Sha1 } from './sha1.ts';
import type { FileStore, FileWriter } from './store.ts';

export const PHYSIONET_SLEEP_CASSETTE_URL = 'https://physionet.org/files/sleep-edfx/1.0.0/sleep-cassette/';

export type DownloadEvent =
  | { type: 'present'; file: string }
  | { type: 'start'; file: string; url: string; resumeFrom: number; totalBytes?: number }
  | { type: 'progress'; file: string; bytes: number; totalBytes?: number }
  | { type: 'done'; file: string; bytes: number }
  | { type: 'note'; file: string; message: string }
  | { type: 'failed'; file: string; reason: string };

export interface DownloadOptions {
  store: FileStore;
  /** Folder URL the file name is appended to; PhysioNet's sleep-cassette folder by default. */
  baseUrl?: string;
  fetch?: typeof fetch;
  onEvent?: (event: DownloadEvent) => void;
  /** Further attempts after an interrupted transfer, each resuming where the last stopped. */
  retries?: number;
  signal?: AbortSignal;
}

export class DownloadError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'DownloadError';
  }
}

/** Error that another attempt may cure (connection dropped, server hiccup). */
class TransientError extends Error {}

export function fileUrl(baseUrl: string, file: string): string {
  return baseUrl.endsWith('/') ? baseUrl + file : `${baseUrl}/${file}`;
}

async function hashStored(store: FileStore, name: string): Promise<Sha1> {
  const sha = new Sha1();
  for await (const chunk of store.read(name)) sha.update(chunk);
  return sha;
}

function contentRangeStart(header: string | null): number | undefined {
  const m = header ? /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header.trim()) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * Makes sure `target.file` is in the store with the catalog's SHA-1. A file already there with the
 * right SHA-1 is kept ('present'); anything else is (re)downloaded. Throws DownloadError with the
 * reason; a partial file is kept for resuming unless its content proved wrong.
 */
export async function downloadFile(target: CatalogFile, options: DownloadOptions): Promise<'present' | 'downloaded'> {
  const { store, onEvent = () => {}, retries = 3 } = options;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const file = target.file;
  const part = `${file}.part`;
  const url = fileUrl(options.baseUrl ?? PHYSIONET_SLEEP_CASSETTE_URL, file);
  const expected = target.sha1.toLowerCase();

  if ((await store.size(file)) !== undefined) {
    const got = (await hashStored(store, file)).hexDigest();
    if (got === expected) {
      onEvent({ type: 'present', file });
      return 'present';
    }
    onEvent({ type: 'note', file, message: `existing ${store.describe(file)} has SHA-1 ${got}, expected ${expected}: downloading it again` });
    await store.remove(file);
  }

  let lastError = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    const have = (await store.size(part)) ?? 0;
    let sha = have > 0 ? await hashStored(store, part) : new Sha1();
    let response: Response;
    try {
      response = await doFetch(url, {
        headers: have > 0 ? { Range: `bytes=${have}-` } : {},
        signal: options.signal,
      });
    } catch (err) {
      if (options.signal?.aborted) throw new DownloadError(file, 'aborted');
      lastError = `request to ${url} failed: ${(err as Error).message}`;
      onEvent({ type: 'note', file, message: `${lastError}; retrying` });
      continue;
    }

    if (response.status === 416 && have > 0) {
      // The server has nothing past what we hold: the part may already be the whole file.
      await response.body?.cancel();
      if (sha.hexDigest() === expected) {
        await store.rename(part, file);
        onEvent({ type: 'done', file, bytes: have });
        return 'downloaded';
      }
      await store.remove(part);
      onEvent({ type: 'note', file, message: `partial file is not a prefix of ${url}; starting over` });
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      const reason = `HTTP ${response.status} ${response.statusText} for ${url}`;
      if (response.status >= 500) {
        lastError = reason;
        onEvent({ type: 'note', file, message: `${reason}; retrying` });
        continue;
      }
      throw new DownloadError(file, reason);
    }

    let offset = have;
    if (have > 0 && (response.status !== 206 || contentRangeStart(response.headers.get('content-range')) !== have)) {
      onEvent({ type: 'note', file, message: 'server ignored the range request; downloading from the start' });
      offset = 0;
      sha = new Sha1();
    }
    const length = Number(response.headers.get('content-length') ?? NaN);
    const totalBytes = Number.isFinite(length) ? offset + length : undefined;
    onEvent({ type: 'start', file, url, resumeFrom: offset, totalBytes });

    const writer = await store.openWriter(part, { truncate: offset === 0 });
    let bytes = offset;
    try {
      bytes = await copyBody(response, writer, sha, (n) => onEvent({ type: 'progress', file, bytes: offset + n, totalBytes }));
      bytes += offset;
    } catch (err) {
      await writer.close();
      if (options.signal?.aborted) throw new DownloadError(file, `aborted; partial file kept as ${store.describe(part)}`);
      const got = (await store.size(part)) ?? 0;
      lastError = `transfer interrupted after ${got}${totalBytes ? ` of ${totalBytes}` : ''} bytes (${(err as Error).message})`;
      onEvent({ type: 'note', file, message: `${lastError}; resuming` });
      continue;
    }
    await writer.close();
    if (totalBytes !== undefined && bytes < totalBytes) {
      lastError = `transfer ended after ${bytes} of ${totalBytes} bytes`;
      onEvent({ type: 'note', file, message: `${lastError}; resuming` });
      continue;
    }
    const got = sha.hexDigest();
    if (got !== expected) {
      await store.remove(part);
      throw new DownloadError(file, `SHA-1 mismatch: downloaded ${bytes} bytes with SHA-1 ${got}, catalog says ${expected}; deleted the file`);
    }
    await store.rename(part, file);
    onEvent({ type: 'done', file, bytes });
    return 'downloaded';
  }
  throw new DownloadError(file, `${lastError}; gave up after ${retries + 1} attempts, partial file kept as ${store.describe(part)} for the next run to resume`);
}

async function copyBody(response: Response, writer: FileWriter, sha: Sha1, onProgress: (bytes: number) => void): Promise<number> {
  if (!response.body) throw new TransientError('response has no body');
  const reader = response.body.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    await writer.write(value);
    sha.update(value);
    bytes += value.length;
    onProgress(bytes);
  }
}

export interface FetchSummary {
  /** [psg, hypnogram] file names of the recordings whose two files are both in the store. */
  complete: Array<[string, string]>;
  downloaded: string[];
  present: string[];
  failures: Array<{ file: string; reason: string }>;
}

/**
 * Fetches the PSG and hypnogram of each recording. A failed file is reported (event 'failed' and
 * in the summary) and the batch goes on.
 */
export async function fetchRecordings(recordings: readonly CatalogRecording[], options: DownloadOptions): Promise<FetchSummary> {
  const summary: FetchSummary = { complete: [], downloaded: [], present: [], failures: [] };
  for (const rec of recordings) {
    let ok = 0;
    for (const target of [rec.psg, rec.hypnogram]) {
      try {
        const status = await downloadFile(target, options);
        (status === 'present' ? summary.present : summary.downloaded).push(target.file);
        ok++;
      } catch (err) {
        const reason = err instanceof DownloadError ? err.message.slice(target.file.length + 2) : String((err as Error).message ?? err);
        summary.failures.push({ file: target.file, reason });
        options.onEvent?.({ type: 'failed', file: target.file, reason });
        if (options.signal?.aborted) return summary;
      }
    }
    if (ok === 2) summary.complete.push([rec.psg.file, rec.hypnogram.file]);
  }
  return summary;
}
