/**
 * The sleep-cassette catalog: which recordings exist, their PSG and hypnogram file names and
 * SHA-1s. Parsed from PhysioNet's age_records.csv (shipped in sleep/data) so the browser can use it.
 */
import { AGE_RECORDS_CSV } from '../data/index.ts';

export interface CatalogFile {
  file: string;
  sha1: string;
}

export interface CatalogRecording {
  subject: number;
  night: number;
  age: number;
  sex: string;
  /** hh:mm:ss as in the catalog. */
  lightsOff: string;
  psg: CatalogFile;
  hypnogram: CatalogFile;
}

const HEADER = 'subject,night,record type,age,sex,lights off,sha,fname';

/** Parses age_records.csv text; `source` names the file in errors. */
export function parseAgeRecords(csv: string, source = 'age_records.csv'): CatalogRecording[] {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== HEADER) {
    throw new Error(`${source}: header is '${lines[0] ?? ''}', expected '${HEADER}'`);
  }
  const byKey = new Map<string, Partial<CatalogRecording> & { subject: number; night: number }>();
  for (let i = 1; i < lines.length; i++) {
    const where = `${source} line ${i + 1}`;
    const cols = lines[i].split(',');
    if (cols.length !== 8) throw new Error(`${where}: ${cols.length} columns, expected 8`);
    const [subjectText, nightText, type, ageText, sex, lightsOff, sha1, file] = cols.map((c) => c.trim());
    const subject = Number(subjectText);
    const night = Number(nightText);
    const age = Number(ageText);
    if (!Number.isInteger(subject) || subject < 0) throw new Error(`${where}: subject '${subjectText}'`);
    if (!Number.isInteger(night) || night < 1) throw new Error(`${where}: night '${nightText}'`);
    if (!Number.isFinite(age)) throw new Error(`${where}: age '${ageText}'`);
    if (!/^[0-9a-f]{40}$/.test(sha1)) throw new Error(`${where}: sha '${sha1}' is not a SHA-1`);
    if (!/^[A-Za-z0-9-]+\.edf$/.test(file)) throw new Error(`${where}: fname '${file}'`);
    const key = `${subject}/${night}`;
    const entry = byKey.get(key) ?? { subject, night, age, sex, lightsOff };
    if (type === 'PSG') {
      if (entry.psg) throw new Error(`${where}: second PSG for subject ${subject} night ${night}`);
      entry.psg = { file, sha1 };
    } else if (type === 'Hypnogram') {
      if (entry.hypnogram) throw new Error(`${where}: second hypnogram for subject ${subject} night ${night}`);
      entry.hypnogram = { file, sha1 };
    } else {
      throw new Error(`${where}: record type '${type}', expected PSG or Hypnogram`);
    }
    byKey.set(key, entry);
  }
  const out: CatalogRecording[] = [];
  for (const entry of byKey.values()) {
    if (!entry.psg || !entry.hypnogram) {
      throw new Error(`${source}: subject ${entry.subject} night ${entry.night} lacks its ${entry.psg ? 'hypnogram' : 'PSG'}`);
    }
    out.push(entry as CatalogRecording);
  }
  return out.sort((a, b) => a.subject - b.subject || a.night - b.night);
}

/** Parses a SHA1SUMS file ("<sha1>  <name>" per line) into name -> sha1. */
export function parseSha1Sums(text: string, source = 'SHA1SUMS'): Map<string, string> {
  const out = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const m = /^([0-9a-f]{40}) [ *]?(.+)$/.exec(line.trim());
    if (!m) throw new Error(`${source} line ${i + 1}: expected '<sha1>  <file name>'`);
    out.set(m[2].trim().replace(/^.*\//, ''), m[1]);
  });
  return out;
}

let shipped: CatalogRecording[] | undefined;

/** The shipped sleep-cassette catalog (153 recordings of 78 subjects). */
export function sleepCassetteCatalog(): CatalogRecording[] {
  shipped ??= parseAgeRecords(AGE_RECORDS_CSV, 'sleep/data/age_records.csv');
  return shipped;
}

export interface Selection {
  recordings: CatalogRecording[];
  /** Requested subject/night pairs that the catalog lacks, e.g. "subject 13 night 2". */
  unavailable: string[];
}

/** Recordings for the given subjects and nights, in subject then night order. */
export function selectRecordings(
  subjects: readonly number[],
  nights: readonly number[],
  catalog: readonly CatalogRecording[] = sleepCassetteCatalog(),
): Selection {
  const recordings: CatalogRecording[] = [];
  const unavailable: string[] = [];
  for (const subject of subjects) {
    for (const night of nights) {
      const rec = catalog.find((r) => r.subject === subject && r.night === night);
      if (rec) recordings.push(rec);
      else unavailable.push(`subject ${subject} night ${night}`);
    }
  }
  return { recordings, unavailable };
}

/** Parses "0-4,7,9-10" into [0,1,2,3,4,7,9,10]; `what` names the option in errors. */
export function parseIntegerList(text: string, what: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new Error(`${what}: '${part}' is not a number or a range like 0-19`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new Error(`${what}: range '${part}' runs backwards`);
    for (let i = lo; i <= hi; i++) if (!out.includes(i)) out.push(i);
  }
  return out;
}
