/** Bounded page helpers for the e2e suites: queries that pierce shadow roots, waits, screenshots. */
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer';
import { repoRoot } from './builtApp.ts';

export const SHOTS = join(repoRoot, 'tests', 'out', 'screenshots');

/** Runs in the page: the first element matching each selector in turn, through shadow roots. */
export function deepQuery(path: string[]): Element | null {
  let root: ParentNode = document;
  let el: Element | null = null;
  for (const sel of path) {
    const search = (r: ParentNode): Element | null => {
      const direct = r.querySelector(sel);
      if (direct) return direct;
      for (const host of r.querySelectorAll('*')) {
        if (host.shadowRoot) {
          const found = search(host.shadowRoot);
          if (found) return found;
        }
      }
      return null;
    };
    el = search(root);
    if (!el) return null;
    root = el.shadowRoot ?? el;
  }
  return el;
}

const withQuery = (body: string) => `(() => { const deepQuery = ${deepQuery.toString()}; return ${body}; })()`;

export async function waitFor(page: Page, what: string, fn: string, timeoutMs: number): Promise<void> {
  try {
    await page.waitForFunction(withQuery(fn), { timeout: timeoutMs, polling: 100 });
  } catch (error) {
    const status = await inPage<string>(page, `deepQuery(['#train-status'])?.textContent ?? ''`).catch(() => '');
    throw new Error(`waiting for ${what}: ${(error as Error).message}${status ? ` (training status: ${status})` : ''}`);
  }
}

export function inPage<T>(page: Page, body: string): Promise<T> {
  return page.evaluate(withQuery(body)) as Promise<T>;
}

export const text = (page: Page, path: string[]) => inPage<string>(page, `deepQuery(${JSON.stringify(path)})?.textContent ?? ''`);
export const attr = (page: Page, path: string[], name: string) => inPage<string | null>(page, `deepQuery(${JSON.stringify(path)})?.getAttribute(${JSON.stringify(name)}) ?? null`);

export async function handle(page: Page, path: string[]): Promise<ElementHandle<Element>> {
  const h = await page.evaluateHandle(withQuery(`deepQuery(${JSON.stringify(path)})`));
  const el = h.asElement();
  if (!el) throw new Error(`no element at ${path.join(' >> ')}`);
  return el as ElementHandle<Element>;
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

export async function goStep(page: Page, id: string, timeoutMs: number): Promise<void> {
  await page.evaluate((h) => (location.hash = h), `#/${id}`);
  await waitFor(page, `step ${id}`, `deepQuery(['main#step'])?.dataset.step === ${JSON.stringify(id)}`, timeoutMs);
}

/** Replaces a number field's text and commits it (change event). */
export async function setNumber(page: Page, path: string[], value: number): Promise<void> {
  const input = await handle(page, path);
  await input.click({ count: 3 });
  await input.type(String(value));
  await page.keyboard.press('Tab');
}
