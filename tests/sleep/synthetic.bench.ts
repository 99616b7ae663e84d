/** Speed of synthetic nights: `npx vitest bench --run tests/sleep/synthetic.bench.ts`. Target: a full night well under a few seconds. */
import { bench, describe } from 'vitest';
import { synthesizeEdfFiles, synthesizeRecording } from '../../sleep/synthetic/index.ts';

describe('synthetic night (SC4001: 2650 records)', () => {
  bench('PSG + hypnogram EDF bytes', () => {
    synthesizeEdfFiles({ subject: 0, night: 1, seed: 1 });
  }, { iterations: 3, time: 0 });
  bench('Recording of the two EEG channels (fast path)', () => {
    synthesizeRecording({ subject: 0, night: 1, seed: 1, channels: ['EEG Fpz-Cz', 'EEG Pz-Oz'] });
  }, { iterations: 3, time: 0 });
});
