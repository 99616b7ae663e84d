/**
 * Turns a pile of dropped or downloaded EDF files into recordings: PSG and hypnogram paired by
 * their first 6 characters (SC4001E0-PSG.edf with SC4001EC-Hypnogram.edf). A bad file is listed
 * with its error and skipped; a PSG whose hypnogram is missing, unreadable or refused by the
 * pairing check is still loaded, unlabelled, so it can be viewed.
 */
import { EdfError, readEdf, readPsgWithHypnogram, DEFAULT_EEG_CHANNELS } from '../../sleep/edf/index.ts';
import type { Recording } from '../../sleep/types.ts';
import type { LoadedRecording, LoadIssue } from '../state/types.ts';
import { parseSleepEdfName } from '../state/subjects.ts';

export interface NamedFile {
  name: string;
  load: () => Promise<ArrayBuffer>;
}

export interface ReadFilesResult {
  recordings: LoadedRecording[];
  issues: LoadIssue[];
}

function issueOf(error: unknown, file: string, effect: LoadIssue['effect']): LoadIssue {
  if (error instanceof EdfError) return { file: error.file, field: error.field, reason: error.reason, effect };
  return { file, field: null, reason: error instanceof Error ? error.message : String(error), effect };
}

function isHypnogramName(name: string): boolean {
  return /hypnogram/i.test(name);
}

/** The recording's channels must share one rate for epoching; the EEG pair does. */
export function toLoaded(rec: Recording, hypnogramFile: string | null, subject: number, night: number, synthetic: boolean): LoadedRecording {
  const rates = new Set(rec.channels.map((c) => c.sampleRate));
  if (rates.size !== 1) throw new EdfError(rec.file, 'signals', `picked channels have different sampling rates (${[...rates].join(', ')} Hz)`);
  return {
    id: `${rec.file}#${subject}.${night}`,
    file: rec.file,
    hypnogramFile,
    subject,
    night,
    synthetic,
    sfreq: rec.channels[0].sampleRate,
    channelLabels: rec.channels.map((c) => c.label),
    channelUnits: rec.channels.map((c) => c.unit),
    channels: rec.channels.map((c) => c.data),
    annotations: rec.annotations.filter((a) => a.description.startsWith('Sleep stage') || a.description === 'Movement time'),
    header: { startDate: rec.header.startDate, startTime: rec.header.startTime, patientId: rec.header.patientId, recordingId: rec.header.recordingId },
  };
}

export async function readFiles(files: readonly NamedFile[], onProgress: (done: number, total: number, file: string) => void = () => {}): Promise<ReadFilesResult> {
  const issues: LoadIssue[] = [];
  const recordings: LoadedRecording[] = [];
  const groups = new Map<string, { psg?: NamedFile; hypnogram?: NamedFile }>();
  let fallbackSubject = 0;
  const subjectOf = new Map<string, { subject: number; night: number }>();
  for (const f of files) {
    if (!/\.edf$/i.test(f.name)) {
      issues.push({ file: f.name, field: null, reason: 'not an .edf file', effect: 'skipped' });
      continue;
    }
    const parsed = parseSleepEdfName(f.name);
    const key = parsed?.key ?? f.name;
    if (!subjectOf.has(key)) subjectOf.set(key, parsed ? { subject: parsed.subject, night: parsed.night } : { subject: 100 + fallbackSubject++, night: 1 });
    const group = groups.get(key) ?? {};
    const slot = isHypnogramName(f.name) ? 'hypnogram' : 'psg';
    if (group[slot]) {
      issues.push({ file: f.name, field: null, reason: `a second ${slot === 'psg' ? 'PSG' : 'hypnogram'} for ${key} (keeping ${group[slot]!.name})`, effect: 'skipped' });
      continue;
    }
    group[slot] = f;
    groups.set(key, group);
  }
  let done = 0;
  const total = groups.size;
  for (const [key, group] of groups) {
    const { subject, night } = subjectOf.get(key)!;
    onProgress(done, total, group.psg?.name ?? group.hypnogram!.name);
    if (!group.psg) {
      issues.push({ file: group.hypnogram!.name, field: null, reason: `no PSG file starting with ${key} to pair it with`, effect: 'skipped' });
      done++;
      continue;
    }
    let psgBytes: ArrayBuffer;
    try {
      psgBytes = await group.psg.load();
    } catch (error) {
      issues.push({ file: group.psg.name, field: null, reason: `could not read the file: ${(error as Error).message}`, effect: 'skipped' });
      done++;
      continue;
    }
    let rec: Recording | null = null;
    let hypnogramFile: string | null = null;
    if (group.hypnogram) {
      try {
        const hypBytes = await group.hypnogram.load();
        rec = readPsgWithHypnogram({ file: group.psg.name, bytes: psgBytes }, { file: group.hypnogram.name, bytes: hypBytes }, { channels: DEFAULT_EEG_CHANNELS });
        hypnogramFile = group.hypnogram.name;
      } catch (error) {
        // A refused pair must not lose the PSG: it is read again alone below, unlabelled.
        const issue = issueOf(error, group.hypnogram.name, 'unpaired');
        if (issue.file === group.psg.name) issue.effect = 'skipped';
        issues.push(issue);
        if (issue.effect === 'skipped') {
          done++;
          continue;
        }
      }
    }
    try {
      rec ??= readEdf(psgBytes, group.psg.name, { channels: DEFAULT_EEG_CHANNELS });
      recordings.push(toLoaded(rec, hypnogramFile, subject, night, false));
    } catch (error) {
      issues.push(issueOf(error, group.psg.name, 'skipped'));
    }
    done++;
  }
  onProgress(total, total, '');
  recordings.sort((a, b) => a.subject - b.subject || a.night - b.night);
  return { recordings, issues };
}
