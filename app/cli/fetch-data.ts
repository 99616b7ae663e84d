/**
 * npm run fetch-data -- --subjects 0-29 --recording 1 [--dir DIR] [--base-url URL] [--catalog CSV]
 *
 * Downloads Sleep-EDF sleep-cassette PSG and hypnogram files from PhysioNet into MNE's cache
 * folder (~/mne_data/physionet-sleep-data by default), resuming partial files and checking each
 * SHA-1 against the catalog. Exits non-zero when any file failed.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from './args.ts';
import {
  PHYSIONET_SLEEP_CASSETTE_URL,
  fetchRecordings,
  parseAgeRecords,
  parseIntegerList,
  selectRecordings,
  sleepCassetteCatalog,
  type DownloadEvent,
} from '../../sleep/physionet/index.ts';
import { NodeFileStore, mneSleepDataDir } from '../../sleep/physionet/nodeStore.ts';

const USAGE = `usage: npm run fetch-data -- --subjects 0-29 [--recording 1[,2]] [--dir DIR] [--base-url URL] [--catalog age_records.csv]
  --subjects   subjects, e.g. 0-29 or 0,3,5-9
  --recording  nights, 1 and/or 2 (default 1)
  --dir        folder the files go in (default: MNE's, $PHYSIONET_SLEEP_PATH or $MNE_DATA or ~/mne_data, + /physionet-sleep-data)
  --base-url   folder URL (default ${PHYSIONET_SLEEP_CASSETTE_URL})
  --catalog    another age_records.csv (default: the shipped copy)`;

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

async function main(): Promise<number> {
  let args: Map<string, string>;
  try {
    args = parseArgs(process.argv.slice(2), { subjects: 'value', recording: 'value', dir: 'value', 'base-url': 'value', catalog: 'value', help: 'flag' });
    if (args.has('help')) {
      console.log(USAGE);
      return 0;
    }
    if (!args.has('subjects')) throw new Error('--subjects is required');
  } catch (err) {
    console.error(`fetch-data: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const subjects = parseIntegerList(args.get('subjects')!, '--subjects');
  const nights = parseIntegerList(args.get('recording') ?? '1', '--recording');
  const catalogPath = args.get('catalog');
  const catalog = catalogPath ? parseAgeRecords(readFileSync(catalogPath, 'utf8'), catalogPath) : sleepCassetteCatalog();
  const { recordings, unavailable } = selectRecordings(subjects, nights, catalog);
  const dir = args.get('dir') ?? mneSleepDataDir();
  const baseUrl = args.get('base-url') ?? PHYSIONET_SLEEP_CASSETTE_URL;
  for (const what of unavailable) console.warn(`not in the sleep-cassette catalog, skipped: ${what}`);
  console.log(`fetching ${recordings.length} recordings (${recordings.length * 2} files) from ${baseUrl} into ${dir}`);

  const interactive = process.stdout.isTTY === true;
  let lastPrint = 0;
  const onEvent = (e: DownloadEvent) => {
    switch (e.type) {
      case 'present':
        console.log(`  ${e.file}: already present, SHA-1 ok`);
        break;
      case 'start':
        console.log(`  ${e.file}: ${e.resumeFrom > 0 ? `resuming at ${mib(e.resumeFrom)} MiB` : 'downloading'}${e.totalBytes ? ` (${mib(e.totalBytes)} MiB)` : ''}`);
        break;
      case 'progress': {
        const now = Date.now();
        if (interactive && now - lastPrint > 250) {
          lastPrint = now;
          const pct = e.totalBytes ? ` ${((100 * e.bytes) / e.totalBytes).toFixed(0)}%` : '';
          process.stdout.write(`\r    ${mib(e.bytes)} MiB${pct}   `);
        }
        break;
      }
      case 'done':
        if (interactive) process.stdout.write('\r');
        console.log(`  ${e.file}: done, ${mib(e.bytes)} MiB, SHA-1 ok`);
        break;
      case 'note':
        console.log(`  ${e.file}: ${e.message}`);
        break;
      case 'failed':
        if (interactive) process.stdout.write('\r');
        console.error(`  ${e.file}: FAILED: ${e.reason}`);
        break;
    }
  };
  const summary = await fetchRecordings(recordings, { store: new NodeFileStore(dir), baseUrl, onEvent });
  console.log(
    `summary: ${summary.complete.length} of ${recordings.length} recordings complete; ${summary.downloaded.length} files downloaded, ${summary.present.length} already present, ${summary.failures.length} failed`,
  );
  for (const f of summary.failures) console.log(`  failed: ${f.file}: ${f.reason}`);
  return summary.failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`fetch-data: ${(err as Error).message}`);
    process.exit(2);
  },
);
