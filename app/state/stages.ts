/** Stage names, colours and per-30-s stage tracks for the views. */
import type { Annotation } from '../../sleep/types.ts';
import { STAGE_LABELS } from '../../sleep/epochs/index.ts';

export const STAGE_NAMES = ['W', 'N1', 'N2', 'N3', 'REM'] as const;
/** Colour per class (W N1 N2 N3 REM), then unscored. Picked to differ for colour-blind readers too. */
export const STAGE_COLORS = ['#e6a700', '#7fc8f8', '#3a7ec2', '#1b3a6b', '#d1495b'] as const;
export const UNSCORED_COLOR = '#c9c9c9';
export const UNSCORED = -1;

/**
 * The label (0-4) of every `epochSeconds` slice of a recording lasting `seconds`, from its
 * annotations; -1 where no sleep-stage label applies ('?', movement, nothing).
 */
export function stageTrack(annotations: readonly Annotation[], seconds: number, epochSeconds = 30): Int8Array {
  const n = Math.max(0, Math.ceil(seconds / epochSeconds));
  const track = new Int8Array(n).fill(UNSCORED);
  for (const a of annotations) {
    const label = STAGE_LABELS[a.description];
    if (label === undefined) continue;
    const from = Math.max(0, Math.round(a.onset / epochSeconds));
    const to = Math.min(n, Math.round((a.onset + a.duration) / epochSeconds));
    track.fill(label, from, to);
  }
  return track;
}

export function stageName(label: number): string {
  return label >= 0 && label < STAGE_NAMES.length ? STAGE_NAMES[label] : 'unscored';
}
