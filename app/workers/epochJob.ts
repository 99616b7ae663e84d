/** Filter, crop, epoch and z-score recordings as the tutorial does (runs in a worker). */
import { filterSignal } from '../../sleep/preprocess/index.ts';
import { sleepEpochs, zscoreWindowsInPlace } from '../../sleep/epochs/index.ts';
import type { Annotation } from '../../sleep/types.ts';
import type { FilterChoice, PreprocessSettings, RecordingEpochs } from '../state/types.ts';

export interface EpochInput {
  id: string;
  file: string;
  subject: number;
  night: number;
  sfreq: number;
  channels: Float32Array[];
  annotations: Annotation[];
}

/** MNE's (l_freq, h_freq) for a filter choice; null when nothing is filtered. */
export function filterEdges(s: Pick<PreprocessSettings, 'filter' | 'lFreq' | 'hFreq'>): [number | null, number | null] | null {
  const map: Record<FilterChoice, [number | null, number | null] | null> = {
    none: null,
    lowpass: [null, s.hFreq],
    highpass: [s.lFreq, null],
    bandpass: [s.lFreq, s.hFreq],
  };
  return map[s.filter];
}

export function applyFilter(x: Float32Array, sfreq: number, s: PreprocessSettings): Float32Array {
  const edges = filterEdges(s);
  return edges ? filterSignal(x, sfreq, edges[0], edges[1]) : x;
}

export interface EpochJobResult {
  recordings: RecordingEpochs[];
  skipped: { file: string; reason: string }[];
}

export function epochRecordings(inputs: readonly EpochInput[], settings: PreprocessSettings, onProgress: (done: number, total: number) => void): EpochJobResult {
  const recordings: RecordingEpochs[] = [];
  const skipped: { file: string; reason: string }[] = [];
  inputs.forEach((input, i) => {
    onProgress(i, inputs.length);
    if (!input.annotations.some((a) => a.description.startsWith('Sleep stage'))) {
      skipped.push({ file: input.file, reason: 'no hypnogram: viewable, but it gives no labelled windows' });
      return;
    }
    try {
      const filtered = input.channels.map((c) => applyFilter(c, input.sfreq, settings));
      const set = sleepEpochs(filtered, input.sfreq, input.annotations, {
        crop: settings.crop,
        cropMinutes: settings.cropMinutes,
        windowSeconds: settings.windowSeconds,
        file: input.file,
      });
      if (set.nEpochs === 0) {
        skipped.push({ file: input.file, reason: 'no 30-s window with a sleep-stage label' });
        return;
      }
      zscoreWindowsInPlace(set);
      recordings.push({
        id: input.id, file: input.file, subject: input.subject, night: input.night,
        data: set.data, labels: set.labels, starts: set.starts.map((v) => v + set.firstSample), nEpochs: set.nEpochs, nChannels: set.nChannels, nSamples: set.nSamples, sfreq: set.sfreq,
      });
    } catch (error) {
      skipped.push({ file: input.file, reason: (error as Error).message });
    }
  });
  onProgress(inputs.length, inputs.length);
  return { recordings, skipped };
}
