/**
 * `--backend webgpu`: runs the training job in headless Chromium (Vite dev server on 127.0.0.1,
 * puppeteer with WebGPU enabled and a throwaway profile; app/cli/headless.ts), feeding it
 * the files and keeping its checkpoint and outputs on disk here. The browser and the server are
 * closed by their handles whatever happens.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBrowserHarness } from './headless.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../sleep/train/checkpoint.ts';
import type { TrainEvent } from '../../sleep/train/events.ts';
import { NodeCheckpointStore } from '../../sleep/train/nodeCheckpointStore.ts';
import { reportToJson } from '../../sleep/train/report.ts';
import { discoverPairs, printSummary, progressPrinter, type CliPlan } from './train.ts';
import type { BrowserJobOutcome, BrowserJobSpec } from './trainPage.ts';

export async function runInBrowser(plan: CliPlan, write: (s: string) => void): Promise<number> {
  mkdirSync(plan.out, { recursive: true });
  let spec: BrowserJobSpec;
  let folder: string | null = null;
  const base = {
    subjects: plan.subjects,
    nights: plan.nights,
    hours: plan.hours,
    syntheticSeed: plan.syntheticSeed,
    config: plan.config,
    model: plan.model,
    resume: plan.resume,
    runtime: `Node ${process.version} driving headless Chromium`,
  };
  if (plan.synthetic) {
    spec = { ...base, synthetic: true, pairs: [], skipped: [], sourceDescription: `SYNTHETIC sleep-cassette nights (sleep/synthetic, seed ${plan.syntheticSeed}${plan.hours !== undefined ? `, ${plan.hours} h each` : ''})` };
  } else {
    const found = discoverPairs(plan.dataDir!, plan.subjects, plan.nights);
    folder = found.folder;
    spec = {
      ...base,
      synthetic: false,
      pairs: found.sources.map((s) => ({ psg: s.psg.file, hypnogram: s.hypnogram.file, subject: s.subject, night: s.night })),
      skipped: found.skipped,
      sourceDescription: found.folder,
    };
  }
  const allowed = new Set(spec.pairs.flatMap((p) => [p.psg, p.hypnogram]));
  const store = new NodeCheckpointStore(plan.out);
  write(`starting headless Chromium with WebGPU\n`);
  const h = await startBrowserHarness({ page: '/app/cli/trainPage.html', readyFlag: 'hypnogradTrainReady', timeoutMs: 90_000 });
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) {
      void h.close().finally(() => process.exit(130));
      return;
    }
    write('\nstopping after this step (Ctrl-C again to quit now)\n');
    void h.evaluate(() => (globalThis as unknown as { hypnogradTrain: { stop(): void } }).hypnogradTrain.stop(), 10_000).catch(() => {});
  };
  process.on('SIGINT', onSigint);
  try {
    const printer = progressPrinter(write, process.stdout.isTTY === true);
    let finish!: (o: BrowserJobOutcome) => void;
    const done = new Promise<BrowserJobOutcome>((resolve) => (finish = resolve));
    const p = h.page;
    await p.exposeFunction('hgReadFile', (name: string) => {
      if (!folder || !allowed.has(name)) throw new Error(`the page asked for '${name}', which is not one of the recordings`);
      return readFileSync(join(folder, name)).toString('base64');
    });
    await p.exposeFunction('hgSaveCheckpoint', async (b64: string) => store.save('checkpoint', decodeCheckpoint(new Uint8Array(Buffer.from(b64, 'base64')), store.describe('checkpoint'))));
    await p.exposeFunction('hgLoadCheckpoint', async () => {
      const c = await store.load('checkpoint');
      return c ? Buffer.from(encodeCheckpoint(c)).toString('base64') : null;
    });
    await p.exposeFunction('hgDescribeCheckpoint', () => store.describe('checkpoint'));
    await p.exposeFunction('hgEvent', (e: TrainEvent) => printer(e));
    await p.exposeFunction('hgLog', (line: string) => write(`${line}\n`));
    await p.exposeFunction('hgDone', (o: BrowserJobOutcome) => finish(o));
    const lost = new Promise<BrowserJobOutcome>((resolve) => {
      h.browser.once('disconnected', () => resolve({ ok: false, error: `Chromium exited during training${h.pageErrors.length ? `: ${h.pageErrors.join(' | ')}` : ''}` }));
      p.once('error', (err) => resolve({ ok: false, error: `the page crashed: ${err.message}` }));
    });
    await h.evaluate((s: BrowserJobSpec) => (globalThis as unknown as { hypnogradTrain: { start(s: BrowserJobSpec): void } }).hypnogradTrain.start(s), 30_000, spec);
    const outcome = await Promise.race([done, lost]);
    if (!outcome.ok) {
      write(`train: ${outcome.error}\n`);
      return 1;
    }
    writeFileSync(join(plan.out, 'model.safetensors'), Buffer.from(outcome.weightsBase64, 'base64'));
    writeFileSync(join(plan.out, 'report.json'), reportToJson(outcome.report));
    printSummary(outcome.report, plan.out, write);
    const status = outcome.report.outcome.status;
    return status === 'diverged' ? 1 : status === 'stopped' ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    await h.close();
  }
}
