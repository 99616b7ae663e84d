/**
 * App-wide state shapes. Every piece lives in the shell and reaches the steps through
 * @lit/context (contexts.ts); steps ask for changes by dispatching events (events.ts).
 */
import type { Annotation, EdfHeader } from '../../sleep/types.ts';
import type { EpochSet, WakeCropMode } from '../../sleep/epochs/index.ts';
import type { ChambonRounding } from '../../sleep/model/chambon.ts';
import type { SubjectSplit } from '../../sleep/dataset/index.ts';

export type DeviceChoice = 'cpu' | 'webgpu';

export interface BackendState {
  /** Device new tensors go to (the trainer reads this). */
  device: DeviceChoice;
  /** null while checking. */
  webgpuAvailable: boolean | null;
  /** Adapter description, or why WebGPU cannot be used. */
  detail: string;
  busy: boolean;
}

export type DataSourceKind = 'synthetic' | 'files' | 'physionet';

/** One PSG night as the app holds it: the EEG channels (physical units) and its scoring. */
export interface LoadedRecording {
  id: string;
  /** PSG file name (SYNTHETIC ones carry the real layout's names). */
  file: string;
  hypnogramFile: string | null;
  subject: number;
  night: number;
  synthetic: boolean;
  sfreq: number;
  channelLabels: string[];
  channelUnits: string[];
  /** One Float32Array per channel, all at sfreq. */
  channels: Float32Array[];
  /** Sleep-stage annotations (empty when unlabelled), seconds from the PSG start. */
  annotations: Annotation[];
  header: Pick<EdfHeader, 'startDate' | 'startTime' | 'patientId' | 'recordingId'>;
}

export interface LoadIssue {
  file: string;
  /** EDF field at fault, null for load/download failures. */
  field: string | null;
  reason: string;
  /** 'skipped': the file was not used; 'unpaired': the PSG is kept without labels. */
  effect: 'skipped' | 'unpaired';
}

export interface Dataset {
  source: DataSourceKind;
  /** True for generated data: every view labels it SYNTHETIC. */
  synthetic: boolean;
  /** What the user picked, in words ("8 SYNTHETIC subjects, 2.5 h each"). */
  description: string;
  recordings: LoadedRecording[];
  issues: LoadIssue[];
  /** How a SYNTHETIC set was generated (so a saved training run can make it again). */
  syntheticOptions?: { subjects: number; hours: number; seed: number };
}

export type FilterChoice = 'lowpass' | 'highpass' | 'bandpass' | 'none';

export interface PreprocessSettings {
  filter: FilterChoice;
  /** High-pass edge (Hz), used by highpass and bandpass. */
  lFreq: number;
  /** Low-pass edge (Hz), used by lowpass and bandpass. */
  hFreq: number;
  crop: WakeCropMode;
  cropMinutes: number;
  windowSeconds: number;
}

/** Windows of one recording after filter, crop, epoching and per-window z-scoring. */
export interface RecordingEpochs extends EpochSet {
  id: string;
  file: string;
  subject: number;
  night: number;
  /** First sample of each window in the recording as loaded (crop offset included): onset = start / sfreq. */
  starts: Int32Array;
}

export interface EpochsState {
  status: 'empty' | 'running' | 'ready' | 'error';
  recordings: RecordingEpochs[];
  /** Recordings that gave no windows (unlabelled, too short...), with the reason. */
  skipped: { file: string; reason: string }[];
  error?: string;
  /** Settings these epochs were made with. */
  settings?: PreprocessSettings;
}

export interface SplitSettings {
  testSubjects: number[];
  /** Explicit validation subjects, or null for the nValid lowest non-test subjects. */
  validSubjects: number[] | null;
  nValid: number;
}

export interface SplitState {
  settings: SplitSettings;
  split?: SubjectSplit;
  /** Balanced class weights of the training windows (sklearn 'balanced'). */
  classWeights?: Float64Array;
  /** Windows per split and class: counts[split][class], split order train, valid, test. */
  counts?: number[][];
  error?: string;
}

export interface ModelSettings {
  nConvChs: number;
  timeConvSizeS: number;
  maxPoolSizeS: number;
  padSizeS: number;
  dropout: number;
  batchNorm: boolean;
  rounding: ChambonRounding;
}
