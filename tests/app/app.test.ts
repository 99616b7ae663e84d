/**
 * End-to-end tests of the BUILT web app (steps 1-6) in headless Chromium: vite build to a temp
 * folder, vite preview on 127.0.0.1 with the PhysioNet proxy pointed at a local stand-in.
 * Screenshots of every visited step go to tests/out/screenshots/.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, ElementHandle, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, withTimeout, type ChromiumSession } from '../../app/cli/headless.ts';
import { buildAndPreview, repoRoot, type BuiltApp } from './builtApp.ts';
import { sleepEdfPath } from '../helpers/data.ts';
import { startPhysionetStandIn, type StandIn } from './standIn.ts';
import { SHOTS, attr, goStep, handle, shot, text, waitFor } from './pageTools.ts';

const SLEEP_EDF = sleepEdfPath('edf');
const WAIT = 30_000;

let app: BuiltApp | null = null;
let standIn: StandIn | null = null;
let browser: Browser | null = null;
let chromium: ChromiumSession | null = null;
let files = '';
let hypnogram: Uint8Array;

/** A fresh page that records every request it makes. */
async function openPage(hash = ''): Promise<{ page: Page; requests: string[] }> {
  const page = await browser!.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  page.setDefaultTimeout(WAIT);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(app!.baseUrl + hash, { waitUntil: 'load', timeout: WAIT });
  return { page, requests };
}

function foreign(requests: string[]): string[] {
  const origin = new URL(app!.baseUrl).origin;
  return requests.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:') && new URL(u).origin !== origin);
}


beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  hypnogram = new Uint8Array(await readFile(join(SLEEP_EDF, 'SC4001EC-Hypnogram.edf')));
  // The PSG stand-in is corrupt: right name, wrong bytes, so its SHA-1 check must fail.
  const corruptPsg = new Uint8Array(4096).map((_, i) => (i * 7) & 255);
  standIn = await startPhysionetStandIn(new Map([['SC4001EC-Hypnogram.edf', hypnogram], ['SC4001E0-PSG.edf', corruptPsg]]));
  app = await withTimeout(buildAndPreview(standIn.url), 90_000, 'building and serving the app');
  files = await mkdtemp(join(tmpdir(), 'hypnograd-app-files-'));
  chromium = await launchChromium({ timeoutMs: WAIT, protocolTimeoutMs: 60_000 });
  browser = chromium.browser;
}, 150_000);

afterAll(async () => {
  await chromium?.close();
  await Promise.allSettled([app?.close(), standIn?.close()]);
  await Promise.allSettled([files && rm(files, { recursive: true, force: true })]);
});

describe('web app, steps 1-6 (built, in Chromium)', () => {
  it('generates the SYNTHETIC demo and walks it through raw signals, filter, epochs, split and model', async () => {
    const { page, requests } = await openPage();
    try {
      await waitFor(page, 'the synthetic recordings table', `deepQuery(['hg-recording-table', 'table'])?.querySelectorAll('tbody tr').length === 8`, WAIT);
      expect(await text(page, ['hg-recording-table', 'h3'])).toContain('SYNTHETIC');
      expect(await text(page, ['header'])).toContain('SYNTHETIC');
      await shot(page, 'synthetic-1-data');

      await goStep(page, 'raw', WAIT);
      await waitFor(page, 'the first page', `deepQuery(['hg-raw-viewer', '#page-title'])?.dataset.pageStart === '0'`, WAIT);
      // SC4001's scoring starts the cropped synthetic night in wake.
      expect(await attr(page, ['hg-raw-viewer', '#page-title'], 'data-stage')).toBe('W');
      expect(await text(page, ['hg-raw-viewer', '#page-title'])).toContain('SYNTHETIC');
      await (await handle(page, ['hg-raw-viewer', '#next-page'])).click();
      await waitFor(page, 'page 2', `deepQuery(['hg-raw-viewer', '#page-title'])?.dataset.pageStart === '30'`, WAIT);
      await (await handle(page, ['hg-raw-viewer', 'canvas.trace'])).focus();
      await page.keyboard.press('ArrowRight');
      await waitFor(page, 'page 3 by key', `deepQuery(['hg-raw-viewer', '#page-title'])?.dataset.pageStart === '60'`, WAIT);
      const overview = await handle(page, ['hg-raw-viewer', 'canvas.overview']);
      const box = (await overview.boundingBox())!;
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      // 2.5 h = 9000 s: the middle is 4500 s.
      await waitFor(page, 'the jump to mid-night', `Math.abs(Number(deepQuery(['hg-raw-viewer', '#page-title'])?.dataset.pageStart) - 4500) <= 30`, WAIT);
      await shot(page, 'synthetic-2-raw');
      await (await handle(page, ['hg-raw-viewer', '#page-length'])).select('1800');
      await waitFor(page, '30-min pages', `deepQuery(['hg-raw-viewer', '#page-title'])?.textContent.includes('–')`, WAIT);
      await shot(page, 'synthetic-3-raw-zoomed-out');

      await goStep(page, 'preprocess', WAIT);
      // MNE low-pass 30 Hz at 100 Hz: transition 7.5 Hz, ceil(3.3 / 7.5 * 100) = 45 taps.
      await waitFor(page, 'the 30-Hz design', `deepQuery(['#filter-summary'])?.dataset.taps === '45'`, WAIT);
      await waitFor(page, 'the spectra', `!!deepQuery(['#psd-after', 'path'])`, WAIT);
      const before = await attr(page, ['#response-chart', 'path'], 'd');
      const hFreq = await handle(page, ['#h-freq']);
      await hFreq.click({ count: 3 });
      await hFreq.type('15');
      await page.keyboard.press('Tab');
      // 15 Hz: transition 3.75 Hz, ceil(3.3 / 3.75 * 100) = 88, made odd: 89 taps.
      await waitFor(page, 'the 15-Hz design', `deepQuery(['#filter-summary'])?.dataset.taps === '89'`, WAIT);
      expect(await attr(page, ['#response-chart', 'path'], 'd')).not.toBe(before);
      await (await handle(page, ['#filter-kind'])).select('bandpass');
      // Band-pass 0.5-15 Hz: the 0.5-Hz edge's 0.5-Hz transition rules: ceil(3.3 / 0.5 * 100) + 1 = 661.
      await waitFor(page, 'the band-pass design', `deepQuery(['#filter-summary'])?.dataset.taps === '661'`, WAIT);
      await waitFor(page, 'the spectra after the change', `!!deepQuery(['#psd-after', 'path'])`, WAIT);
      await shot(page, 'synthetic-4-preprocess');

      await goStep(page, 'epochs', WAIT);
      await waitFor(page, 'the class counts', `!!deepQuery(['#class-counts', 'rect'])`, WAIT);
      expect(await text(page, ['hg-epochs-step', 'h2'])).toContain('SYNTHETIC');
      const countsTitle = await text(page, ['#class-counts', 'text.title']);
      const total = Number(/\(([\d,]+) in all\)/.exec(countsTitle)![1].replace(/,/g, ''));
      // 8 nights of 300 epochs, braindecode crop keeps all of a 2.5-h night that starts 30 min before sleep.
      expect(total).toBeGreaterThan(1500);
      expect(total).toBeLessThanOrEqual(2400);
      await shot(page, 'synthetic-5-epochs');

      await goStep(page, 'split', WAIT);
      await waitFor(page, 'the split table', `!!deepQuery(['#split-table'])`, WAIT);
      expect(await text(page, ['#split-table', "tr[data-split='test']"])).toContain('0-1');
      expect(await text(page, ['#split-table', "tr[data-split='valid']"])).toContain('2-3');
      expect(await text(page, ['#split-table', "tr[data-split='train']"])).toContain('4-7');
      await waitFor(page, 'the class weights', `!!deepQuery(['#class-weights', 'rect'])`, WAIT);
      await shot(page, 'synthetic-6-split');

      await goStep(page, 'model', WAIT);
      // The tutorial's Chambon model on 2 channels at 100 Hz: 5,227 parameters; braindecode's ceil rounding: 4,987.
      await waitFor(page, 'the layer table', `deepQuery(['#param-count'])?.dataset.params === '5227'`, WAIT);
      expect(await text(page, ['#layer-table'])).toContain('Conv2d');
      await (await handle(page, ['#rounding'])).select('braindecode');
      await waitFor(page, 'the braindecode rounding', `deepQuery(['#param-count'])?.dataset.params === '4987'`, WAIT);
      await shot(page, 'synthetic-7-model');
      expect(foreign(requests)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('loads dropped EDF files: shows the real excerpt unlabelled, lists the refused pair and the corrupt file', async () => {
    const psg = await readFile(join(SLEEP_EDF, 'short_psg.edf'));
    // Named as Sleep-EDF names it, so it pairs with the real hypnogram (which the check refuses).
    await writeFile(join(files, 'SC4001E0-PSG.edf'), psg);
    await writeFile(join(files, 'SC4001EC-Hypnogram.edf'), hypnogram);
    const broken = Buffer.from(psg);
    broken.write('abc     ', 236, 'latin1');
    await writeFile(join(files, 'SC4011E0-PSG.edf'), broken);

    const { page, requests } = await openPage();
    try {
      const input = (await handle(page, ['#file-input'])) as ElementHandle<HTMLInputElement>;
      await input.uploadFile(join(files, 'SC4001E0-PSG.edf'), join(files, 'SC4001EC-Hypnogram.edf'), join(files, 'SC4011E0-PSG.edf'));
      await waitFor(page, 'the loaded excerpt', `deepQuery(['hg-recording-table', 'h3'])?.textContent.includes('from your files')`, WAIT);
      const issues = await text(page, ['hg-issue-list', 'ul']);
      expect(issues).toContain('SC4001EC-Hypnogram.edf');
      expect(issues).toContain('annotations');
      expect(issues).toContain('after the PSG SC4001E0-PSG.edf ends at 300 s');
      expect(issues).toContain('SC4011E0-PSG.edf');
      expect(issues).toContain('numRecords');
      const table = await text(page, ['hg-recording-table', '.card']);
      expect(table).toContain('none (unlabelled)');
      expect(table).not.toContain('SYNTHETIC');
      expect(table).not.toContain('SC4011E0');
      await shot(page, 'files-1-data');

      await goStep(page, 'raw', WAIT);
      await waitFor(page, 'the unlabelled first page', `deepQuery(['hg-raw-viewer', '#page-title'])?.dataset.stage === 'unlabelled'`, WAIT);
      expect(await text(page, ['hg-raw-viewer', '#page-title'])).toContain('Epoch 1 of 10');
      await (await handle(page, ['hg-raw-viewer', '#next-page'])).click();
      await waitFor(page, 'page 2', `deepQuery(['hg-raw-viewer', '#page-title'])?.dataset.pageStart === '30'`, WAIT);
      await shot(page, 'files-2-raw');
      expect(foreign(requests)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('downloads through the proxy route, verifies SHA-1 (a corrupt PSG fails), and keeps the good file cached', async () => {
    const { page, requests } = await openPage();
    try {
      const subjects = await handle(page, ['#physionet-subjects']);
      await subjects.click({ count: 3 });
      await subjects.type('0');
      await (await handle(page, ['#download'])).click();
      await waitFor(page, 'the download results', `deepQuery(['#downloads', "tr[data-file='SC4001E0-PSG.edf']"])?.dataset.state === 'failed' && deepQuery(['#downloads', "tr[data-file='SC4001EC-Hypnogram.edf']"])?.dataset.state === 'done'`, WAIT);
      expect(await text(page, ['#downloads', "tr[data-file='SC4001E0-PSG.edf'] + tr.state"])).toContain('SHA-1 mismatch');
      await waitFor(page, 'the issue list', `deepQuery(['hg-issue-list'])?.shadowRoot?.textContent.includes('no PSG file starting with SC4001')`, WAIT);
      await shot(page, 'download-1-checksum');
      expect(standIn!.requests.filter((r) => r === 'SC4001EC-Hypnogram.edf')).toHaveLength(1);
      expect(requests.some((u) => u.includes('/physionet-proxy/SC4001EC-Hypnogram.edf'))).toBe(true);
      expect(foreign(requests)).toEqual([]);

      // After a reload the verified hypnogram comes from browser storage, not the network.
      await page.reload({ waitUntil: 'load', timeout: WAIT });
      const again = await handle(page, ['#physionet-subjects']);
      await again.click({ count: 3 });
      await again.type('0');
      await (await handle(page, ['#download'])).click();
      await waitFor(page, 'the cached hypnogram', `deepQuery(['#downloads', "tr[data-file='SC4001EC-Hypnogram.edf']"])?.dataset.state === 'cached' && deepQuery(['#downloads', "tr[data-file='SC4001E0-PSG.edf']"])?.dataset.state === 'failed'`, WAIT);
      expect(standIn!.requests.filter((r) => r === 'SC4001EC-Hypnogram.edf')).toHaveLength(1);
      await shot(page, 'download-2-cached');
      expect(foreign(requests)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
