/**
 * EDF+ annotation signals: Time-stamped Annotation Lists (TALs) parsed from the raw bytes.
 *
 * A TAL is `+onset[\x15duration]\x14text\x14text\x14...\x00`: the onset has a sign and may be
 * negative, the duration is optional, a TAL may carry several texts (each becomes one
 * Annotation with the same onset and duration) and a text may span lines. The first TAL of
 * the first annotation signal in every data record is the record's time-keeping TAL
 * (`+start\x14\x14`): its onset is when that record starts, which is how EDF+D files place
 * records with gaps between them. Texts are UTF-8, or Latin-1 where a writer put bytes that
 * are not valid UTF-8. Unused bytes after the last TAL of a record are zero.
 */
import type { Annotation, EdfHeader, RecordGap } from '../types.ts';
import { EdfError } from './errors.ts';
import { asBytes, parseEdfHeader, recordBytes } from './header.ts';
import { signalOffsets } from './samples.ts';
import { latin1, utf8OrLatin1 } from './text.ts';

const TAL_END = 0x00;
const TEXT_END = 0x14;
const DURATION_MARK = 0x15;
const ONSET = /^[+-](\d+\.?\d*|\.\d+)$/;
const DURATION = /^(\d+\.?\d*|\.\d+)$/;

/** What the annotation signals of one file say. */
export interface EdfAnnotationReading {
  header: EdfHeader;
  /** Every non-empty text of every TAL in every annotation signal, in file order. */
  annotations: Annotation[];
  /** Start of each data record, seconds from the header's start time. */
  recordStarts: Float64Array;
  /** Where consecutive records are further apart than the record duration. */
  gaps: RecordGap[];
}

interface Tal {
  onset: number;
  duration: number | null;
  texts: string[];
}

/** Parses the TALs in bytes[start, end) (one annotation signal of one record). */
export function parseTals(bytes: Uint8Array, start: number, end: number, file: string, where: string): Tal[] {
  const tals: Tal[] = [];
  const fail = (at: number, reason: string): never => {
    throw new EdfError(file, 'annotations', `${where}, byte ${at - start}: ${reason} (not a valid TAL)`);
  };
  let p = start;
  while (p < end && bytes[p] !== TAL_END) {
    const talStart = p;
    while (p < end && bytes[p] !== TEXT_END && bytes[p] !== DURATION_MARK && bytes[p] !== TAL_END) p++;
    if (p >= end || bytes[p] === TAL_END) fail(talStart, 'onset not followed by 0x14 or 0x15');
    const onsetText = latin1(bytes, talStart, p);
    if (!ONSET.test(onsetText)) fail(talStart, `onset ${JSON.stringify(onsetText)} is not a signed number`);
    let duration: number | null = null;
    if (bytes[p] === DURATION_MARK) {
      const durationStart = ++p;
      while (p < end && bytes[p] !== TEXT_END && bytes[p] !== TAL_END && bytes[p] !== DURATION_MARK) p++;
      if (p >= end || bytes[p] !== TEXT_END) fail(durationStart, 'duration not followed by 0x14');
      const durationText = latin1(bytes, durationStart, p);
      if (!DURATION.test(durationText)) fail(durationStart, `duration ${JSON.stringify(durationText)} is not an unsigned number`);
      duration = Number(durationText);
    }
    p++; // the 0x14 that closes onset/duration
    const texts: string[] = [];
    while (p < end && bytes[p] !== TAL_END) {
      const textStart = p;
      while (p < end && bytes[p] !== TEXT_END && bytes[p] !== TAL_END) p++;
      if (p >= end || bytes[p] !== TEXT_END) fail(textStart, 'text not closed by 0x14');
      texts.push(utf8OrLatin1(bytes, textStart, p));
      p++;
    }
    if (p >= end) fail(talStart, 'TAL not closed by 0x00 before the end of the annotation signal');
    p++; // the 0x00 that closes the TAL
    tals.push({ onset: Number(onsetText), duration, texts });
  }
  return tals;
}

/**
 * Reads the annotations and record timing of any EDF/EDF+ file. Without an annotation signal
 * there are no annotations and record i starts at i x recordDuration. Throws EdfError for text
 * that is not TALs, a record without its time-keeping TAL, and records that overlap.
 */
export function readEdfAnnotations(input: ArrayBuffer | Uint8Array, file: string, header?: EdfHeader): EdfAnnotationReading {
  const bytes = asBytes(input);
  const h = header ?? parseEdfHeader(bytes, file);
  const annotationSignals = h.signals.flatMap((s, i) => (s.isAnnotation ? [i] : []));
  const recordStarts = new Float64Array(h.numRecords);
  const annotations: Annotation[] = [];
  if (annotationSignals.length === 0) {
    for (let r = 0; r < h.numRecords; r++) recordStarts[r] = r * h.recordDuration;
    return { header: h, annotations, recordStarts, gaps: [] };
  }

  const offsets = signalOffsets(h);
  const perRecord = recordBytes(h);
  for (let r = 0; r < h.numRecords; r++) {
    const recordStart = h.headerBytes + r * perRecord;
    annotationSignals.forEach((signal, order) => {
      const start = recordStart + offsets[signal];
      const end = start + 2 * h.signals[signal].samplesPerRecord;
      const where = `record ${r}, signal ${signal}`;
      const tals = parseTals(bytes, start, end, file, where);
      if (order === 0) {
        const keeper = tals[0];
        if (keeper === undefined || keeper.texts.length === 0 || keeper.texts[0] !== '') {
          throw new EdfError(file, 'annotations', `${where}: no time-keeping TAL ("+start\\x14\\x14") at the start of the record`);
        }
        recordStarts[r] = keeper.onset;
      }
      for (const tal of tals) {
        for (const text of tal.texts) {
          if (text === '') continue;
          annotations.push({ onset: tal.onset, duration: tal.duration ?? 0, description: text, hasDuration: tal.duration !== null });
        }
      }
    });
  }
  return { header: h, annotations, recordStarts, gaps: findGaps(h, recordStarts, file) };
}

/**
 * Gaps are reported where the next record starts later than this one ends, by more than half
 * the shortest sample period (anything less cannot move a sample). A record starting before the
 * previous one ends is refused: its samples would overlap in time. Files with record duration 0
 * (annotations only) have no extent per record, hence no gaps.
 */
function findGaps(header: EdfHeader, starts: Float64Array, file: string): RecordGap[] {
  const duration = header.recordDuration;
  if (duration <= 0) return [];
  let shortestPeriod = Infinity;
  for (const s of header.signals) {
    if (!s.isAnnotation && s.samplesPerRecord > 0) shortestPeriod = Math.min(shortestPeriod, duration / s.samplesPerRecord);
  }
  const tolerance = Number.isFinite(shortestPeriod) ? Math.max(1e-6, 0.5 * shortestPeriod) : 1e-6;
  const gaps: RecordGap[] = [];
  for (let r = 1; r < starts.length; r++) {
    const previousEnd = starts[r - 1] + duration;
    if (starts[r] > previousEnd + tolerance) gaps.push({ afterRecord: r - 1, start: previousEnd, end: starts[r] });
    else if (starts[r] < previousEnd - tolerance) {
      throw new EdfError(file, 'annotations', `record ${r} starts at ${starts[r]} s, before record ${r - 1} ends at ${previousEnd} s`);
    }
  }
  return gaps;
}

/**
 * The annotations of an EDF+ file (a Sleep-EDF hypnogram, say): onsets in seconds from the
 * header's start time as written (not shifted by a sub-second first record start, which MNE
 * subtracts). Throws EdfError if the file has no "EDF Annotations" signal or is malformed.
 */
export function readAnnotations(input: ArrayBuffer | Uint8Array, file: string): Annotation[] {
  const bytes = asBytes(input);
  const header = parseEdfHeader(bytes, file);
  if (!header.signals.some((s) => s.isAnnotation)) {
    throw new EdfError(file, 'signals', `no "EDF Annotations" signal; labels are ${header.signals.map((s) => JSON.stringify(s.label)).join(', ')}`);
  }
  if (header.numRecords === 0) throw new EdfError(file, 'numRecords', 'the file holds no data records');
  return readEdfAnnotations(bytes, file, header).annotations;
}
