/** The tutorial's settings (braindecode/MNE sleep staging), as the app starts. */
import type { ModelSettings, PreprocessSettings, SplitSettings } from './types.ts';

export const DEFAULT_PREPROCESS: PreprocessSettings = {
  filter: 'lowpass',
  lFreq: 0.5,
  hFreq: 30,
  crop: 'braindecode',
  cropMinutes: 30,
  windowSeconds: 30,
};

export const DEFAULT_MODEL: ModelSettings = {
  nConvChs: 8,
  timeConvSizeS: 0.5,
  maxPoolSizeS: 0.125,
  padSizeS: 0.25,
  dropout: 0.25,
  batchNorm: false,
  rounding: 'tutorial',
};

/**
 * The tutorial's split (test 0-9, 4 validation subjects) needs at least 15 subjects; smaller
 * sets (the SYNTHETIC demo, a few downloads) get about a quarter for test and a fifth for
 * validation, at least one each.
 */
export function defaultSplit(subjects: readonly number[]): SplitSettings {
  const sorted = [...new Set(subjects)].sort((a, b) => a - b);
  if (sorted.length >= 15) return { testSubjects: sorted.filter((s) => s <= 9), validSubjects: null, nValid: 4 };
  const nTest = Math.max(1, Math.round(sorted.length * 0.25));
  const nValid = Math.max(1, Math.round(sorted.length * 0.2));
  return { testSubjects: sorted.slice(0, nTest), validSubjects: null, nValid };
}
