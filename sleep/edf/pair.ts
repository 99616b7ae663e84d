/**
 * A PSG night read together with its hypnogram, after checking that the hypnogram belongs to
 * it.
 *
 * "Belongs" means: (1) both headers give the same start date and time; (2) no annotation of the
 * hypnogram starts after the PSG's data ends (onset <= end of the last PSG record). Durations
 * are not checked: Sleep-EDF hypnograms routinely run past the PSG with a final "Sleep stage ?"
 * (SC4001EC: the last annotation starts at 79500 s, exactly where the 79500-s PSG ends, and
 * ends at 86400 s). An onset equal to the PSG end is therefore accepted; it labels no samples.
 */
import type { Annotation, EdfHeader, Recording } from '../types.ts';
import { readEdfAnnotations } from './annotations.ts';
import { EdfError } from './errors.ts';
import { asBytes, parseEdfHeader } from './header.ts';
import { readEdf, requireRecords, type ReadEdfOptions } from './read.ts';

export interface NamedBytes {
  file: string;
  bytes: ArrayBuffer | Uint8Array;
}

/** End of the PSG's data in seconds from its header start (last record start + duration). */
export function dataEnd(header: EdfHeader, recordStarts: Float64Array): number {
  return recordStarts.length === 0 ? 0 : recordStarts[recordStarts.length - 1] + header.recordDuration;
}

/**
 * Throws EdfError (file = the hypnogram) unless the hypnogram belongs to the PSG as defined
 * above. `psgEnd` is dataEnd() of the PSG.
 */
export function checkHypnogramMatchesPsg(
  psg: { file: string; header: EdfHeader; end: number },
  hypnogram: { file: string; header: EdfHeader; annotations: readonly Annotation[] },
): void {
  const a = psg.header;
  const b = hypnogram.header;
  for (const [file, header] of [[psg.file, a], [hypnogram.file, b]] as const) {
    if (Number.isNaN(header.start.getTime())) {
      throw new EdfError(file, 'startDate', `${header.startDate} ${header.startTime} is not a real date and time, so the pair cannot be matched`);
    }
  }
  if (a.start.getTime() !== b.start.getTime()) {
    const field = a.startDate !== b.startDate ? 'startDate' : 'startTime';
    throw new EdfError(
      hypnogram.file,
      field,
      `starts ${b.startDate} ${b.startTime} but the PSG ${psg.file} starts ${a.startDate} ${a.startTime}; the hypnogram does not belong to it`,
    );
  }
  for (const annotation of hypnogram.annotations) {
    if (annotation.onset > psg.end) {
      throw new EdfError(
        hypnogram.file,
        'annotations',
        `"${annotation.description}" starts at ${annotation.onset} s, after the PSG ${psg.file} ends at ${psg.end} s; the hypnogram does not belong to it`,
      );
    }
  }
}

/**
 * Reads a PSG and its hypnogram: the PSG's picked channels with the hypnogram's annotations
 * (after any the PSG itself carries). The hypnogram and PSG header are checked before the PSG's
 * samples are decoded, so a mismatched pair fails fast.
 */
export function readPsgWithHypnogram(psg: NamedBytes, hypnogram: NamedBytes, opts: ReadEdfOptions = {}): Recording {
  const hypnogramBytes = asBytes(hypnogram.bytes);
  const hypnogramReading = readEdfAnnotations(hypnogramBytes, hypnogram.file);
  if (!hypnogramReading.header.signals.some((s) => s.isAnnotation)) {
    throw new EdfError(hypnogram.file, 'signals', 'no "EDF Annotations" signal: not a hypnogram');
  }
  const psgBytes = asBytes(psg.bytes);
  const psgHeader = parseEdfHeader(psgBytes, psg.file);
  requireRecords(psgHeader, psg.file);
  const psgTiming = readEdfAnnotations(psgBytes, psg.file, psgHeader);
  checkHypnogramMatchesPsg(
    { file: psg.file, header: psgHeader, end: dataEnd(psgHeader, psgTiming.recordStarts) },
    { file: hypnogram.file, header: hypnogramReading.header, annotations: hypnogramReading.annotations },
  );
  const recording = readEdf(psgBytes, psg.file, opts);
  return { ...recording, annotations: [...recording.annotations, ...hypnogramReading.annotations] };
}
