/** EDF/EDF+ reading for the Sleep-EDF pipeline. */
export { EdfError } from './errors.ts';
export { parseEdfHeader, asBytes, recordBytes, EDF_ANNOTATIONS_LABEL } from './header.ts';
export { readDigitalSamples, readPhysicalSamples, physicalScale, signalOffsets } from './samples.ts';
export { readAnnotations, readEdfAnnotations, parseTals, type EdfAnnotationReading } from './annotations.ts';
export { readEdf, pickSignals, requireRecords, DEFAULT_EEG_CHANNELS, type ReadEdfOptions } from './read.ts';
export { readPsgWithHypnogram, checkHypnogramMatchesPsg, dataEnd, type NamedBytes } from './pair.ts';
export {
  readEdfBatch,
  readPsgHypnogramBatch,
  type EdfSource,
  type EdfPairSource,
  type BatchError,
  type BatchResult,
  type BatchOptions,
  type EdfBytes,
} from './batch.ts';
