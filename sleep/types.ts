/**
 * Shared shapes of the sleep pipeline: what the EDF reader produces and what preprocessing,
 * epoching, the synthetic generator and the app consume.
 */

/** One EDF+ annotation (time-stamped annotation list entry), seconds from the file's start. */
export interface Annotation {
  onset: number;
  duration: number;
  description: string;
  /** False where the TAL gave no duration (duration is then 0, as MNE reports it). */
  hasDuration?: boolean;
}

export interface EdfSignalHeader {
  label: string;
  transducer: string;
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  prefiltering: string;
  samplesPerRecord: number;
  reserved: string;
  /** samplesPerRecord / recordDuration (Hz); NaN where recordDuration is 0. */
  sampleRate: number;
  isAnnotation: boolean;
}

export interface EdfHeader {
  version: string;
  patientId: string;
  recordingId: string;
  /** Start as written in the file: dd.mm.yy and hh.mm.ss, and the resolved date (UTC). */
  startDate: string;
  startTime: string;
  start: Date;
  headerBytes: number;
  /** '' for plain EDF, 'EDF+C' or 'EDF+D' from the reserved field. */
  variant: '' | 'EDF+C' | 'EDF+D';
  reserved: string;
  numRecords: number;
  /**
   * The record count as written, where it differs from numRecords: -1 ("unknown", allowed while
   * recording) makes the reader count whole records from the file size, as MNE does.
   */
  numRecordsWritten?: number;
  recordDuration: number;
  numSignals: number;
  signals: EdfSignalHeader[];
}

/** A channel in physical units (microvolts for EEG), evenly sampled. */
export interface Channel {
  label: string;
  unit: string;
  sampleRate: number;
  data: Float32Array;
}

/** One PSG night with only the channels that were asked for, and its annotations. */
export interface Recording {
  /** File name the recording came from, used in every error and report. */
  file: string;
  header: EdfHeader;
  channels: Channel[];
  annotations: Annotation[];
  /**
   * Start of each data record in seconds from the header's start time (EDF+ time-keeping TALs;
   * i x recordDuration for plain EDF). Channel data is the records back to back, so in EDF+D
   * files a gap is only visible here and in `gaps`: samples are never invented to fill it.
   */
  recordStarts?: Float64Array;
  /** Gaps between records (EDF+D; empty for continuous files), seconds from the header's start. */
  gaps?: RecordGap[];
}

/** Time between the end of one data record and the start of the next (EDF+D only). */
export interface RecordGap {
  /** Index of the record the gap follows. */
  afterRecord: number;
  start: number;
  end: number;
}

/** Sleep stages as the tutorial numbers them. */
export const STAGES = ['W', 'N1', 'N2', 'N3', 'REM'] as const;
export type StageName = (typeof STAGES)[number];
