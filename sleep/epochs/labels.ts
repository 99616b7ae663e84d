/**
 * Sleep-stage labels as the tutorial numbers them: W=0, N1=1, N2=2, N3=3 (R&K stages 3 and 4
 * merged), REM=4. 'Sleep stage ?' and 'Movement time' have no label and are dropped.
 */
import type { Annotation } from '../types.ts';

export const STAGE_LABELS: Readonly<Record<string, number>> = {
  'Sleep stage W': 0,
  'Sleep stage 1': 1,
  'Sleep stage 2': 2,
  'Sleep stage 3': 3,
  'Sleep stage 4': 3,
  'Sleep stage R': 4,
};

/** Sleep (not wake) stages, as braindecode picks them: description ends in 1 2 3 4 or R. */
export function isSleepStage(description: string): boolean {
  return /^Sleep stage [1234R]$/.test(description);
}

/** The label of an annotation description, or undefined for '?', movement and anything else. */
export function stageLabel(description: string): number | undefined {
  return STAGE_LABELS[description];
}

/** One character per 30-s epoch (W 1 2 3 4 R ?), as the text scorings under labels/ use. */
const CHAR_DESCRIPTIONS: Readonly<Record<string, string>> = {
  W: 'Sleep stage W',
  '1': 'Sleep stage 1',
  '2': 'Sleep stage 2',
  '3': 'Sleep stage 3',
  '4': 'Sleep stage 4',
  R: 'Sleep stage R',
  '?': 'Sleep stage ?',
};

/** Label of a scoring character (W 1 2 3 4 R), undefined for '?'. */
export function stageCharLabel(ch: string): number | undefined {
  const d = CHAR_DESCRIPTIONS[ch];
  if (d === undefined) throw new Error(`scoring: unknown stage character '${ch}' (expected one of W 1 2 3 4 R ?)`);
  return STAGE_LABELS[d];
}

/** Annotations from a per-epoch stage string, one annotation per run of equal characters. */
export function annotationsFromStageString(stages: string, epochSeconds = 30, file = 'scoring'): Annotation[] {
  const out: Annotation[] = [];
  let runStart = 0;
  for (let i = 1; i <= stages.length; i++) {
    if (i === stages.length || stages[i] !== stages[runStart]) {
      const d = CHAR_DESCRIPTIONS[stages[runStart]];
      if (d === undefined) {
        throw new Error(`${file}: unknown stage character '${stages[runStart]}' at epoch ${runStart} (expected W 1 2 3 4 R ?)`);
      }
      out.push({ onset: runStart * epochSeconds, duration: (i - runStart) * epochSeconds, description: d });
      runStart = i;
    }
  }
  return out;
}
