/** Runs the band-power baseline in a worker on the app's current windows and split. */
import type { EpochSet } from '../../../sleep/epochs/epochs.ts';
import type { RunEpoch, RunRecord } from '../../../sleep/runs/record.ts';
import type { Dataset, EpochsState, SplitState } from '../../state/types.ts';
import type { BaselineReply, BaselineRequest } from './baselineProtocol.ts';

/** Balanced class weights as the training step's loss uses them (none when a stage is missing from the training windows). */
export function runBaselineInWorker(dataset: Dataset | null, epochs: EpochsState, split: SplitState, balanced: boolean, onProgress: (row: RunEpoch) => void): Promise<RunRecord> {
  const s = split.split;
  if (!s) return Promise.reject(new Error('the split is not ready (step 5)'));
  const sets = (idx: number[]): EpochSet[] => idx.map((i) => {
    const r = epochs.recordings[i];
    return { data: r.data, labels: r.labels, starts: r.starts, nEpochs: r.nEpochs, nChannels: r.nChannels, nSamples: r.nSamples, sfreq: r.sfreq };
  });
  const synthetic = dataset?.synthetic ?? false;
  const request: BaselineRequest = {
    splits: { train: sets(s.train), valid: sets(s.valid), test: sets(s.test) },
    data: { trainSubjects: s.trainSubjects, validSubjects: s.validSubjects, testSubjects: s.testSubjects, synthetic, recordings: epochs.recordings.map((r) => r.file) },
    name: `${synthetic ? 'SYNTHETIC · ' : ''}Baseline: log relative band powers + logistic regression`,
    channelNames: dataset?.recordings[0]?.channelLabels,
    classWeight: balanced && split.classWeights ? 'balanced' : 'none',
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./baseline.worker.ts', import.meta.url), { type: 'module', name: 'hypnograd-baseline' });
    worker.onmessage = (e: MessageEvent<BaselineReply>) => {
      const m = e.data;
      if (m.type === 'progress') return onProgress(m.row);
      worker.terminate();
      if (m.type === 'done') resolve(m.record);
      else reject(new Error(`the baseline failed: ${m.message}`));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`the baseline worker failed: ${e.message || 'it could not start'}`));
    };
    // Copies (structured clone): the page keeps its windows for the other steps.
    worker.postMessage(request);
  });
}
