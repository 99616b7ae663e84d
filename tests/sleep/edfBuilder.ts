/**
 * A byte-level EDF/EDF+ builder for format tests: unlike sleep/synthetic/edfWriter.ts (which
 * writes what the product needs: continuous files, integer rates), it writes whatever a test
 * asks for, EDF+D record starts, several annotation signals, odd durations, raw TAL bytes and
 * raw header text, so the reader can be tested on the features real writers use without
 * shipping their files (tests/sleep/edf-corpus.test.ts runs those where they are available).
 */

export interface BuiltSignal {
  label: string;
  samplesPerRecord: number;
  physicalMin?: number;
  physicalMax?: number;
  digitalMin?: number;
  digitalMax?: number;
  unit?: string;
}

export interface BuiltEdf {
  /** '0' for EDF; a BDF file starts with 0xFF "BIOSEMI" instead (see `bdf`). */
  version?: string;
  startDate?: string;
  startTime?: string;
  reserved?: string;
  /** As written; defaults to records.length. */
  numRecordsField?: string;
  recordDuration: string;
  signals: BuiltSignal[];
  /**
   * Per record, per signal: int16 samples for an ordinary signal, or the annotation bytes
   * (TALs as a Latin-1 string or raw bytes), zero padded to the signal's width.
   */
  records: (Int16Array | string | Uint8Array)[][];
  /** Bytes appended after the last record. */
  trailing?: Uint8Array;
}

const ANNOTATIONS = 'EDF Annotations';

function pad(text: string, width: number): string {
  if (text.length > width) throw new Error(`"${text}" is wider than ${width}`);
  return text.padEnd(width, ' ');
}

/** A TAL: `+onset[\x15duration]\x14text\x14...\x00`; a record's time-keeping TAL is tal(start, null, ['']). */
export function tal(onset: string, duration: string | null, texts: string[]): string {
  return `${onset}${duration === null ? '' : `\x15${duration}`}\x14${texts.map((t) => `${t}\x14`).join('')}\x00`;
}

export function buildEdf(spec: BuiltEdf): Uint8Array {
  const ns = spec.signals.length;
  const field = (get: (s: BuiltSignal) => string, width: number) => spec.signals.map((s) => pad(get(s), width)).join('');
  const isAnn = (s: BuiltSignal) => s.label === ANNOTATIONS;
  const header =
    pad(spec.version ?? '0', 8) +
    pad('X X X X', 80) +
    pad('Startdate X X X X', 80) +
    pad(spec.startDate ?? '01.02.03', 8) +
    pad(spec.startTime ?? '04.05.06', 8) +
    pad(String(256 * (ns + 1)), 8) +
    pad(spec.reserved ?? '', 44) +
    pad(spec.numRecordsField ?? String(spec.records.length), 8) +
    pad(spec.recordDuration, 8) +
    pad(String(ns), 4) +
    field((s) => s.label, 16) +
    field(() => '', 80) +
    field((s) => s.unit ?? (isAnn(s) ? '' : 'uV'), 8) +
    field((s) => String(s.physicalMin ?? (isAnn(s) ? -1 : -100)), 8) +
    field((s) => String(s.physicalMax ?? (isAnn(s) ? 1 : 100)), 8) +
    field((s) => String(s.digitalMin ?? -32768), 8) +
    field((s) => String(s.digitalMax ?? 32767), 8) +
    field(() => '', 80) +
    field((s) => String(s.samplesPerRecord), 8) +
    field(() => '', 32);
  const recordBytes = spec.signals.reduce((n, s) => n + 2 * s.samplesPerRecord, 0);
  const out = new Uint8Array(header.length + spec.records.length * recordBytes + (spec.trailing?.length ?? 0));
  for (let i = 0; i < header.length; i++) out[i] = header.charCodeAt(i);
  let p = header.length;
  for (const record of spec.records) {
    spec.signals.forEach((s, i) => {
      const width = 2 * s.samplesPerRecord;
      const value = record[i];
      if (value instanceof Int16Array) {
        if (value.length !== s.samplesPerRecord) throw new Error(`signal ${s.label}: ${value.length} samples, not ${s.samplesPerRecord}`);
        out.set(new Uint8Array(value.buffer, value.byteOffset, width), p);
      } else {
        const bytes = typeof value === 'string' ? Uint8Array.from(value, (c) => c.charCodeAt(0)) : value;
        if (bytes.length > width) throw new Error(`signal ${s.label}: ${bytes.length} annotation bytes do not fit in ${width}`);
        out.set(bytes, p);
      }
      p += width;
    });
  }
  if (spec.trailing) out.set(spec.trailing, p);
  return out;
}

/** `n` int16 samples, value(i) for i = 0..n-1. */
export function samples(n: number, value: (i: number) => number): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => value(i));
}
