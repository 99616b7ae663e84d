/**
 * End-to-end test of steps 9 (Inside the network) and 10 (Experiments) on the BUILT app in
 * headless Chromium (WebGPU through SwiftShader): a small SYNTHETIC set (3 subjects, 1 h each,
 * 2 filters, as the training suite), two one-epoch runs started from the Experiments step with
 * different optimizers (Adam, SGD with momentum) plus the band-power baseline, all kept in
 * IndexedDB and compared (both curves, both confusion matrices, the optimizer highlighted as the
 * difference); a run exported and imported back; the first conv op's code and WGSL; the
 * gradient checks on the GPU, every op passing. Screenshots go to tests/out/screenshots/.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRunsFile } from '../../sleep/runs/file.ts';
import { launchChromium, withTimeout, type ChromiumSession } from '../../app/cli/headless.ts';
import { buildAndPreview, type BuiltApp } from './builtApp.ts';
import { SHOTS, attr, goStep, handle, inPage, setNumber, shot, text, waitFor } from './pageTools.ts';

const WAIT = 30_000;
const TRAIN_WAIT = 100_000;

let app: BuiltApp | null = null;
let browser: Browser | null = null;
let chromium: ChromiumSession | null = null;
let downloads = '';

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  app = await withTimeout(buildAndPreview('http://127.0.0.1:9/'), 90_000, 'building and serving the app');
  downloads = await mkdtemp(join(tmpdir(), 'hypnograd-internals-downloads-'));
  chromium = await launchChromium({ timeoutMs: WAIT, protocolTimeoutMs: 60_000 });
  browser = chromium.browser;
}, 150_000);

afterAll(async () => {
  await chromium?.close();
  await Promise.allSettled([app?.close()]);
  await Promise.allSettled([downloads && rm(downloads, { recursive: true, force: true })]);
});

function foreign(requests: string[]): string[] {
  const origin = new URL(app!.baseUrl).origin;
  return requests.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:') && new URL(u).origin !== origin);
}

const runRows = (page: Page) => inPage<number>(page, `deepQuery(['#runs-table'])?.querySelectorAll('tbody tr').length ?? 0`);

/** Starts a run from the Experiments step, waits for it to finish and come back as a saved run. */
async function trainFromExperiments(page: Page, button: string, runsBefore: number): Promise<void> {
  await goStep(page, 'experiments', WAIT);
  await waitFor(page, `${button} enabled`, `deepQuery([${JSON.stringify(`#${button}`)}])?.disabled === false`, WAIT);
  await (await handle(page, [`#${button}`])).click();
  await waitFor(page, 'the training step', `deepQuery(['main#step'])?.dataset.step === 'train'`, WAIT);
  await waitFor(page, 'the end of training', `deepQuery(['#train-status'])?.dataset.phase === 'finished'`, TRAIN_WAIT);
  await goStep(page, 'experiments', WAIT);
  await waitFor(page, 'the saved run', `(deepQuery(['#runs-table'])?.querySelectorAll('tbody tr').length ?? 0) === ${runsBefore + 1}`, WAIT);
}

describe('web app, steps 9-10 (built, in Chromium, WebGPU)', () => {
  it('keeps and compares runs of two optimizers and a baseline, shows a conv op with its WGSL, and passes every gradient check on the GPU', async () => {
    const page = await browser!.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.setDefaultTimeout(WAIT);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    try {
      await page.goto(app!.baseUrl, { waitUntil: 'load', timeout: WAIT });
      await waitFor(page, 'the default demo', `deepQuery(['hg-recording-table', 'table'])?.querySelectorAll('tbody tr').length === 8`, WAIT);
      await setNumber(page, ['hg-synthetic-panel', "input[aria-label='Number of synthetic subjects']"], 3);
      await setNumber(page, ['hg-synthetic-panel', "input[aria-label='Hours per synthetic night']"], 1);
      await (await handle(page, ['#generate'])).click();
      await waitFor(page, 'the small demo', `deepQuery(['hg-recording-table', 'table'])?.querySelectorAll('tbody tr').length === 3`, WAIT);
      await goStep(page, 'model', WAIT);
      await setNumber(page, ['#n-conv-chs'], 2);
      await waitFor(page, 'the smaller model', `!!deepQuery(['#param-count']) && deepQuery(['#param-count']).dataset.params !== '5227'`, WAIT);
      // Tiny settings in the training step: one epoch of 4 steps; no class weights (the first hour has no REM).
      await goStep(page, 'train', WAIT);
      await waitFor(page, 'the class-weight blocker', `deepQuery(['#start-blocker'])?.textContent.includes('every stage')`, WAIT);
      await (await handle(page, ['#class-weights'])).click();
      await setNumber(page, ['#batch-size'], 32);
      await setNumber(page, ['#epochs'], 1);
      await waitFor(page, 'the start button', `deepQuery(['#start'])?.disabled === false`, WAIT);

      // Experiments: the base run (Adam), then the SGD-momentum variation, then the baseline.
      await goStep(page, 'experiments', WAIT);
      expect(await text(page, ['#base-config'])).toContain('Adam lr 0.001');
      expect(await runRows(page)).toBe(0);
      await trainFromExperiments(page, 'variation-current', 0);
      await trainFromExperiments(page, 'variation-sgd', 1);
      await (await handle(page, ['#run-baseline'])).click();
      await waitFor(page, 'the baseline run', `(deepQuery(['#runs-table'])?.querySelectorAll('tbody tr').length ?? 0) === 3`, TRAIN_WAIT);
      const models = await inPage<string[]>(page, `[...deepQuery(['#runs-table']).querySelectorAll('tbody tr')].map((r) => r.dataset.model)`);
      expect(models.sort()).toEqual(['chambon2018', 'chambon2018', 'logistic-regression']);
      const names = await inPage<string[]>(page, `[...deepQuery(['#runs-table']).querySelectorAll('.run-name')].map((n) => n.textContent)`);
      expect(names.every((n) => n.startsWith('SYNTHETIC'))).toBe(true);
      expect(names.some((n) => n.includes('SGD with momentum'))).toBe(true);

      // Compare the two ConvNet runs.
      const convRows = await inPage<number[]>(page, `[...deepQuery(['#runs-table']).querySelectorAll('tbody tr')].flatMap((r, i) => r.dataset.model === 'chambon2018' ? [i] : [])`);
      for (const i of convRows) await (await handle(page, ['#runs-table', `tbody tr:nth-child(${i + 1}) .select-run`])).click();
      await waitFor(page, 'the comparison', `deepQuery(['#comparison'])?.dataset.runs === '2'`, WAIT);
      const diffKeys = await inPage<string[]>(page, `[...deepQuery(['#config-diff']).querySelectorAll('tbody tr')].map((r) => r.dataset.key)`);
      expect(diffKeys).toContain('config.training.optimizer.name');
      expect(diffKeys).not.toContain('config.model.nConvChs');
      const optimizerCells = await inPage<string[]>(page, `[...deepQuery(['#config-diff']).querySelectorAll("tr[data-key='config.training.optimizer.name'] td.changed")].map((c) => c.textContent)`);
      expect(optimizerCells.sort()).toEqual(['adam', 'sgd']);
      const lossPaths = await inPage<string[]>(page, `[...deepQuery(['#compare-loss']).shadowRoot.querySelectorAll('path[data-series]')].map((p) => p.getAttribute('data-series') + '|' + p.getAttribute('d'))`);
      // Each run: a validation and a training curve, each with its epoch point.
      expect(lossPaths).toHaveLength(4);
      for (const p of lossPaths) expect(p.split('|')[1]).toMatch(/^M[\d.]+,[\d.]+/);
      const confusions = await inPage<number[]>(page, `[...deepQuery(['#compare-confusion']).querySelectorAll('hg-heatmap')].map((h) => h.values.flat().reduce((a, b) => a + b, 0))`);
      // Both confusion matrices count every test window (subject 0's first hour: 120).
      expect(confusions).toEqual([120, 120]);
      await shot(page, 'experiments-1-compare');

      // Export one run as a file and import it back: a fourth run with the same numbers.
      await (await handle(page, ['#runs-table', 'tbody tr:nth-child(1) .export-run'])).click();
      const deadline = Date.now() + WAIT;
      let file = '';
      while (!file && Date.now() < deadline) {
        const { readdir } = await import('node:fs/promises');
        file = (await readdir(downloads)).find((f) => f.endsWith('.json')) ?? '';
        if (!file) await new Promise((r) => setTimeout(r, 200));
      }
      expect(file).toMatch(/^hypnograd-runs-.*\.json$/);
      const decoded = decodeRunsFile(await readFile(join(downloads, file)), file);
      expect(decoded.problems).toEqual([]);
      expect(decoded.runs).toHaveLength(1);
      const copy = join(downloads, 'copy.json');
      await writeFile(copy, await readFile(join(downloads, file)));
      const input = await handle(page, ['#import-runs']);
      await (input as import('puppeteer').ElementHandle<HTMLInputElement>).uploadFile(copy);
      await waitFor(page, 'the imported run', `(deepQuery(['#runs-table'])?.querySelectorAll('tbody tr').length ?? 0) === 4`, WAIT);
      expect(await text(page, ['#experiments-message'])).toContain('Imported 1 run');

      // Internals: the graph of a step; the first conv op's code and WGSL.
      await goStep(page, 'internals', WAIT);
      await waitFor(page, 'the op table', `!!deepQuery(['#op-table'])`, TRAIN_WAIT);
      expect(await attr(page, ['#weights-source'], 'data-kind')).toBe('safetensors');
      const opNames = await inPage<string[]>(page, `[...deepQuery(['#op-table']).querySelectorAll('tbody tr')].map((r) => r.dataset.op)`);
      // The model runs each Conv2d + ReLU + MaxPool2d of feature_extractor as one fused op.
      expect(opNames.slice(0, 5)).toEqual(['conv2d', 'permute', 'conv2dReluMaxPool2d', 'conv2dReluMaxPool2d', 'reshape']);
      await (await handle(page, ['#op-table', "tr[data-op='conv2d'] button"])).click();
      await waitFor(page, 'the op detail', `deepQuery(['#op-detail'])?.dataset.op === 'conv2d'`, WAIT);
      // The kernels dispatched for it: the spatial convolution spans the whole height, so it runs the
      // row kernels (forward; backward the weight and bias gradients and their chunk sums; the input
      // batch needs no gradient).
      const kernels = await inPage<string[]>(page, `[...deepQuery(['#op-detail']).querySelectorAll('.kernel')].map((k) => k.dataset.role + ' ' + k.dataset.file)`);
      expect(kernels).toEqual(['forward conv_rows_forward.wgsl', 'backward conv_rows_backward_weight.wgsl', 'backward sum_leading.wgsl']);
      expect(await text(page, ["#op-detail .kernel[data-role='forward'] .header"])).toContain('Row convolution');
      expect(await text(page, ["#op-detail .kernel[data-role='forward'] .wgsl"])).toContain('@compute');
      expect(await text(page, ['#op-source', '.hl'])).toContain('conv2d');
      expect(await text(page, ['#op-timing'])).toContain('to encode');
      await shot(page, 'internals-1-graph');

      await (await handle(page, ['#tab-filters'])).click();
      await waitFor(page, 'the filter responses', `deepQuery(['#filter-response'])?.querySelectorAll('path').length === 2`, WAIT);
      await shot(page, 'internals-2-filters');
      await (await handle(page, ['#tab-activations'])).click();
      await waitFor(page, 'the activations', `(deepQuery(['#activations'])?.querySelectorAll('hg-activation-map').length ?? 0) > 5`, WAIT);
      await shot(page, 'internals-3-activations');

      // Gradients: a short demo run in the page with the tracker.
      await (await handle(page, ['#tab-gradients'])).click();
      await setNumber(page, ['#demo-steps'], 3);
      await (await handle(page, ['#run-demo'])).click();
      await waitFor(page, 'the demo run', `deepQuery(['#demo-status'])?.dataset.running === 'false' && deepQuery(['#demo-status'])?.dataset.step === '3'`, TRAIN_WAIT);
      const layers = await inPage<string[]>(page, `[...deepQuery(['#gradient-table']).querySelectorAll('tbody td:first-child')].map((c) => c.textContent)`);
      expect(layers).toEqual(['spatial_conv', 'feature_extractor.0', 'feature_extractor.4', 'fc.1']);
      const ratioPaths = await inPage<number>(page, `deepQuery(['#ratio-chart']).shadowRoot.querySelectorAll('path[data-series]').length`);
      expect(ratioPaths).toBe(4);
      await shot(page, 'internals-5-gradients');

      // The engine's gradient checks on this GPU, op by op.
      await (await handle(page, ['#tab-gradcheck'])).click();
      await (await handle(page, ['#run-gradcheck'])).click();
      await waitFor(page, 'the gradient checks', `deepQuery(['#gradcheck-summary'])?.dataset.done === 'true'`, TRAIN_WAIT);
      const verdicts = await inPage<[string, string][]>(page, `[...deepQuery(['#gradcheck-table']).querySelectorAll('tbody > tr[data-op]')].map((r) => [r.dataset.op, r.dataset.ok])`);
      expect(verdicts.length).toBeGreaterThanOrEqual(10);
      expect(verdicts.filter(([, ok]) => ok !== 'true')).toEqual([]);
      await shot(page, 'internals-4-gradcheck');

      expect(errors).toEqual([]);
      expect(foreign(requests)).toEqual([]);
    } catch (error) {
      await shot(page, 'internals-failure').catch(() => {});
      const shown = await text(page, ['#experiments-error']).catch(() => '');
      throw new Error(`${(error as Error).message}${shown ? ` (experiments step says: ${shown})` : ''}${errors.length ? ` (page errors: ${errors.join('; ')})` : ''}`);
    } finally {
      await page.close();
    }
  }, 420_000);
});
