/**
 * npm run synth -- --out DIR --subjects 0-19 --nights 1,2 [--seed N] [--hours H]
 *
 * Writes SYNTHETIC Sleep-EDF nights (PSG + hypnogram EDF files in the real sleep-cassette layout,
 * driven by the real expert scorings) for tests, benchmarks and offline demos. They are not EEG
 * from any person; every file's header says SYNTHETIC.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from './args.ts';
import { parseIntegerList } from '../../sleep/physionet/catalog.ts';
import { nightToFiles, synthesizeNight } from '../../sleep/synthetic/index.ts';

const USAGE = `usage: npm run synth -- --out DIR --subjects 0-19 [--nights 1,2] [--seed N] [--hours H]
  --out       folder for the files (created)
  --subjects  subjects 0-99, e.g. 0-19 or 0,3,5-9 (0-19 use their own expert scorings, others borrow one)
  --nights    1 and/or 2 (default 1,2)
  --seed      generator seed (default 0); same seed, same bytes
  --hours     keep H hours from 30 min before sleep onset (default: the whole night)`;

function main(): number {
  let args: Map<string, string>;
  try {
    args = parseArgs(process.argv.slice(2), { out: 'value', subjects: 'value', nights: 'value', seed: 'value', hours: 'value', help: 'flag' });
    if (args.has('help')) {
      console.log(USAGE);
      return 0;
    }
    if (!args.has('out')) throw new Error('--out is required');
    if (!args.has('subjects')) throw new Error('--subjects is required');
  } catch (err) {
    console.error(`synth: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const out = args.get('out')!;
  const subjects = parseIntegerList(args.get('subjects')!, '--subjects');
  const nights = parseIntegerList(args.get('nights') ?? '1,2', '--nights');
  const seed = Number(args.get('seed') ?? 0);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`--seed: '${args.get('seed')}' is not an integer 0..4294967295`);
  const hoursText = args.get('hours');
  const hours = hoursText === undefined ? undefined : Number(hoursText);
  if (hours !== undefined && !(hours > 0)) throw new Error(`--hours: '${hoursText}' is not a positive number`);

  mkdirSync(out, { recursive: true });
  console.log(`writing SYNTHETIC Sleep-EDF recordings (not real EEG) to ${out}, seed ${seed}`);
  let failures = 0;
  for (const subject of subjects) {
    for (const night of nights) {
      try {
        const t0 = performance.now();
        const synthetic = synthesizeNight({ subject, night, seed, hours });
        const files = nightToFiles(synthetic);
        writeFileSync(join(out, files.psg.file), files.psg.bytes);
        writeFileSync(join(out, files.hypnogram.file), files.hypnogram.bytes);
        const borrowed = synthetic.scoringSource === synthetic.psgFile ? '' : `, scoring borrowed from ${synthetic.scoringSource}`;
        console.log(
          `  SYNTHETIC ${files.psg.file} + ${files.hypnogram.file}: ${files.stages.length} epochs${borrowed} (${((performance.now() - t0) / 1000).toFixed(2)} s)`,
        );
      } catch (err) {
        failures++;
        console.error(`  subject ${subject} night ${night}: FAILED: ${(err as Error).message}`);
      }
    }
  }
  console.log(`done: ${subjects.length * nights.length - failures} synthetic nights written${failures ? `, ${failures} failed` : ''}`);
  return failures > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(`synth: ${(err as Error).message}`);
  process.exitCode = 2;
}
