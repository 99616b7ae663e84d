/**
 * Node side: a Vite dev server on 127.0.0.1 serving the repository with cross-origin isolation
 * headers (so TF.js's wasm backend may use threads), and one headless Chromium with WebGPU.
 * Each peer runs in a fresh page. `close()` shuts both by their handles, bounded, safe twice.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer';
import { repoRoot, startHeadless, withTimeout } from '../../app/cli/headless.ts';
import type { AdapterInfo, BenchPageApi, KernelEfficiency, KernelEfficiencyConfig, PeerConfig, PeerResult } from './types.ts';

export const BENCH_PAGE = '/tests/bench/index.html';

const BENCH_CHROMIUM_ARGS = [
  // Full-resolution timestamp queries (Chrome quantizes them otherwise).
  '--enable-webgpu-developer-features',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
];

const TFJS_PACKAGES = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm'];

export interface BenchBrowser {
  readonly browser: Browser;
  readonly baseUrl: string;
  chromiumVersion(): Promise<string>;
  adapterInfo(): Promise<AdapterInfo>;
  tfjsParameterCount(): Promise<number>;
  wasmShimCheck(strideW: number, pad: 'same' | 'valid'): Promise<{ maxAbsDiff: number; maxAbs: number }>;
  runPeer(cfg: PeerConfig, timeoutMs: number): Promise<PeerResult>;
  /** The kernel-efficiency step (peak FMA, matmuls, conv kernels) in a fresh page. */
  kernelEfficiency(cfg: KernelEfficiencyConfig, timeoutMs: number): Promise<KernelEfficiency>;
  close(): Promise<void>;
}

declare const hypnogradBench: BenchPageApi;

export async function startBenchBrowser(opts: { timeoutMs?: number; log?: (line: string) => void } = {}): Promise<BenchBrowser> {
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const session = await startHeadless({
    timeoutMs,
    protocolTimeoutMs: 900_000,
    args: BENCH_CHROMIUM_ARGS,
    // Its own pre-bundle cache, so other suites' dev servers (other deps settings) never rebuild it mid-run.
    cacheDir: join(repoRoot, 'node_modules', '.vite-bench'),
    // Cross-origin isolation lets TF.js's wasm backend use threads.
    server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
    // Pre-bundle TF.js up front (it has CommonJS dependencies); no discovery, so no reload mid-run.
    optimizeDeps: { noDiscovery: true, include: TFJS_PACKAGES },
  });
  const { baseUrl, close } = session;
  try {
    const b = session.browser;

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
      kernelEfficiency: (cfg, ms) => withPage('kernel efficiency', ms, (p) => p.evaluate((c: KernelEfficiencyConfig) => hypnogradBench.kernelEfficiency(c), cfg)),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
