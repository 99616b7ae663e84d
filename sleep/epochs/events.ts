/**
 * `mne.events_from_annotations(raw, event_id, chunk_duration=30.)` on plain annotations whose
 * onsets are seconds from the first sample: every annotation with a mapped description is cut
 * into chunk_duration pieces starting at its onset; a trailing piece shorter than
 * chunk_duration is dropped; each piece's onset becomes a sample by rounding (half to even,
 * np.round). Events keep annotation order (MNE does not sort them).
 */
import type { Annotation } from '../types.ts';
import { roundHalfEven } from '../preprocess/design.ts';

export interface Events {
  /** First sample of each event. */
  samples: Int32Array;
  /** The mapped value of each event (for sleep stages: the label). */
  values: Int32Array;
}

export function eventsFromAnnotations(
  annotations: readonly Annotation[],
  sfreq: number,
  eventId: Readonly<Record<string, number>>,
  chunkDuration = 30,
): Events {
  const samples: number[] = [];
  const values: number[] = [];
  for (const a of annotations) {
    const value = eventId[a.description];
    if (value === undefined) continue;
    const offset = a.onset + a.duration;
    // np.arange(start, stop, step): length ceil((stop - start) / step), values start + i * delta
    // where delta = (start + step) - start.
    const n = Math.max(Math.ceil((offset - a.onset) / chunkDuration), 0);
    const delta = a.onset + chunkDuration - a.onset;
    for (let i = 0; i < n; i++) {
      const t = a.onset + i * delta;
      if (offset - t >= chunkDuration) {
        samples.push(roundHalfEven(t * sfreq));
        values.push(value);
      }
    }
  }
  return { samples: Int32Array.from(samples), values: Int32Array.from(values) };
}
