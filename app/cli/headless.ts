/**
 * Headless Chromium with WebGPU, for the command-line tools (train --backend webgpu, bench) and
 * the browser test suites: serves the repository with a Vite dev server on 127.0.0.1 (random
 * port; a secure context, so navigator.gpu exists), launches Chromium with a throwaway profile,
 * and opens pages. Every wait is bounded; `close()` shuts the browser, the server and the
 * profile by their handles and is safe to call twice.
 *
 *   const h = await startBrowserHarness({ page: '/tests/browser/index.html' });
 *   try { ... await h.evaluate(() => ..., 60_000) ... } finally { await h.close(); }
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { createServer, type InlineConfig, type ViteDevServer } from 'vite';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** WebGPU on, and nothing that would reach out to the network (this machine has none). */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

export interface ChromiumOptions {
  /** Bound on the launch (ms). */
  timeoutMs?: number;
  /** Bound on each DevTools protocol call (ms); long page.evaluate calls need a large one. */
  protocolTimeoutMs?: number;
  /** Extra Chromium arguments. */
  args?: string[];
}

export interface ChromiumSession {
  readonly browser: Browser;
  /** Closes the browser (killed by its process handle if it will not close) and removes its profile. */
  close(): Promise<void>;
}

/** Chromium with WebGPU and a fresh profile (PUPPETEER_EXECUTABLE_PATH, else Debian's /usr/bin/chromium). */
export async function launchChromium(opts: ChromiumOptions = {}): Promise<ChromiumSession> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const profile = await mkdtemp(join(tmpdir(), 'hypnograd-chromium-'));
  const executablePath = process.env.PUPPETEER_EXECUTABLE_PATH ?? '/usr/bin/chromium';
  let browser: Browser;
  try {
    browser = await withTimeout(
      puppeteer.launch({
        executablePath,
        headless: true,
        args: [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, ...(opts.args ?? [])],
        protocolTimeout: opts.protocolTimeoutMs ?? Math.max(timeoutMs, 180_000),
        timeout: timeoutMs,
      }),
      timeoutMs,
      `launching Chromium (${executablePath}; set PUPPETEER_EXECUTABLE_PATH to use another)`,
    );
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  let closed = false;
  return {
    browser,
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.allSettled([withTimeout(browser.close(), 15_000, 'closing Chromium')]);
      const proc = browser.process();
      if (proc && proc.exitCode === null && !proc.killed) proc.kill('SIGKILL');
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface HeadlessOptions extends ChromiumOptions {
  /** Vite server settings merged over the defaults (e.g. response headers, a pre-bundle list). */
  server?: Partial<NonNullable<InlineConfig['server']>>;
  cacheDir?: string;
  optimizeDeps?: InlineConfig['optimizeDeps'];
}

export interface HeadlessSession {
  readonly browser: Browser;
  readonly baseUrl: string;
  close(): Promise<void>;
}

export async function startHeadless(opts: HeadlessOptions = {}): Promise<HeadlessSession> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let server: ViteDevServer | null = null;
  let chromium: ChromiumSession | null = null;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await chromium?.close();
    await Promise.allSettled([server ? withTimeout(server.close(), 15_000, 'closing the Vite server') : null]);
  };
  try {
    server = await createServer({
      root: repoRoot,
      configFile: false,
      logLevel: 'error',
      clearScreen: false,
      cacheDir: opts.cacheDir,
      server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null, ...opts.server },
      // The engine has no dependencies to pre-bundle; discovery would reload the page mid-run.
      optimizeDeps: opts.optimizeDeps ?? { noDiscovery: true, include: [] },
    });
    await withTimeout(server.listen(), timeoutMs, 'starting the Vite dev server');
    const address = server.httpServer?.address() as AddressInfo | null;
    if (!address || typeof address === 'string') throw new Error('the Vite dev server has no TCP address');
    const baseUrl = `http://127.0.0.1:${address.port}`;
    chromium = await launchChromium(opts);
    return { browser: chromium.browser, baseUrl, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export interface HarnessOptions extends HeadlessOptions {
  /** Path of the page on the dev server, e.g. '/tests/browser/index.html'. */
  page: string;
  /** A global the page sets to true once it is ready (waited for, bounded). */
  readyFlag?: string;
}

export interface BrowserHarness {
  readonly browser: Browser;
  readonly page: Page;
  readonly baseUrl: string;
  /** Console errors and uncaught page errors seen so far (for failure messages). */
  readonly pageErrors: string[];
  /** page.evaluate with a deadline: rejects (naming `what`) instead of hanging. */
  evaluate<T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, timeoutMs: number, ...args: A): Promise<Awaited<T>>;
  close(): Promise<void>;
}

/** One headless session with one page opened on `opts.page`. */
export async function startBrowserHarness(opts: HarnessOptions): Promise<BrowserHarness> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const session = await startHeadless(opts);
  try {
    const page = await session.browser.newPage();
    const pageErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(session.baseUrl + opts.page, { timeout: timeoutMs, waitUntil: 'load' });
    if (opts.readyFlag) {
      const flag = opts.readyFlag;
      try {
        await page.waitForFunction((f: string) => (globalThis as Record<string, unknown>)[f] === true, { timeout: timeoutMs }, flag);
      } catch (err) {
        throw new Error(`page ${opts.page} never set ${flag}: ${(err as Error).message}${pageErrors.length ? `; page errors: ${pageErrors.join(' | ')}` : ''}`);
      }
    }
    return {
      browser: session.browser,
      page,
      baseUrl: session.baseUrl,
      pageErrors,
      evaluate: (fn, ms, ...args) => withTimeout(page.evaluate(fn as never, ...(args as unknown as never[])), ms, 'page.evaluate') as never,
      close: session.close,
    };
  } catch (err) {
    await session.close();
    throw err;
  }
}
