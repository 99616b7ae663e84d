/**
 * EDF/EDF+ header parsing and validation. Read from the raw bytes rather than through
 * edfdecoder, whose start-date month is off by one and which neither validates fields nor
 * reports which one is wrong.
 */
import type { EdfHeader, EdfSignalHeader } from '../types.ts';
import { EdfError } from './errors.ts';
import { latin1, parseDecimal, parseInteger } from './text.ts';

export const EDF_ANNOTATIONS_LABEL = 'EDF Annotations';
const FIXED_HEADER_BYTES = 256;
const BYTES_PER_SIGNAL_HEADER = 256;
/** EDF samples are 16-bit little-endian two's complement integers. */
export const BYTES_PER_SAMPLE = 2;
const EDF_VERSION = '0       ';
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Per-signal header fields in file order, with their widths in bytes. */
const SIGNAL_FIELDS = [
  ['label', 16],
  ['transducer', 80],
  ['physicalDimension', 8],
  ['physicalMin', 8],
  ['physicalMax', 8],
  ['digitalMin', 8],
  ['digitalMax', 8],
  ['prefiltering', 80],
  ['samplesPerRecord', 8],
  ['reserved', 32],
] as const;

/** Accepts what fetch, FileReader and fs give: an ArrayBuffer, a Uint8Array or a Node Buffer. */
export function asBytes(input: ArrayBuffer | Uint8Array): Uint8Array {
  return input instanceof Uint8Array ? input : new Uint8Array(input);
}

/** Bytes in one data record (all signals). */
export function recordBytes(header: EdfHeader): number {
  let samples = 0;
  for (const s of header.signals) samples += s.samplesPerRecord;
  return samples * BYTES_PER_SAMPLE;
}

/**
 * Parses and validates the header of a whole EDF/EDF+ file (the data size is checked against
 * the header too, so pass the whole file). Throws EdfError naming the file and field for: BDF,
 * a version other than "0       ", non-numeric numeric fields, a header size other than
 * 256 x (signals + 1), a record count of 0 or below -1, a negative record duration, a start
 * date/time not in dd.mm.yy / hh.mm.ss form, unusable digital/physical ranges, and data
 * shorter than records x record size.
 *
 * numRecords -1 ("not yet known", written while recording) is accepted: numRecords becomes the
 * number of whole records in the file, as MNE infers it, and numRecordsWritten keeps -1. That
 * count may be 0 (a header-only file); readers that need samples refuse such a file.
 * Bytes after the last record (one stray byte in some writers' files) are ignored, as MNE does.
 */
export function parseEdfHeader(bytes: Uint8Array, file: string): EdfHeader {
  if (bytes.length < FIXED_HEADER_BYTES) {
    throw new EdfError(file, 'header', `file is ${bytes.length} bytes, shorter than the ${FIXED_HEADER_BYTES}-byte EDF header`);
  }
  const text = (offset: number, width: number) => latin1(bytes, offset, offset + width);

  const version = text(0, 8);
  if (bytes[0] === 0xff && text(1, 7) === 'BIOSEMI') {
    throw new EdfError(file, 'version', 'this is a BDF (BioSemi 24-bit) file; BDF is not supported, only 16-bit EDF and EDF+');
  }
  if (version !== EDF_VERSION) {
    throw new EdfError(file, 'version', `expected "0       " (EDF), found ${JSON.stringify(version)}: not an EDF file`);
  }

  const integer = (offset: number, width: number, field: string): number => {
    const raw = text(offset, width);
    const v = parseInteger(raw);
    if (v === null) throw new EdfError(file, field, `expected an integer, found ${JSON.stringify(raw)}`);
    return v;
  };
  const decimal = (offset: number, width: number, field: string): number => {
    const raw = text(offset, width);
    const v = parseDecimal(raw);
    if (v === null) throw new EdfError(file, field, `expected a number, found ${JSON.stringify(raw)}`);
    return v;
  };

  const patientId = text(8, 80).trimEnd();
  const recordingId = text(88, 80).trimEnd();
  const startDate = text(168, 8);
  const startTime = text(176, 8);
  const headerBytes = integer(184, 8, 'headerBytes');
  const reserved = text(192, 44).trimEnd();
  const numRecordsWritten = integer(236, 8, 'numRecords');
  const recordDuration = decimal(244, 8, 'recordDuration');
  const numSignals = integer(252, 4, 'numSignals');

  if (numSignals < 1) throw new EdfError(file, 'numSignals', `must be at least 1, found ${numSignals}`);
  const expectedHeaderBytes = FIXED_HEADER_BYTES + BYTES_PER_SIGNAL_HEADER * numSignals;
  if (headerBytes !== expectedHeaderBytes) {
    throw new EdfError(file, 'headerBytes', `is ${headerBytes}, but ${numSignals} signals need 256 x (${numSignals} + 1) = ${expectedHeaderBytes}`);
  }
  if (bytes.length < headerBytes) {
    throw new EdfError(file, 'headerBytes', `header is ${headerBytes} bytes but the file ends after ${bytes.length} (truncated)`);
  }
  if (numRecordsWritten === 0 || numRecordsWritten < -1) {
    throw new EdfError(file, 'numRecords', `is ${numRecordsWritten}; a file needs at least one data record (-1 only while recording)`);
  }
  if (recordDuration < 0) throw new EdfError(file, 'recordDuration', `is ${recordDuration} s; it cannot be negative`);
  if (!/^\d\d\.\d\d\.\d\d$/.test(startDate)) {
    throw new EdfError(file, 'startDate', `expected dd.mm.yy, found ${JSON.stringify(startDate)}`);
  }
  if (!/^\d\d\.\d\d\.\d\d$/.test(startTime)) {
    throw new EdfError(file, 'startTime', `expected hh.mm.ss, found ${JSON.stringify(startTime)}`);
  }

  const signals = parseSignalHeaders(bytes, file, numSignals, recordDuration);
  const header: EdfHeader = {
    version,
    patientId,
    recordingId,
    startDate,
    startTime,
    start: resolveStart(startDate, startTime, recordingId),
    headerBytes,
    variant: reserved.startsWith('EDF+C') ? 'EDF+C' : reserved.startsWith('EDF+D') ? 'EDF+D' : '',
    reserved,
    numRecords: numRecordsWritten,
    recordDuration,
    numSignals,
    signals,
  };

  const perRecord = recordBytes(header);
  if (perRecord <= 0) throw new EdfError(file, 'signals.samplesPerRecord', 'data records hold no samples');
  const dataBytes = bytes.length - headerBytes;
  if (numRecordsWritten === -1) {
    header.numRecords = Math.floor(dataBytes / perRecord);
    header.numRecordsWritten = -1;
  } else if (dataBytes < numRecordsWritten * perRecord) {
    throw new EdfError(
      file,
      'numRecords',
      `header says ${numRecordsWritten} records of ${perRecord} bytes (${numRecordsWritten * perRecord} bytes of data) ` +
        `but the file holds ${dataBytes} bytes after the header (truncated; ${Math.floor(dataBytes / perRecord)} whole records)`,
    );
  }
  return header;
}

function parseSignalHeaders(bytes: Uint8Array, file: string, ns: number, recordDuration: number): EdfSignalHeader[] {
  const columns: Record<(typeof SIGNAL_FIELDS)[number][0], string[]> = {
    label: [], transducer: [], physicalDimension: [], physicalMin: [], physicalMax: [],
    digitalMin: [], digitalMax: [], prefiltering: [], samplesPerRecord: [], reserved: [],
  };
  let offset = FIXED_HEADER_BYTES;
  for (const [name, width] of SIGNAL_FIELDS) {
    for (let i = 0; i < ns; i++, offset += width) columns[name].push(latin1(bytes, offset, offset + width));
  }

  const signals: EdfSignalHeader[] = [];
  for (let i = 0; i < ns; i++) {
    const label = columns.label[i].trimEnd();
    const where = (field: string) => `signals[${i}].${field} (${JSON.stringify(label)})`;
    const number = (field: 'physicalMin' | 'physicalMax', raw: string) => {
      const v = parseDecimal(raw);
      if (v === null) throw new EdfError(file, where(field), `expected a number, found ${JSON.stringify(raw)}`);
      return v;
    };
    const integer = (field: 'digitalMin' | 'digitalMax' | 'samplesPerRecord', raw: string) => {
      const v = parseInteger(raw);
      if (v === null) throw new EdfError(file, where(field), `expected an integer, found ${JSON.stringify(raw)}`);
      return v;
    };
    const physicalMin = number('physicalMin', columns.physicalMin[i]);
    const physicalMax = number('physicalMax', columns.physicalMax[i]);
    const digitalMin = integer('digitalMin', columns.digitalMin[i]);
    const digitalMax = integer('digitalMax', columns.digitalMax[i]);
    const samplesPerRecord = integer('samplesPerRecord', columns.samplesPerRecord[i]);
    const isAnnotation = label.trim() === EDF_ANNOTATIONS_LABEL;

    if (samplesPerRecord < 0) throw new EdfError(file, where('samplesPerRecord'), `is ${samplesPerRecord}; it cannot be negative`);
    if (isAnnotation && samplesPerRecord < 1) {
      throw new EdfError(file, where('samplesPerRecord'), 'an annotation signal needs at least one sample (2 bytes) per record');
    }
    // Annotation signals hold text, so their ranges are never used to scale anything.
    if (!isAnnotation) {
      if (digitalMin < -32768 || digitalMax > 32767) {
        throw new EdfError(file, where(digitalMin < -32768 ? 'digitalMin' : 'digitalMax'), `digital range ${digitalMin}..${digitalMax} does not fit 16-bit EDF samples`);
      }
      if (digitalMin >= digitalMax) {
        throw new EdfError(file, where('digitalMax'), `digital maximum ${digitalMax} must exceed digital minimum ${digitalMin}`);
      }
      // Physical min above max is legal (an inverted channel); only equal or overflowing ones are not.
      const gain = (physicalMax - physicalMin) / (digitalMax - digitalMin);
      if (physicalMin === physicalMax || !Number.isFinite(gain)) {
        throw new EdfError(file, where('physicalMax'), `physical range ${physicalMin}..${physicalMax} cannot scale samples`);
      }
    }
    signals.push({
      label,
      transducer: columns.transducer[i].trimEnd(),
      physicalDimension: columns.physicalDimension[i].trimEnd(),
      physicalMin,
      physicalMax,
      digitalMin,
      digitalMax,
      prefiltering: columns.prefiltering[i].trimEnd(),
      samplesPerRecord,
      reserved: columns.reserved[i].trimEnd(),
      sampleRate: recordDuration > 0 ? samplesPerRecord / recordDuration : NaN,
      isAnnotation,
    });
  }
  return signals;
}

/**
 * The start as a UTC date (EDF stores local wall-clock time without a zone; UTC keeps it
 * unshifted, as MNE's meas_date does). Two-digit years follow EDF's 1985-2084 rule unless the
 * EDF+ recording field ("Startdate dd-MMM-yyyy") gives the 4-digit year of the same day.
 * Digits that form no real date or time ("42.00.00", "26.00.99") give an Invalid Date, which
 * is kept rather than refused: such files read in MNE too (meas_date None).
 */
function resolveStart(startDate: string, startTime: string, recordingId: string): Date {
  const [day, month, yy] = startDate.split('.').map(Number);
  const [hour, minute, second] = startTime.split('.').map(Number);
  let year = yy >= 85 ? 1900 + yy : 2000 + yy;
  const plus = /^Startdate (\d\d)-([A-Z]{3})-(\d{4})\b/.exec(recordingId);
  if (plus && Number(plus[3]) >= 100 && Number(plus[1]) === day && MONTHS.indexOf(plus[2]) + 1 === month) year = Number(plus[3]);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const valid = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
  return valid ? new Date(Date.UTC(year, month - 1, day, hour, minute, second)) : new Date(NaN);
}
