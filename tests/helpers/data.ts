/**
 * Where the tests find real data. The Sleep-EDF material the suites need lives in the repository
 * (tests/fixtures/sleep-edf, ODC-By, attribution in its README) so a fresh clone tests itself.
 * The third-party EDF corpus has other licenses and stays outside: a folder named by
 * HYPNOGRAD_EDF_CORPUS, and nothing else (no guessed path beside the checkout).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** tests/fixtures/sleep-edf/ (with a trailing slash). */
export const SLEEP_EDF_ROOT = fileURLToPath(new URL('../fixtures/sleep-edf/', import.meta.url));

/** A path inside the repository's Sleep-EDF copy, e.g. `sleepEdfPath('edf/short_psg.edf')`. */
export function sleepEdfPath(relative: string): string {
  return SLEEP_EDF_ROOT + relative;
}

export const CORPUS_ENV = 'HYPNOGRAD_EDF_CORPUS';

/**
 * The external corpus folder (with a trailing slash), or null when the variable is unset. A
 * variable that names something other than a corpus folder is a mistake to report, not to skip.
 */
export function edfCorpusDir(): string | null {
  const value = process.env[CORPUS_ENV];
  if (!value) return null;
  const dir = isAbsolute(value) ? value : resolve(process.cwd(), value);
  if (!existsSync(resolve(dir, 'expected.json'))) {
    throw new Error(`${CORPUS_ENV}=${value}: no expected.json there; point it at the edf-corpus folder (the one holding expected.json and the .edf files)`);
  }
  return dir.endsWith('/') ? dir : `${dir}/`;
}
