/**
 * The WebGPU conv2d and pooling kernels in headless Chromium against the float64 CPU backend
 * (engine/selftest/convPool.ts: forward, argmax, both gradients, one full-size Chambon conv).
 * Fails, never skips, when Chromium offers no WebGPU adapter.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBrowserHarness, withTimeout, type BrowserHarness } from '../../app/cli/headless.ts';
import type { Check } from '../../engine/selftest/check.ts';

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness({ page: '/tests/browser/index.html', readyFlag: 'hypnogradReady' });
}, 90_000);

afterAll(async () => {
  await h?.close();
});

it('conv2d and pooling kernels match the float64 CPU backend', async () => {
  // A string, not a function: the test transform would rewrite a dynamic import() inside a function.
  const run = `(async () => {
    await hypnogradTest.init();
    const t0 = performance.now();
    const { convPoolSuite } = await import('/engine/selftest/convPool.ts');
    const checks = await convPoolSuite();
    return { checks, ms: performance.now() - t0 };
  })()`;
  const report = (await withTimeout(h.page.evaluate(run), 100_000, 'the conv/pool suite')) as { checks: Check[]; ms: number };
  const failures = report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
  if (process.env.HYPNOGRAD_VERBOSE) for (const c of report.checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  expect(report.checks.length).toBeGreaterThan(60);
  expect(failures, `${report.checks.length} checks, ${Math.round(report.ms)} ms${h.pageErrors.length ? `; page errors: ${h.pageErrors.join(' | ')}` : ''}`).toEqual([]);
}, 120_000);
