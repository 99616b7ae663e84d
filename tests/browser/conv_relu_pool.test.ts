/**
 * F.conv2dReluMaxPool2d on WebGPU in headless Chromium against the float64 CPU backend
 * (engine/selftest/convReluPool.ts): values, winners and the gradients of x, weight and bias on
 * shapes the backend fuses (and proof that its fused kernels ran) and on shapes it does not.
 * Fails, never skips, when Chromium offers no WebGPU adapter.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBrowserHarness, type BrowserHarness } from '../../app/cli/headless.ts';
import type { HypnogradTestApi } from './page.ts';
import { CONV_RELU_POOL_CASES } from '../../engine/selftest/convReluPool.ts';

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness({ page: '/tests/browser/index.html', readyFlag: 'hypnogradReady' });
}, 90_000);

afterAll(async () => {
  await h?.close();
});

declare const hypnogradTest: HypnogradTestApi;

it('conv2dReluMaxPool2d on WebGPU matches the float64 CPU backend, fused where it should be', async () => {
  const report = await h.evaluate(() => hypnogradTest.run('convReluPool'), 100_000);
  const failures = report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
  if (process.env.HYPNOGRAD_VERBOSE) for (const c of report.checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  // At least the forward, the ReLU sanity check, a kernel check and the fusion check per case.
  expect(report.checks.length).toBeGreaterThan(4 * CONV_RELU_POOL_CASES.length);
  expect(failures, `${report.checks.length} checks, ${Math.round(report.ms)} ms${h.pageErrors.length ? `; page errors: ${h.pageErrors.join(' | ')}` : ''}`).toEqual([]);
}, 120_000);
