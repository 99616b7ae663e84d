/**
 * Cropping the wake periods around the night, with MNE's semantics for what happens to the
 * annotations (`Annotations.crop`: drop those entirely outside, clip those that straddle).
 */
import type { Annotation } from '../types.ts';
import { roundHalfEven } from '../preprocess/design.ts';
import { isSleepStage } from './labels.ts';

/**
 * MNE `Annotations.crop(tmin, tmax)`: times in the annotations' own frame (seconds). MNE does
 * this arithmetic on datetimes, so kept onsets and clipped durations come out in whole
 * microseconds; so do these.
 */
export function cropAnnotations(annotations: readonly Annotation[], tmin: number, tmax: number): Annotation[] {
  if (tmin > tmax) throw new Error(`cropAnnotations: tmax (${tmax}) must be >= tmin (${tmin})`);
  const us = (t: number) => roundHalfEven(t * 1e6);
  const lo = us(tmin);
  const hi = us(tmax);
  const out: Annotation[] = [];
  for (const a of annotations) {
    const duration = Number.isNaN(a.duration) ? 0 : a.duration;
    let onset = us(a.onset);
    let offset = onset + us(duration);
    if (onset > hi || offset < lo) continue;
    const clipped = onset < lo || offset > hi;
    if (onset < lo) onset = lo;
    if (offset > hi) offset = hi;
    out.push({ onset: onset / 1e6, duration: clipped ? (offset - onset) / 1e6 : duration, description: a.description });
  }
  return out;
}

/**
 * How the night is cut down to 30 min of wake either side of sleep:
 * - 'braindecode': braindecode's SleepPhysionet(crop_wake_mins=30), the Chambon 2018 example:
 *   crop the recording from the first sleep-stage onset - 30 min to the LAST sleep-stage ONSET
 *   + 30 min, clamped to the recording.
 * - 'sleep-end': as 'braindecode' but to the last sleep stage's END (onset + duration) + 30 min.
 * - 'mne-tutorial': MNE's 60_sleep.py: crops only the annotations, from the second annotation's
 *   onset - 30 min to the second-to-last annotation's onset + 30 min (for Sleep-EDF hypnograms:
 *   the first sleep onset and the final wake onset); the signal is not cut.
 * - 'none'.
 */
export type WakeCropMode = 'braindecode' | 'sleep-end' | 'mne-tutorial' | 'none';

export interface WakeCrop {
  mode: WakeCropMode;
  /** Window in seconds from the recording's start (tmax inclusive, as raw.crop). */
  tmin: number;
  tmax: number;
  /** Whether the samples are cut (raw.crop) or only the annotations (mne-tutorial, none). */
  cropsSignal: boolean;
}

export function wakeCropWindow(
  annotations: readonly Annotation[],
  recordingSeconds: number,
  mode: WakeCropMode = 'braindecode',
  minutes = 30,
  file = 'recording',
): WakeCrop {
  if (mode === 'none') return { mode, tmin: 0, tmax: recordingSeconds, cropsSignal: false };
  const margin = minutes * 60;
  if (mode === 'mne-tutorial') {
    if (annotations.length < 3) throw new Error(`${file}: annotations: mne-tutorial crop needs at least 3 annotations, got ${annotations.length}`);
    return {
      mode,
      tmin: annotations[1].onset - margin,
      tmax: annotations[annotations.length - 2].onset + margin,
      cropsSignal: false,
    };
  }
  let first = -1;
  let last = -1;
  annotations.forEach((a, i) => {
    if (isSleepStage(a.description)) {
      if (first < 0) first = i;
      last = i;
    }
  });
  if (first < 0) throw new Error(`${file}: annotations: no sleep-stage annotation (Sleep stage 1/2/3/4/R), cannot crop wake`);
  const end = annotations[last].onset + (mode === 'sleep-end' ? annotations[last].duration : 0);
  return {
    mode,
    tmin: Math.max(annotations[first].onset - margin, 0),
    tmax: Math.min(end + margin, recordingSeconds),
    cropsSignal: true,
  };
}

export interface CroppedSignal<T extends Float32Array | Float64Array> {
  /** Views into the inputs (no copy). */
  channels: T[];
  /** Annotations relative to the new first sample, clipped as raw.crop + set_annotations do. */
  annotations: Annotation[];
  firstSample: number;
}

/**
 * `raw.crop(tmin, tmax)` (include_tmax) on plain arrays: samples round(tmin*sfreq) through
 * round(tmax*sfreq), and annotations clipped to the kept span [first, last + 1 sample).
 * tmax is clamped to the last sample's time.
 */
export function cropSignal<T extends Float32Array | Float64Array>(
  channels: T[],
  sfreq: number,
  annotations: readonly Annotation[],
  tmin: number,
  tmax: number,
): CroppedSignal<T> {
  const nTimes = channels.length ? channels[0].length : 0;
  const lastTime = (nTimes - 1) / sfreq;
  if (tmin < 0) throw new Error(`crop: tmin (${tmin}) must be >= 0`);
  tmax = Math.min(tmax, lastTime);
  if (tmin > tmax) throw new Error(`crop: tmin (${tmin}) must be <= tmax (${tmax})`);
  const smin = roundHalfEven(tmin * sfreq);
  const smax = roundHalfEven(tmax * sfreq);
  const start = smin / sfreq;
  const kept = cropAnnotations(annotations, start, start + (smax - smin) / sfreq + 1 / sfreq);
  return {
    channels: channels.map((c) => c.subarray(smin, smax + 1) as T),
    annotations: kept.map((a) => ({ ...a, onset: a.onset - start })),
    firstSample: smin,
  };
}
