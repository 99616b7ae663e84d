/** Access to the shipped Sleep-EDF scorings and catalog (see README.md for attribution). */
import { SLEEP_CASSETTE_SCORINGS_RLE } from './scorings.ts';

export { AGE_RECORDS_CSV } from './ageRecords.ts';

/** Expands "W3 12" to "WWW11". */
export function expandRunLength(rle: string): string {
  let out = '';
  for (const run of rle.split(' ')) {
    const count = Number(run.slice(1));
    if (!Number.isInteger(count) || count <= 0) throw new Error(`scoring run '${run}': bad length`);
    out += run[0].repeat(count);
  }
  return out;
}

/** PSG file names (e.g. SC4001E0-PSG.edf) that have a shipped expert scoring. */
export function scoredPsgFiles(): string[] {
  return Object.keys(SLEEP_CASSETTE_SCORINGS_RLE).sort();
}

/**
 * The expert scoring of a PSG file, one character per 30-s epoch (W 1 2 3 4 R ?), or undefined
 * when it is not shipped.
 */
export function scoringOf(psgFile: string): string | undefined {
  const rle = SLEEP_CASSETTE_SCORINGS_RLE[psgFile];
  return rle === undefined ? undefined : expandRunLength(rle);
}
