/**
 * The downloader against a local HTTP server that plays PhysioNet: real files under their real
 * names, plus corrupted, interrupted and missing ones.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MemoryStore,
  downloadFile,
  fetchRecordings,
  sha1Hex,
  sleepCassetteCatalog,
  type CatalogRecording,
  type DownloadEvent,
} from '../../sleep/physionet/index.ts';
import { NodeFileStore } from '../../sleep/physionet/nodeStore.ts';
import { sleepEdfPath } from '../helpers/data.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const edfDir = sleepEdfPath('edf');
const hypnogram = new Uint8Array(readFileSync(join(edfDir, 'SC4001EC-Hypnogram.edf')));
const shortPsg = new Uint8Array(readFileSync(join(edfDir, 'short_psg.edf')));
const HYPNOGRAM_SHA1 = '21c998eadc8b1e3ea6727d3585186b8f76e7e70b';

type Mode = 'ok' | 'dropFirst' | 'noRange';
interface Served {
  bytes: Uint8Array;
  mode: Mode;
}
const served = new Map<string, Served>();
const requests: Array<{ file: string; range?: string }> = [];
const dropped = new Set<string>();
let server: Server;
let baseUrl: string;

function handle(req: IncomingMessage, res: ServerResponse): void {
  const file = decodeURIComponent((req.url ?? '').replace(/^\/sleep-cassette\//, ''));
  requests.push({ file, range: req.headers.range });
  const entry = served.get(file);
  if (!entry) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  const { bytes, mode } = entry;
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (m && mode !== 'noRange') {
    const start = Number(m[1]);
    if (start >= bytes.length) {
      res.writeHead(416, { 'Content-Range': `bytes */${bytes.length}` }).end();
      return;
    }
    res.writeHead(206, { 'Content-Length': bytes.length - start, 'Content-Range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` });
    res.end(Buffer.from(bytes.subarray(start)));
    return;
  }
  res.writeHead(200, { 'Content-Length': bytes.length, 'Accept-Ranges': 'bytes' });
  if (mode === 'dropFirst' && !dropped.has(file)) {
    // Send 40% of the file, then cut the connection, like a network failure mid-transfer.
    dropped.add(file);
    res.write(Buffer.from(bytes.subarray(0, Math.floor(bytes.length * 0.4))), () => setTimeout(() => res.destroy(), 20));
    return;
  }
  res.end(Buffer.from(bytes));
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sleep-cassette/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
});

function reset(files: Record<string, Served>): void {
  served.clear();
  requests.length = 0;
  dropped.clear();
  for (const [k, v] of Object.entries(files)) served.set(k, v);
}

/** A catalog entry whose PSG is a file we can serve (the real PSGs are not available here). */
function testRecording(subject: number, psg: string, psgBytes: Uint8Array, hyp: string, hypSha1: string): CatalogRecording {
  return { subject, night: 1, age: 33, sex: 'female', lightsOff: '00:38:00', psg: { file: psg, sha1: sha1Hex(psgBytes) }, hypnogram: { file: hyp, sha1: hypSha1 } };
}

describe('downloadFile', () => {
  it('downloads the real hypnogram under its PhysioNet name and verifies its catalog SHA-1', async () => {
    reset({ 'SC4001EC-Hypnogram.edf': { bytes: hypnogram, mode: 'ok' } });
    const store = new MemoryStore();
    const events: DownloadEvent[] = [];
    const target = sleepCassetteCatalog()[0].hypnogram;
    expect(await downloadFile(target, { store, baseUrl, onEvent: (e) => events.push(e) })).toBe('downloaded');
    expect(store.files.get('SC4001EC-Hypnogram.edf')).toEqual(hypnogram);
    expect(store.files.has('SC4001EC-Hypnogram.edf.part')).toBe(false);
    expect(events.at(-1)).toEqual({ type: 'done', file: 'SC4001EC-Hypnogram.edf', bytes: 4620 });
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toMatchObject({ bytes: 4620, totalBytes: 4620 });

    // Second time: the file is there with the right SHA-1, so nothing is requested.
    requests.length = 0;
    expect(await downloadFile(target, { store, baseUrl })).toBe('present');
    expect(requests).toEqual([]);
  });

  it('deletes a file whose SHA-1 does not match and says so', async () => {
    const corrupted = hypnogram.slice();
    corrupted[1000] ^= 0xff;
    reset({ 'SC4001EC-Hypnogram.edf': { bytes: corrupted, mode: 'ok' } });
    const store = new MemoryStore();
    await expect(downloadFile({ file: 'SC4001EC-Hypnogram.edf', sha1: HYPNOGRAM_SHA1 }, { store, baseUrl })).rejects.toThrow(
      /SC4001EC-Hypnogram\.edf: SHA-1 mismatch: downloaded 4620 bytes with SHA-1 [0-9a-f]{40}, catalog says 21c998ea.*deleted/,
    );
    expect([...store.files.keys()]).toEqual([]);
  });

  it('resumes an interrupted transfer with a Range request and completes it', async () => {
    reset({ 'SC4001E0-PSG.edf': { bytes: shortPsg, mode: 'dropFirst' } });
    const store = new MemoryStore();
    const events: DownloadEvent[] = [];
    const status = await downloadFile({ file: 'SC4001E0-PSG.edf', sha1: sha1Hex(shortPsg) }, { store, baseUrl, onEvent: (e) => events.push(e) });
    expect(status).toBe('downloaded');
    expect(store.files.get('SC4001E0-PSG.edf')).toEqual(shortPsg);
    expect(requests.length).toBe(2);
    expect(requests[0].range).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(requests[1].range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThan(shortPsg.length);
    expect(events.some((e) => e.type === 'note' && /interrupted/.test(e.message))).toBe(true);
    expect(events.find((e) => e.type === 'start' && e.resumeFrom === resumedAt)).toMatchObject({ totalBytes: shortPsg.length });
  });

  it('resumes from a .part file left by an earlier run, and restarts when the server ignores Range', async () => {
    reset({ 'SC4001E0-PSG.edf': { bytes: shortPsg, mode: 'ok' } });
    const store = new MemoryStore();
    store.files.set('SC4001E0-PSG.edf.part', shortPsg.slice(0, 70_000));
    const target = { file: 'SC4001E0-PSG.edf', sha1: sha1Hex(shortPsg) };
    expect(await downloadFile(target, { store, baseUrl })).toBe('downloaded');
    expect(requests.map((r) => r.range)).toEqual(['bytes=70000-']);
    expect(store.files.get('SC4001E0-PSG.edf')).toEqual(shortPsg);

    reset({ 'SC4001E0-PSG.edf': { bytes: shortPsg, mode: 'noRange' } });
    store.files.clear();
    store.files.set('SC4001E0-PSG.edf.part', shortPsg.slice(0, 5000));
    expect(await downloadFile(target, { store, baseUrl })).toBe('downloaded');
    expect(store.files.get('SC4001E0-PSG.edf')).toEqual(shortPsg);
  });

  it('reports a missing file (404) without retrying', async () => {
    reset({});
    await expect(downloadFile({ file: 'SC4002EC-Hypnogram.edf', sha1: HYPNOGRAM_SHA1 }, { store: new MemoryStore(), baseUrl })).rejects.toThrow(
      /SC4002EC-Hypnogram\.edf: HTTP 404 Not Found for http:\/\/127\.0\.0\.1:\d+\/sleep-cassette\/SC4002EC-Hypnogram\.edf/,
    );
    expect(requests.length).toBe(1);
  });
});

describe('fetchRecordings into MNE layout on disk', () => {
  it('keeps going past bad files and lists every failure', async () => {
    const corrupted = shortPsg.slice();
    corrupted[5000] ^= 1;
    const recs = [
      testRecording(0, 'SC4001E0-PSG.edf', shortPsg, 'SC4001EC-Hypnogram.edf', HYPNOGRAM_SHA1),
      testRecording(1, 'SC4011E0-PSG.edf', shortPsg, 'SC4011EH-Hypnogram.edf', HYPNOGRAM_SHA1),
      testRecording(2, 'SC4021E0-PSG.edf', shortPsg, 'SC4021EH-Hypnogram.edf', HYPNOGRAM_SHA1),
    ];
    reset({
      'SC4001E0-PSG.edf': { bytes: shortPsg, mode: 'ok' },
      'SC4001EC-Hypnogram.edf': { bytes: hypnogram, mode: 'ok' },
      'SC4011E0-PSG.edf': { bytes: corrupted, mode: 'ok' }, // SHA-1 mismatch
      'SC4011EH-Hypnogram.edf': { bytes: hypnogram, mode: 'ok' },
      'SC4021E0-PSG.edf': { bytes: shortPsg, mode: 'dropFirst' }, // resumed
      // SC4021EH-Hypnogram.edf: missing, 404
    });
    const dir = mkdtempSync(join(tmpdir(), 'hypnograd-fetch-'));
    try {
      const failed: string[] = [];
      const summary = await fetchRecordings(recs, { store: new NodeFileStore(dir), baseUrl, onEvent: (e) => e.type === 'failed' && failed.push(e.file) });
      expect(summary.complete).toEqual([['SC4001E0-PSG.edf', 'SC4001EC-Hypnogram.edf']]);
      expect(summary.downloaded).toEqual(['SC4001E0-PSG.edf', 'SC4001EC-Hypnogram.edf', 'SC4011EH-Hypnogram.edf', 'SC4021E0-PSG.edf']);
      expect(summary.failures.map((f) => f.file)).toEqual(['SC4011E0-PSG.edf', 'SC4021EH-Hypnogram.edf']);
      expect(summary.failures[0].reason).toMatch(/SHA-1 mismatch/);
      expect(summary.failures[1].reason).toMatch(/HTTP 404/);
      expect(failed).toEqual(['SC4011E0-PSG.edf', 'SC4021EH-Hypnogram.edf']);
      expect(new Uint8Array(readFileSync(join(dir, 'SC4021E0-PSG.edf')))).toEqual(shortPsg);
      expect(existsSync(join(dir, 'SC4011E0-PSG.edf'))).toBe(false);
      expect(existsSync(join(dir, 'SC4011E0-PSG.edf.part'))).toBe(false);

      // A file someone already has (e.g. from MNE) with the right SHA-1 is reused; a wrong one is replaced.
      writeFileSync(join(dir, 'SC4011E0-PSG.edf'), Buffer.from(corrupted));
      requests.length = 0;
      served.set('SC4011E0-PSG.edf', { bytes: shortPsg, mode: 'ok' });
      const again = await fetchRecordings(recs.slice(0, 2), { store: new NodeFileStore(dir), baseUrl });
      expect(again.present).toEqual(['SC4001E0-PSG.edf', 'SC4001EC-Hypnogram.edf', 'SC4011EH-Hypnogram.edf']);
      expect(again.downloaded).toEqual(['SC4011E0-PSG.edf']);
      expect(requests.map((r) => r.file)).toEqual(['SC4011E0-PSG.edf']);
      expect(again.failures).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run fetch-data', () => {
  it('downloads what it can, reports the PSG whose bytes differ from PhysioNet, exits 1', async () => {
    // Served under the real name, short_psg.edf is not the real SC4001E0-PSG.edf, so the shipped
    // catalog's SHA-1 rejects it; the real hypnogram passes.
    reset({ 'SC4001E0-PSG.edf': { bytes: shortPsg, mode: 'ok' }, 'SC4001EC-Hypnogram.edf': { bytes: hypnogram, mode: 'ok' } });
    const dir = mkdtempSync(join(tmpdir(), 'hypnograd-cli-'));
    try {
      const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((ok) => {
        execFile(
          join(repo, 'node_modules', '.bin', 'tsx'),
          [join(repo, 'app', 'cli', 'fetch-data.ts'), '--subjects', '0', '--recording', '1', '--dir', dir, '--base-url', baseUrl],
          { timeout: 60_000 },
          (err, stdout, stderr) => ok({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
        );
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/SC4001E0-PSG\.edf: FAILED: SHA-1 mismatch/);
      expect(result.stdout).toMatch(/summary: 0 of 1 recordings complete; 1 files downloaded, 0 already present, 1 failed/);
      expect(result.stdout).toMatch(/failed: SC4001E0-PSG\.edf: SHA-1 mismatch/);
      expect(new Uint8Array(readFileSync(join(dir, 'SC4001EC-Hypnogram.edf')))).toEqual(hypnogram);
      expect(existsSync(join(dir, 'SC4001E0-PSG.edf'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
