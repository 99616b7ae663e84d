/**
 * The WebGPU backend in headless Chromium (SwiftShader here, a real GPU elsewhere): the
 * engine's self-test suites (engine/selftest) and every PyTorch fixture case, run in the page
 * and asserted here. Fails, never skips, when Chromium offers no WebGPU adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHarness, type BrowserHarness } from '../../app/cli/headless.ts';
import type { HypnogradTestApi, SuiteReport } from './page.ts';
import type { WebGpuInfo } from '../../engine/backends/webgpu/index.ts';

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness({ page: '/tests/browser/index.html', readyFlag: 'hypnogradReady' });
}, 90_000);

afterAll(async () => {
  await h?.close();
});

declare const hypnogradTest: HypnogradTestApi;

async function runSuite(name: string, timeoutMs = 90_000): Promise<SuiteReport> {
  const report = await h.evaluate((n: string) => hypnogradTest.run(n), timeoutMs, name);
  const failures = report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
  expect(report.checks.length, `suite '${name}' ran no checks`).toBeGreaterThan(0);
  expect(failures, `suite '${name}' (${report.checks.length} checks, ${Math.round(report.ms)} ms)`).toEqual([]);
  return report;
}

describe('WebGPU backend in headless Chromium', () => {
  it('gets a WebGPU adapter and device', async () => {
    let info: WebGpuInfo;
    try {
      info = await h.evaluate(() => hypnogradTest.init(), 30_000);
    } catch (err) {
      throw new Error(`WebGPU is unavailable in this Chromium: ${(err as Error).message}${h.pageErrors.length ? ` (page errors: ${h.pageErrors.join(' | ')})` : ''}`);
    }
    console.log(`WebGPU adapter: ${info.vendor} ${info.architecture} ${info.description}; timestamp-query ${info.timestampQuery}`);
    expect(info.limits.maxComputeWorkgroupsPerDimension).toBeGreaterThanOrEqual(65535);
  });

  it('explains how to launch Chrome when WebGPU is missing', async () => {
    const message = await h.evaluate(() => hypnogradTest.initWithoutGpu(), 30_000);
    expect(message).toMatch(/navigator\.gpu is undefined/);
    expect(message).toMatch(/--enable-unsafe-webgpu/);
  });

  it('matches the float64 CPU backend op by op (forward and gradients)', async () => {
    await runSuite('parity');
  });

  it('matches every PyTorch fixture case at float32 tolerance', async () => {
    await runSuite('fixtures');
  });

  it('passes gradcheck on WebGPU itself (float32 step and tolerances)', async () => {
    await runSuite('gradcheck');
  });

  it('runs SGD / Adam / AdamW for 20 steps like the CPU backend', async () => {
    await runSuite('optimizers');
  });

  it('trains the Chambon-like network for 20 steps like the CPU backend', async () => {
    await runSuite('training', 110_000);
  });

  it('trains the Chambon sleep stager from PyTorch\'s weights with PyTorch\'s per-step losses (Adam, SGD momentum, batch norm)', async () => {
    const report = await runSuite('chambonTorch', 110_000);
    expect(report.checks.length).toBe(3);
  });

  it('draws dropout masks identical to the CPU, seed for seed', async () => {
    await runSuite('dropout');
  });

  it('keeps its infrastructure promises (ordering, grids, errors, 1 submit and no readback per step, no leaks)', async () => {
    await runSuite('infra', 110_000);
  });

  it('reports a lost device and recovers with a new one', async () => {
    await runSuite('deviceLoss');
  });
});
