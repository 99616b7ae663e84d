/** Messages between the app and its pipeline worker: one job per worker, then it is ended. */
import type { LoadedRecording, PreprocessSettings } from '../state/types.ts';
import type { EpochInput, EpochJobResult } from './epochJob.ts';
import type { StagePsd } from './psdJob.ts';
import type { ReadFilesResult } from './readFiles.ts';
import type { Annotation } from '../../sleep/types.ts';

export interface JobMap {
  synthesize: { args: { subjects: number[]; hours: number; seed: number }; result: LoadedRecording[] };
  readFiles: { args: { files: File[] }; result: ReadFilesResult };
  epochs: { args: { recordings: EpochInput[]; settings: PreprocessSettings }; result: EpochJobResult };
  psd: { args: { channel: Float32Array; sfreq: number; annotations: Annotation[]; settings: PreprocessSettings }; result: StagePsd };
}

export type JobName = keyof JobMap;

export interface JobRequest<K extends JobName = JobName> {
  job: K;
  args: JobMap[K]['args'];
}

export interface JobProgress {
  done: number;
  total: number;
  what: string;
}

export type WorkerMessage =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'result'; value: unknown }
  | { type: 'error'; message: string };
