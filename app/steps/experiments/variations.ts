/**
 * The tutorial's exercises as one-click variations of the current run: each changes the
 * training step's settings (and, for the filter, the preprocessing) in one way.
 */
import type { TrainConfig } from '../../../sleep/train/config.ts';
import type { PreprocessSettings } from '../../state/types.ts';

export interface Variation {
  id: string;
  label: string;
  /** What changes, in words. */
  change: string;
  config: (c: TrainConfig) => TrainConfig;
  /** Only for variations that change the preprocessing (the windows are recomputed first). */
  preprocess?: (p: PreprocessSettings) => PreprocessSettings;
}

export const VARIATIONS: Variation[] = [
  {
    id: 'bandpass',
    label: 'Band-pass 0.5-30 Hz',
    change: 'filter: band-pass 0.5-30 Hz instead of the low-pass',
    preprocess: (p) => ({ ...p, filter: 'bandpass', lFreq: 0.5, hFreq: 30 }),
    config: (c) => ({ ...c, preprocess: { ...c.preprocess, lFreq: 0.5, hFreq: 30 } }),
  },
  {
    id: 'sgd',
    label: 'SGD with momentum',
    change: 'optimizer: SGD, momentum 0.9, learning rate 0.01',
    config: (c) => ({ ...c, optimizer: { ...c.optimizer, name: 'sgd', lr: 1e-2, momentum: 0.9, weightDecay: null } }),
  },
  {
    id: 'adamw',
    label: 'AdamW',
    change: 'optimizer: AdamW (decoupled weight decay 0.01)',
    config: (c) => ({ ...c, optimizer: { ...c.optimizer, name: 'adamw', weightDecay: 1e-2 } }),
  },
  {
    id: 'focal',
    label: 'Focal loss',
    change: 'loss: focal, γ = 2 (down-weights the easy windows)',
    config: (c) => ({ ...c, loss: { ...c.loss, name: 'focal', gamma: 2, labelSmoothing: 0 } }),
  },
  {
    id: 'smoothing',
    label: 'Label smoothing 0.1',
    change: 'loss: cross-entropy with label smoothing 0.1',
    config: (c) => ({ ...c, loss: { ...c.loss, name: 'cross-entropy', labelSmoothing: 0.1 } }),
  },
];

export function samePreprocess(a: PreprocessSettings | undefined, b: PreprocessSettings): boolean {
  return !!a && JSON.stringify(a) === JSON.stringify(b);
}
