/**
 * End-to-end test of steps 7 (Training) and 8 (Evaluation) on the BUILT app in headless Chromium
 * (WebGPU through SwiftShader): a small SYNTHETIC set (3 subjects, 1 h each; 2 filters), two
 * epochs at batch 32 on WebGPU in the training worker, pause and resume, a reload after the first epoch's
 * checkpoint that offers to resume from IndexedDB, then the test subjects' confusion matrix,
 * hypnogram and downloads, and a new run stopped early. Screenshots go to tests/out/screenshots/.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, withTimeout, type ChromiumSession } from '../../app/cli/headless.ts';
import { buildAndPreview, type BuiltApp } from './builtApp.ts';
import { SHOTS, attr, goStep, handle, inPage, setNumber, shot, text, waitFor } from './pageTools.ts';

const WAIT = 30_000;
/**
 * One epoch of 120 windows plus validation takes ~10 s on SwiftShader; the first step also
 * compiles every kernel, which on a loaded 2-core machine can take a minute or more.
 */
const TRAIN_WAIT = 180_000;

let app: BuiltApp | null = null;
let browser: Browser | null = null;
let chromium: ChromiumSession | null = null;

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  // Nothing here downloads; the proxy target is a closed local port.
  app = await withTimeout(buildAndPreview('http://127.0.0.1:9/'), 90_000, 'building and serving the app');
  // The protocol timeout is above the longest wait: a waitForFunction is one protocol call.
  chromium = await launchChromium({ timeoutMs: WAIT, protocolTimeoutMs: 200_000 });
  browser = chromium.browser;
}, 150_000);

afterAll(async () => {
  await chromium?.close();
  await Promise.allSettled([app?.close()]);
});

function foreign(requests: string[]): string[] {
  const origin = new URL(app!.baseUrl).origin;
  return requests.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:') && new URL(u).origin !== origin);
}

const status = (page: Page, key: string) => attr(page, ['#train-status'], `data-${key}`);

describe('web app, steps 7-8 (built, in Chromium, WebGPU)', () => {
  it('says plainly that training runs on the CPU backend when the browser has no WebGPU', async () => {
    const page = await browser!.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    page.setDefaultTimeout(WAIT);
    try {
      // A browser without WebGPU: navigator.gpu is absent in the page.
      await page.evaluateOnNewDocument(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true }));
      await page.goto(`${app!.baseUrl}#/train`, { waitUntil: 'load', timeout: WAIT });
      await waitFor(page, 'the backend check', `deepQuery(['#backend-detail'])?.textContent.includes('no WebGPU')`, WAIT);
      await waitFor(page, 'the CPU note', `deepQuery(['#device-line'])?.textContent.includes('training runs on the CPU backend')`, WAIT);
      expect(await attr(page, ['#device-line'], 'class')).toBe('error');
      expect(await text(page, ['#start-blocker'])).toContain('Load data in step 1 first');
      await shot(page, 'train-5-no-webgpu');
    } finally {
      await page.close();
    }
  });

  it('trains a small SYNTHETIC set on WebGPU with pause, reload and resume, then evaluates the test subjects', async () => {
    const page = await browser!.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    page.setDefaultTimeout(WAIT);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`${String(e)} ${(e as Error).stack ?? ''}`));
    try {
      await page.goto(app!.baseUrl, { waitUntil: 'load', timeout: WAIT });
      await waitFor(page, 'the default demo', `deepQuery(['hg-recording-table', 'table'])?.querySelectorAll('tbody tr').length === 8`, WAIT);
      await setNumber(page, ['hg-synthetic-panel', "input[aria-label='Number of synthetic subjects']"], 3);
      await setNumber(page, ['hg-synthetic-panel', "input[aria-label='Hours per synthetic night']"], 1);
      await (await handle(page, ['#generate'])).click();
      await waitFor(page, 'the small demo', `deepQuery(['hg-recording-table', 'table'])?.querySelectorAll('tbody tr').length === 3`, WAIT);

      await goStep(page, 'split', WAIT);
      await waitFor(page, 'the split table', `!!deepQuery(['#split-table'])`, WAIT);
      const testCount = Number((await text(page, ['#split-table', "tr[data-split='test'] td:nth-child(3)"])).replace(/,/g, ''));
      // Subject 0's first hour: 120 windows (the braindecode crop keeps all of it).
      expect(testCount).toBe(120);

      // Two filters instead of eight: SwiftShader (software WebGPU) trains the full model at a few windows per second.
      await goStep(page, 'model', WAIT);
      await setNumber(page, ['#n-conv-chs'], 2);
      await waitFor(page, 'the smaller model', `deepQuery(['#param-count'])?.dataset.params !== '5227' && !!deepQuery(['#param-count'])`, WAIT);

      await goStep(page, 'train', WAIT);
      expect(await text(page, ['hg-training-step', 'h2'])).toContain('SYNTHETIC');
      // The first hour of these nights has no REM: balanced weights are impossible, and the step says so.
      await waitFor(page, 'the class-weight blocker', `deepQuery(['#start-blocker'])?.textContent.includes('every stage')`, WAIT);
      await (await handle(page, ['#class-weights'])).click();
      await setNumber(page, ['#batch-size'], 32);
      await setNumber(page, ['#epochs'], 2);
      await waitFor(page, 'the start button', `deepQuery(['#start'])?.disabled === false`, WAIT);
      expect(await text(page, ['#data-line'])).toContain('4 steps per epoch at batch 32');
      await (await handle(page, ['#start'])).click();

      await waitFor(page, 'the first step', `Number(deepQuery(['#train-status'])?.dataset.step) >= 1`, TRAIN_WAIT);
      expect(await text(page, ['#device-line'])).toContain('Training on WebGPU in a worker');
      await waitFor(page, 'the GPU memory counter', `Number(deepQuery(['#stat-gpu'])?.dataset.bytes) > 0`, WAIT);

      // Pause: the step counter holds still; resume: it moves on.
      await (await handle(page, ['#pause'])).click();
      await waitFor(page, 'the pause', `deepQuery(['#train-status'])?.dataset.phase === 'paused'`, TRAIN_WAIT);
      const pausedAt = `${await status(page, 'epoch')}.${await status(page, 'step')}`;
      await shot(page, 'train-1-paused');
      await new Promise((r) => setTimeout(r, 1500));
      expect(`${await status(page, 'epoch')}.${await status(page, 'step')}`).toBe(pausedAt);
      expect(await status(page, 'phase')).toBe('paused');
      await (await handle(page, ['#pause'])).click();
      await waitFor(page, 'the run to go on', `deepQuery(['#train-status'])?.dataset.phase === 'running' && \`\${deepQuery(['#train-status']).dataset.epoch}.\${deepQuery(['#train-status']).dataset.step}\` !== ${JSON.stringify(pausedAt)}`, TRAIN_WAIT);

      // After the first epoch's checkpoint, leave the page mid-run.
      await waitFor(page, 'the first checkpoint', `deepQuery(['hg-training-step', '.log'])?.textContent.includes('epoch 1: checkpoint saved')`, TRAIN_WAIT);
      await waitFor(page, 'the first epoch on the curves', `(deepQuery(['#curve-loss', "path[data-series='valid']"])?.getAttribute('d') ?? '').startsWith('M')`, WAIT);
      await shot(page, 'train-2-epoch1');
      await page.reload({ waitUntil: 'load', timeout: WAIT });
      await waitFor(page, 'the resume offer', `!!deepQuery(['#resume-saved'])`, WAIT);
      expect(await text(page, ['#resume-offer'])).toContain('1 of 2 epochs done');
      expect(await text(page, ['#resume-saved'])).toContain('Resume from epoch 2');
      await shot(page, 'train-3-resume-offer');
      await (await handle(page, ['#resume-saved'])).click();
      await waitFor(page, 'the resumed run', `deepQuery(['#train-status'])?.textContent.includes('Resumed at epoch 2')`, TRAIN_WAIT);
      await waitFor(page, 'the end of training', `deepQuery(['#train-status'])?.dataset.phase === 'finished'`, TRAIN_WAIT);
      expect(await status(page, 'epochs-done')).toBe('2');

      // Two epochs: two points per epoch curve, and one per step read back in epoch 2.
      const d = (series: string, chart = '#curve-loss') => attr(page, [chart, `path[data-series='${series}']`], 'd');
      const points = (path: string | null) => (path ?? '').match(/[ML][\d.]+,[\d.]+/g) ?? [];
      expect(points(await d('train'))).toHaveLength(2);
      expect(points(await d('valid'))).toHaveLength(2);
      expect(points(await d('valid', '#curve-bacc'))).toHaveLength(2);
      expect(points(await d('valid', '#curve-kappa'))).toHaveLength(2);
      expect(points(await d('train (step)')).length).toBeGreaterThanOrEqual(2);
      await shot(page, 'train-4-finished');

      await goStep(page, 'evaluate', WAIT);
      await waitFor(page, 'the confusion matrix', `!!deepQuery(['#confusion-counts', 'rect'])`, WAIT);
      expect(await text(page, ['hg-evaluation-step', 'h2'])).toContain('SYNTHETIC');
      const cells = await inPage<string[]>(page, `[...deepQuery(['#confusion-counts']).shadowRoot.querySelectorAll('rect title')].map((t) => t.textContent)`);
      expect(cells).toHaveLength(25);
      expect(cells.reduce((a, c) => a + Number(c.split(': ')[1]), 0)).toBe(testCount);
      const rowSums = await inPage<string[]>(page, `[...deepQuery(['#confusion-normalised']).shadowRoot.querySelectorAll('rect title')].map((t) => t.textContent)`);
      // Row-normalised: every row with windows sums to 1 (rows of absent stages are 0).
      for (let r = 0; r < 5; r++) {
        const s = rowSums.slice(r * 5, r * 5 + 5).reduce((a, c) => a + Number(c.split(': ')[1]), 0);
        expect([0, 1].some((v) => Math.abs(s - v) < 0.011)).toBe(true);
      }
      expect(await attr(page, ['#evaluated-model'], 'data-model')).toMatch(/^(best|last)$/);
      const truePath = (await attr(page, ['#hypnogram', '#hypnogram-true'], 'd')) ?? '';
      // Each window is a flat segment: a move or line to its start, then a line to its end.
      expect(truePath.match(/L/g)!.length).toBeGreaterThanOrEqual(testCount);
      expect((await attr(page, ['#hypnogram', '#hypnogram-pred'], 'd')) ?? '').toMatch(/^M/);

      const csv = await inPage<string>(page, `fetch(deepQuery(['#download-csv']).href).then((r) => r.text())`);
      const lines = csv.trim().split('\n');
      expect(lines[0]).toBe('recording,window,onset_s,true,predicted,p_W,p_N1,p_N2,p_N3,p_REM');
      expect(lines).toHaveLength(testCount + 1);
      const row = lines[1].split(',');
      expect(row[0]).toMatch(/^SC4001E0-PSG\.edf$/);
      expect(row.slice(5).reduce((a, p) => a + Number(p), 0)).toBeCloseTo(1, 4);
      const header = await inPage<string>(page, `fetch(deepQuery(['#download-weights']).href).then((r) => r.arrayBuffer()).then((b) => { const n = Number(new DataView(b).getBigUint64(0, true)); return new TextDecoder().decode(new Uint8Array(b, 8, n)); })`);
      const meta = JSON.parse(header) as Record<string, { shape?: number[] }>;
      expect(meta['fc.1.weight']?.shape?.[0]).toBe(5);
      await shot(page, 'eval-1-results');

      // Stop: a new run stopped in its first epoch ends without a test pass, and with no checkpoint there is nothing to resume.
      await goStep(page, 'train', WAIT);
      await (await handle(page, ['#start'])).click();
      await waitFor(page, 'the new run', `deepQuery(['#train-status'])?.dataset.phase === 'running'`, TRAIN_WAIT);
      await (await handle(page, ['#stop'])).click();
      await waitFor(page, 'the stop', `deepQuery(['#train-status'])?.dataset.phase === 'stopped'`, TRAIN_WAIT);
      expect(await text(page, ['#train-status'])).toContain('stopped by you during epoch 1');
      expect(await inPage<boolean>(page, `!!deepQuery(['#resume-offer'])`)).toBe(false);
      expect(errors).toEqual([]);
      expect(foreign(requests)).toEqual([]);
    } finally {
      await page.close();
    }
  }, 400_000);
});
