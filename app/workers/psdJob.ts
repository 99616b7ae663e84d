/**
 * Power spectra per sleep stage before and after the filter: Welch (MNE's psd_array_welch
 * defaults) over every 30-s window of each stage, averaged per stage.
 */
import { welch } from '../../sleep/preprocess/index.ts';
import type { Annotation } from '../../sleep/types.ts';
import type { PreprocessSettings } from '../state/types.ts';
import { stageTrack } from '../state/stages.ts';
import { applyFilter } from './epochJob.ts';

export interface StagePsd {
  freqs: Float64Array;
  /** Mean PSD per class 0-4 (empty array where the stage has no window), uV^2/Hz. */
  before: Float64Array[];
  after: Float64Array[];
  windows: number[];
}

export function stagePsd(channel: Float32Array, sfreq: number, annotations: readonly Annotation[], settings: PreprocessSettings): StagePsd {
  const filtered = applyFilter(channel, sfreq, settings);
  const win = Math.round(30 * sfreq);
  const track = stageTrack(annotations, channel.length / sfreq);
  const before: Float64Array[] = [];
  const after: Float64Array[] = [];
  const windows = [0, 0, 0, 0, 0];
  let freqs: Float64Array = new Float64Array(0);
  const add = (acc: Float64Array[], k: number, p: Float64Array) => {
    if (acc[k].length === 0) acc[k] = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) acc[k][i] += p[i];
  };
  for (let k = 0; k < 5; k++) {
    before.push(new Float64Array(0));
    after.push(new Float64Array(0));
  }
  // Unlabelled recordings: one pseudo-stage 0 row over all windows would mislead; they show 'all'.
  const labelled = track.some((v) => v >= 0);
  for (let e = 0; (e + 1) * win <= channel.length; e++) {
    const k = labelled ? track[e] : 0;
    if (k < 0) continue;
    const a = welch(channel.subarray(e * win, (e + 1) * win), sfreq);
    const b = welch(filtered.subarray(e * win, (e + 1) * win), sfreq);
    freqs = a.freqs;
    add(before, k, a.psd);
    add(after, k, b.psd);
    windows[k]++;
  }
  for (let k = 0; k < 5; k++) {
    for (const acc of [before, after]) for (let i = 0; i < acc[k].length; i++) acc[k][i] /= windows[k];
  }
  return { freqs, before, after, windows };
}
