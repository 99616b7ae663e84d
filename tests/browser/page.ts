/**
 * The page the browser suites drive (served by the Vite dev server from tests/browser/index.html).
 * It exposes `window.hypnogradTest`; the vitest side calls it through page.evaluate.
 */
import '../../engine/index.ts';
import { initWebGPU, type WebGpuInfo } from '../../engine/backends/webgpu/index.ts';
import { runSelftest, type Check } from '../../engine/selftest/index.ts';
import { runFixtureSuite } from './fixtureSuite.ts';
import { runChambonTorchSuite } from './chambonTorchSuite.ts';

export interface SuiteReport {
  checks: Check[];
  ms: number;
}

export interface HypnogradTestApi {
  init(): Promise<WebGpuInfo>;
  run(suite: string): Promise<SuiteReport>;
  /** initWebGPU's error message when navigator.gpu is absent (shadowed for the call). */
  initWithoutGpu(): Promise<string>;
}

async function initWithoutGpu(): Promise<string> {
  Object.defineProperty(navigator, 'gpu', { value: undefined, configurable: true });
  try {
    await initWebGPU({ force: true });
    return 'initialised';
  } catch (err) {
    return (err as Error).message;
  } finally {
    // Removing the own property uncovers the real navigator.gpu again.
    delete (navigator as unknown as Record<string, unknown>).gpu;
  }
}

async function run(suite: string): Promise<SuiteReport> {
  // Idempotent; a missing adapter fails every suite with initWebGPU's explanation.
  await initWebGPU();
  const t0 = performance.now();
  const checks = suite === 'fixtures' ? await runFixtureSuite() : suite === 'chambonTorch' ? await runChambonTorchSuite() : await runSelftest(suite);
  return { checks, ms: performance.now() - t0 };
}

const api: HypnogradTestApi = { init: () => initWebGPU(), run, initWithoutGpu };
const w = globalThis as unknown as { hypnogradTest: HypnogradTestApi; hypnogradReady: boolean };
w.hypnogradTest = api;
w.hypnogradReady = true;
document.getElementById('log')!.textContent = 'ready';
