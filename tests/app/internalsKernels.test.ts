/**
 * End-to-end test of step 9's truthfulness on the BUILT app in headless Chromium (WebGPU through
 * SwiftShader), with the default synthetic demo and a freshly initialised model: the graph of a
 * step lists, for the fused conv + ReLU + max-pool op, the kernels that were dispatched for it on
 * this device (the fused row kernels, with their WGSL), not the generic kernels it would run
 * for other shapes; its times are labelled host encoding time and GPU time (timestamp queries);
 * and the gradient-check panel covers the fused op, which passes on the GPU.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, withTimeout, type ChromiumSession } from '../../app/cli/headless.ts';
import { buildAndPreview, type BuiltApp } from './builtApp.ts';
import { SHOTS, attr, goStep, handle, inPage, shot, text, waitFor } from './pageTools.ts';

const WAIT = 30_000;
const LONG_WAIT = 150_000;

let app: BuiltApp | null = null;
let browser: Browser | null = null;
let chromium: ChromiumSession | null = null;

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  app = await withTimeout(buildAndPreview('http://127.0.0.1:9/'), 90_000, 'building and serving the app');
  chromium = await launchChromium({ timeoutMs: WAIT, protocolTimeoutMs: 60_000 });
  browser = chromium.browser;
}, 150_000);

afterAll(async () => {
  await chromium?.close();
  await Promise.allSettled([app?.close()]);
});

interface ShownKernel {
  name: string;
  file: string;
  role: string;
  wgsl: string;
}

describe('web app, step 9 on WebGPU: the kernels that ran', () => {
  it('lists the fused kernels dispatched for conv2dReluMaxPool2d with their WGSL, labels host and GPU time, and gradchecks the fused op', async () => {
    const page = await browser!.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.setDefaultTimeout(WAIT);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
      await page.goto(app!.baseUrl, { waitUntil: 'load', timeout: WAIT });
      await waitFor(page, 'the default demo', `deepQuery(['hg-recording-table', 'table'])?.querySelectorAll('tbody tr').length === 8`, WAIT);
      await goStep(page, 'internals', WAIT);
      await waitFor(page, 'the op table', `!!deepQuery(['#op-table'])`, LONG_WAIT);
      expect(await text(page, ['#graph-summary'])).toContain('on WebGPU');
      await (await handle(page, ['#op-table', "tr[data-op='conv2dReluMaxPool2d'] button"])).click();
      await waitFor(page, 'the op detail', `deepQuery(['#op-detail'])?.dataset.op === 'conv2dReluMaxPool2d'`, WAIT);
      const kernels = await inPage<ShownKernel[]>(
        page,
        `[...deepQuery(['#op-detail']).querySelectorAll('.kernel')].map((k) => ({ name: k.dataset.kernel, file: k.dataset.file, role: k.dataset.role, wgsl: k.querySelector('.wgsl').textContent }))`,
      );
      const generic = ['conv2d_forward.wgsl', 'unary.wgsl', 'maxpool2d_forward.wgsl', 'maxpool2d_backward.wgsl', 'unary_backward.wgsl'];
      expect(kernels.filter((k) => generic.includes(k.file) || generic.includes(k.name)), 'generic kernels shown').toEqual([]);
      const forward = kernels.filter((k) => k.role === 'forward');
      const backward = kernels.filter((k) => k.role === 'backward');
      // The forward is the row kernel's pool variant alone: it writes each window's max and winner.
      expect(forward.map((k) => k.file)).toEqual(['conv_rows_forward.wgsl']);
      expect(forward[0].name).toMatch(/^conv_rows_relu_maxpool\d+_/);
      expect(forward[0].wgsl).toContain('fn putPool');
      expect(forward[0].wgsl).not.toMatch(/\{\{|\/\/#/);
      // The backward: the sparse weight and bias gradients and their chunk sums, and the input
      // gradient (the winners' scatter, then the row kernel as an input gradient) for the second block.
      expect(backward.some((k) => /^conv_rows_maxpool_backward_weight/.test(k.name))).toBe(true);
      expect(backward.some((k) => k.name === 'sum_leading')).toBe(true);
      expect(backward.every((k) => k.wgsl.includes('@compute'))).toBe(true);
      const timing = await text(page, ['#op-timing']);
      expect(timing).toMatch(/Host time: [\d.]+ ms to encode/);
      expect(await attr(page, ['#op-timing'], 'data-gpu')).toBe('timestamps');
      expect(timing).toMatch(/GPU time: [\d.]+ ms forward, [\d.]+ ms backward \(timestamp queries/);
      await shot(page, 'internals-kernels-1-fused-op');

      await (await handle(page, ['#tab-gradcheck'])).click();
      await (await handle(page, ['#run-gradcheck'])).click();
      await waitFor(page, 'the gradient checks', `deepQuery(['#gradcheck-summary'])?.dataset.done === 'true'`, LONG_WAIT);
      const verdicts = await inPage<[string, string][]>(page, `[...deepQuery(['#gradcheck-table']).querySelectorAll('tbody > tr[data-op]')].map((r) => [r.dataset.op, r.dataset.ok])`);
      const fused = verdicts.filter(([op]) => op.includes('conv2dReluMaxPool2d'));
      expect(fused, verdicts.map(([op]) => op).join(', ')).toEqual([[expect.stringContaining('fused'), 'true']]);
      await shot(page, 'internals-kernels-2-gradcheck');
      expect(errors).toEqual([]);
    } catch (error) {
      await shot(page, 'internals-kernels-failure').catch(() => {});
      throw new Error(`${(error as Error).message}${errors.length ? ` (page errors: ${errors.join('; ')})` : ''}`);
    } finally {
      await page.close();
    }
  }, 420_000);
});
