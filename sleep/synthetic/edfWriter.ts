/**
 * Writes EDF and EDF+ files (Kemp et al. 1992, 2003): the header fields as fixed-width ASCII, data
 * records of little-endian int16 samples. Used for synthetic recordings; browser-safe.
 */
import type { Annotation } from '../types.ts';

export interface EdfSignalSpec {
  label: string;
  transducer: string;
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  prefiltering: string;
  samplesPerRecord: number;
}

export interface EdfFileSpec {
  patientId: string;
  recordingId: string;
  /** Start of the recording; its UTC fields are written. */
  start: Date;
  /** '' for plain EDF, 'EDF+C' for continuous EDF+. */
  reserved: '' | 'EDF+C';
  numRecords: number;
  recordDuration: number;
  signals: EdfSignalSpec[];
}

function field(value: string | number, width: number, name: string): string {
  const text = String(value);
  if (text.length > width) throw new Error(`EDF header field ${name}: '${text}' is longer than ${width} characters`);
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`EDF header field ${name}: '${text}' is not printable ASCII`);
  return text.padEnd(width, ' ');
}

const two = (n: number) => String(n).padStart(2, '0');

/** The 256 + 256 * ns header bytes. */
export function edfHeaderBytes(spec: EdfFileSpec): Uint8Array {
  const ns = spec.signals.length;
  const s = spec.start;
  let h = '';
  h += field('0', 8, 'version');
  h += field(spec.patientId, 80, 'patient');
  h += field(spec.recordingId, 80, 'recording');
  h += field(`${two(s.getUTCDate())}.${two(s.getUTCMonth() + 1)}.${two(s.getUTCFullYear() % 100)}`, 8, 'startdate');
  h += field(`${two(s.getUTCHours())}.${two(s.getUTCMinutes())}.${two(s.getUTCSeconds())}`, 8, 'starttime');
  h += field(256 * (ns + 1), 8, 'header bytes');
  h += field(spec.reserved, 44, 'reserved');
  h += field(spec.numRecords, 8, 'number of records');
  h += field(spec.recordDuration, 8, 'record duration');
  h += field(ns, 4, 'number of signals');
  const each = (width: number, name: string, get: (sig: EdfSignalSpec) => string | number) => {
    for (const sig of spec.signals) h += field(get(sig), width, `${name} of '${sig.label}'`);
  };
  each(16, 'label', (x) => x.label);
  each(80, 'transducer', (x) => x.transducer);
  each(8, 'physical dimension', (x) => x.physicalDimension);
  each(8, 'physical minimum', (x) => x.physicalMin);
  each(8, 'physical maximum', (x) => x.physicalMax);
  each(8, 'digital minimum', (x) => x.digitalMin);
  each(8, 'digital maximum', (x) => x.digitalMax);
  each(80, 'prefiltering', (x) => x.prefiltering);
  each(8, 'samples per record', (x) => x.samplesPerRecord);
  each(32, 'signal reserved', () => '');
  const bytes = new Uint8Array(h.length);
  for (let i = 0; i < h.length; i++) bytes[i] = h.charCodeAt(i);
  return bytes;
}

/** Physical value -> digital sample, rounded and clipped to the digital range (as recorders clip). */
export function physicalToDigital(values: Float32Array, sig: EdfSignalSpec): Int16Array {
  const out = new Int16Array(values.length);
  const scale = (sig.digitalMax - sig.digitalMin) / (sig.physicalMax - sig.physicalMin);
  const { digitalMin, digitalMax, physicalMin } = sig;
  const offset = digitalMin - physicalMin * scale + 0.5;
  for (let i = 0; i < values.length; i++) {
    // floor(x + 0.5) is Math.round; clipping first keeps it in int32 range for the fast path.
    let d = values[i] * scale + offset;
    if (d < digitalMin) d = digitalMin;
    else if (d > digitalMax + 0.5) d = digitalMax;
    out[i] = Math.floor(d);
  }
  return out;
}

/** Digital sample -> physical value, the inverse map every EDF reader applies. */
export function digitalToPhysical(digital: Int16Array, sig: EdfSignalSpec): Float32Array {
  const out = new Float32Array(digital.length);
  const gain = (sig.physicalMax - sig.physicalMin) / (sig.digitalMax - sig.digitalMin);
  for (let i = 0; i < digital.length; i++) out[i] = (digital[i] - sig.digitalMin) * gain + sig.physicalMin;
  return out;
}

/** A whole EDF file; `digital[i]` holds numRecords * samplesPerRecord samples of signal i. */
export function writeEdf(spec: EdfFileSpec, digital: Int16Array[]): Uint8Array {
  const header = edfHeaderBytes(spec);
  const recordSamples = spec.signals.reduce((n, s) => n + s.samplesPerRecord, 0);
  spec.signals.forEach((sig, i) => {
    const expected = spec.numRecords * sig.samplesPerRecord;
    if (digital[i]?.length !== expected) {
      throw new Error(`EDF signal '${sig.label}': ${digital[i]?.length ?? 0} samples, expected ${expected}`);
    }
  });
  const out = new Uint8Array(header.length + 2 * recordSamples * spec.numRecords);
  out.set(header, 0);
  // EDF is little-endian; so is every platform a browser runs on, but check rather than assume.
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const view = new DataView(out.buffer);
  const samples = littleEndian ? new Int16Array(out.buffer, header.length) : undefined;
  let pos = 0;
  for (let r = 0; r < spec.numRecords; r++) {
    for (let i = 0; i < spec.signals.length; i++) {
      const n = spec.signals[i].samplesPerRecord;
      const src = digital[i];
      if (samples) {
        samples.set(src.subarray(r * n, (r + 1) * n), pos);
        pos += n;
      } else {
        for (let k = r * n, end = k + n; k < end; k++, pos++) view.setInt16(header.length + 2 * pos, src[k], true);
      }
    }
  }
  return out;
}

function formatSeconds(x: number): string {
  // TAL numbers: no exponent, no trailing zeros.
  return Number.isInteger(x) ? String(x) : x.toFixed(6).replace(/0+$/, '');
}

/**
 * An EDF+C annotation-only file in the layout of the sleep-cassette hypnograms: one data record of
 * duration 0 holding one 'EDF Annotations' signal, the time-keeping TAL '+0' and then one TAL per
 * annotation '+onset<21>duration<20>description<20><0>'.
 */
export function writeAnnotationsEdf(
  spec: Pick<EdfFileSpec, 'patientId' | 'recordingId' | 'start'>,
  annotations: Annotation[],
  /** Zero-padded size of the record in 2-byte samples (PhysioNet's files have slack). */
  samplesPerRecord?: number,
): Uint8Array {
  let tals = '+0\x14\x14\x00';
  for (const a of annotations) {
    const onset = a.onset >= 0 ? `+${formatSeconds(a.onset)}` : `-${formatSeconds(-a.onset)}`;
    tals += `${onset}\x15${formatSeconds(a.duration)}\x14${a.description}\x14\x00`;
  }
  const samples = Math.ceil(tals.length / 2);
  if (samplesPerRecord !== undefined && samplesPerRecord < samples) {
    throw new Error(`annotations need ${samples} samples per record, more than the ${samplesPerRecord} asked for`);
  }
  const header = edfHeaderBytes({
    ...spec,
    reserved: 'EDF+C',
    numRecords: 1,
    recordDuration: 0,
    signals: [
      { label: 'EDF Annotations', transducer: '', physicalDimension: '', physicalMin: 0, physicalMax: 1, digitalMin: -32768, digitalMax: 32767, prefiltering: '', samplesPerRecord: samplesPerRecord ?? samples },
    ],
  });
  const out = new Uint8Array(header.length + 2 * (samplesPerRecord ?? samples));
  out.set(header, 0);
  for (let i = 0; i < tals.length; i++) {
    const c = tals.charCodeAt(i);
    if (c > 0x7e) throw new Error(`annotation text must be ASCII here: '${tals.slice(Math.max(0, i - 20), i + 1)}'`);
    out[header.length + i] = c;
  }
  return out;
}
