/** Loading helpers for tests/fixtures/mne (made by tests/fixtures/scripts/make_mne_fixtures.py). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sleepEdfPath } from '../helpers/data.ts';

export const fixturePath = (name: string) => fileURLToPath(new URL(`../fixtures/mne/${name}`, import.meta.url));
/** `sharedPath('sleep-edf/edf/x.edf')`: the repository's copy of the shared Sleep-EDF material. */
export function sharedPath(rel: string): string {
  if (!rel.startsWith('sleep-edf/')) throw new Error(`sharedPath: only the repository's Sleep-EDF copy is reachable (got ${rel})`);
  return sleepEdfPath(rel.slice('sleep-edf/'.length));
}

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as T;
}

export function decodeF32(b64: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  const out = new Float32Array(buf.length / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
