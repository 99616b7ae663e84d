/**
 * Node side: a Vite dev server on 127.0.0.1 serving the repository with cross-origin isolation
 * headers (so TF.js's wasm backend may use threads), and one headless Chromium with WebGPU.
 * Each peer runs in a fresh page. `close()` shuts both by their handles, bounded, safe twice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { createServer, type ViteDevServer } from 'vite';
import type { AdapterInfo, BenchPageApi, PeerConfig, PeerResult } from './types.ts';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BENCH_PAGE = '/tests/bench/index.html';

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  // Full-resolution timestamp queries (Chrome quantizes them otherwise).
  '--enable-webgpu-developer-features',
  '--disable-background-networking',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const TFJS_PACKAGES = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm'];

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

export interface BenchBrowser {
  readonly browser: Browser;
  readonly baseUrl: string;
  chromiumVersion(): Promise<string>;
  adapterInfo(): Promise<AdapterInfo>;
  tfjsParameterCount(): Promise<number>;
  wasmShimCheck(strideW: number, pad: 'same' | 'valid'): Promise<{ maxAbsDiff: number; maxAbs: number }>;
  runPeer(cfg: PeerConfig, timeoutMs: number): Promise<PeerResult>;
  close(): Promise<void>;
}

declare const hypnogradBench: BenchPageApi;

export async function startBenchBrowser(opts: { timeoutMs?: number; log?: (line: string) => void } = {}): Promise<BenchBrowser> {
  const timeoutMs = opts.timeoutMs ?? 90_000;
  let server: ViteDevServer | null = null;
  let browser: Browser | null = null;
  let profile: string | null = null;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await Promise.allSettled([browser ? withTimeout(browser.close(), 15_000, 'closing Chromium') : null]);
    const proc = browser?.process();
    if (proc && proc.exitCode === null && !proc.killed) proc.kill('SIGKILL');
    await Promise.allSettled([server ? withTimeout(server.close(), 15_000, 'closing the Vite server') : null]);
    if (profile) await rm(profile, { recursive: true, force: true });
  };
  try {
    server = await createServer({
      root: repoRoot,
      configFile: false,
      // Its own pre-bundle cache, so other suites' dev servers (other deps settings) never rebuild it mid-run.
      cacheDir: join(repoRoot, 'node_modules', '.vite-bench'),
      logLevel: 'error',
      clearScreen: false,
      server: {
        host: '127.0.0.1',
        port: 0,
        strictPort: false,
        hmr: false,
        watch: null,
        headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
      },
      // Pre-bundle TF.js up front (it has CommonJS dependencies); no discovery, so no reload mid-run.
      optimizeDeps: { noDiscovery: true, include: TFJS_PACKAGES },
    });
    await withTimeout(server.listen(), timeoutMs, 'starting the Vite dev server');
    const address = server.httpServer?.address() as AddressInfo | null;
    if (!address || typeof address === 'string') throw new Error('the Vite dev server has no TCP address');
    const baseUrl = `http://127.0.0.1:${address.port}`;
    profile = await mkdtemp(join(tmpdir(), 'hypnograd-bench-chromium-'));
    const executablePath = process.env.PUPPETEER_EXECUTABLE_PATH ?? '/usr/bin/chromium';
    browser = await withTimeout(
      puppeteer.launch({
        executablePath,
        headless: true,
        args: [...CHROMIUM_ARGS, `--user-data-dir=${profile}`],
        protocolTimeout: 900_000,
        timeout: timeoutMs,
      }),
      timeoutMs,
      `launching Chromium (${executablePath}; set PUPPETEER_EXECUTABLE_PATH to use another)`,
    );
    const b = browser;

    const withPage = async <T>(what: string, ms: number, fn: (page: Page) => Promise<T>): Promise<T> => {
      const page = await b.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
        else if (m.text().startsWith('[bench]')) opts.log?.(m.text());
      });
      try {
        await page.goto(baseUrl + BENCH_PAGE, { timeout: timeoutMs, waitUntil: 'load' });
        await page.waitForFunction(() => (globalThis as Record<string, unknown>).hypnogradBenchReady === true, { timeout: timeoutMs });
        return await withTimeout(fn(page), ms, what);
      } catch (err) {
        throw new Error(`${what}: ${(err as Error).message}${errors.length ? ` (page errors: ${errors.slice(0, 5).join(' | ')})` : ''}`);
      } finally {
        await withTimeout(page.close(), 15_000, 'closing a page').catch(() => undefined);
      }
    };

    return {
      browser: b,
      baseUrl,
      chromiumVersion: () => b.version(),
      adapterInfo: () => withPage('reading the WebGPU adapter', 30_000, (p) => p.evaluate(() => hypnogradBench.adapterInfo())),
      tfjsParameterCount: () => withPage('counting TF.js parameters', 60_000, (p) => p.evaluate(() => hypnogradBench.tfjsParameterCount())),
      wasmShimCheck: (strideW, pad) => withPage('checking the wasm Conv2DBackpropFilter shim', 60_000, (p) => p.evaluate((s: number, q: 'same' | 'valid') => hypnogradBench.wasmShimCheck(s, q), strideW, pad)),
      runPeer: (cfg, ms) => withPage(`peer ${cfg.peer}`, ms, (p) => p.evaluate((c: PeerConfig) => hypnogradBench.run(c), cfg)),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
