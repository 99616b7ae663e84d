/**
 * Cutting fixed windows out of a recording: `mne.Epochs(raw, events, tmin=0,
 * tmax=window - 1/sfreq, baseline=None)`. Epochs that would start before the data or run past
 * its end are dropped, as MNE's drop log does.
 *
 * Memory: an EpochSet holds all windows of one recording in ONE Float32Array laid out
 * [epoch][channel][sample], allocated once at its exact size (the events are known before any
 * sample is copied). For the tutorial's 30 recordings (~32,500 windows x 2 channels x 3000
 * samples) that is ~780 MB of float32 in total and nothing more; while one recording is being
 * cut, its (cropped) channel arrays (2 x ~2.5 M float32, ~20 MB) exist beside it.
 */
import type { Annotation } from '../types.ts';
import { roundHalfEven } from '../preprocess/design.ts';
import { cropAnnotations, cropSignal, wakeCropWindow, type WakeCropMode } from './crop.ts';
import { eventsFromAnnotations } from './events.ts';
import { STAGE_LABELS } from './labels.ts';

export interface EpochSet {
  /** [epoch][channel][sample], float32. */
  data: Float32Array;
  labels: Int32Array;
  /** First sample of each epoch in the (cropped) signal the epochs were cut from. */
  starts: Int32Array;
  nEpochs: number;
  nChannels: number;
  nSamples: number;
  sfreq: number;
}

/** View of one epoch's channels (no copy). */
export function epochView(set: EpochSet, i: number): Float32Array {
  const size = set.nChannels * set.nSamples;
  return set.data.subarray(i * size, (i + 1) * size);
}

/** Samples per window as MNE counts them for tmin=0, tmax=windowSeconds - 1/sfreq. */
export function windowSamples(windowSeconds: number, sfreq: number): number {
  return roundHalfEven((windowSeconds - 1 / sfreq) * sfreq) + 1;
}

/** Cuts windows of nSamples starting at the given samples; drops those outside the data. */
export function extractEpochs(
  channels: readonly ArrayLike<number>[],
  sfreq: number,
  starts: Int32Array,
  labels: Int32Array,
  nSamples: number,
): EpochSet {
  const nChannels = channels.length;
  const nTimes = nChannels ? channels[0].length : 0;
  for (const c of channels) {
    if (c.length !== nTimes) throw new Error(`epochs: channels differ in length (${c.length} vs ${nTimes})`);
  }
  const keep: number[] = [];
  for (let i = 0; i < starts.length; i++) {
    if (starts[i] >= 0 && starts[i] + nSamples <= nTimes) keep.push(i);
  }
  const size = nChannels * nSamples;
  const data = new Float32Array(keep.length * size);
  keep.forEach((src, e) => {
    const s = starts[src];
    for (let c = 0; c < nChannels; c++) {
      const ch = channels[c];
      const base = e * size + c * nSamples;
      if (ch instanceof Float32Array || ch instanceof Float64Array) data.set(ch.subarray(s, s + nSamples), base);
      else for (let t = 0; t < nSamples; t++) data[base + t] = ch[s + t];
    }
  });
  return {
    data,
    labels: Int32Array.from(keep, (i) => labels[i]),
    starts: Int32Array.from(keep, (i) => starts[i]),
    nEpochs: keep.length,
    nChannels,
    nSamples,
    sfreq,
  };
}

export interface SleepEpochOptions {
  crop?: WakeCropMode;
  cropMinutes?: number;
  windowSeconds?: number;
  /** Description -> label; default W0 N1 1 N2 2 N3 3 (stages 3+4) REM 4. */
  eventId?: Readonly<Record<string, number>>;
  file?: string;
}

export interface SleepEpochs extends EpochSet {
  /** The sample of the input signal that epoch starts are counted from (the crop's start). */
  firstSample: number;
  /** Annotations as they stood when the events were made (after the crop, from firstSample). */
  annotations: Annotation[];
}

/**
 * The tutorial's labelling of one night: crop wake (default: braindecode's rule), chunk the
 * sleep-stage annotations into 30-s events, cut the windows. Channels must share one rate.
 */
export function sleepEpochs(
  channels: readonly (Float32Array | Float64Array)[],
  sfreq: number,
  annotations: readonly Annotation[],
  options: SleepEpochOptions = {},
): SleepEpochs {
  const file = options.file ?? 'recording';
  const nTimes = channels.length ? channels[0].length : 0;
  const crop = wakeCropWindow(annotations, (nTimes - 1) / sfreq, options.crop ?? 'braindecode', options.cropMinutes ?? 30, file);
  let signal: readonly (Float32Array | Float64Array)[] = channels;
  let annots: Annotation[];
  let firstSample = 0;
  if (crop.cropsSignal) {
    const c = cropSignal([...channels], sfreq, annotations, crop.tmin, crop.tmax);
    signal = c.channels;
    annots = c.annotations;
    firstSample = c.firstSample;
  } else {
    annots = crop.mode === 'none' ? [...annotations] : cropAnnotations(annotations, crop.tmin, crop.tmax);
    // raw.set_annotations keeps what lies within [0, last sample + 1 sample].
    annots = cropAnnotations(annots, 0, nTimes / sfreq);
  }
  const events = eventsFromAnnotations(annots, sfreq, options.eventId ?? STAGE_LABELS, options.windowSeconds ?? 30);
  const set = extractEpochs(signal, sfreq, events.samples, events.values, windowSamples(options.windowSeconds ?? 30, sfreq));
  return { ...set, firstSample, annotations: annots };
}
