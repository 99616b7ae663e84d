/**
 * The network the internals view looks at: the model settings of step 6 with the newest
 * weights there are: the finished run's evaluated weights, else the training worker's latest
 * checkpoint in IndexedDB (written after every epoch), else a fresh initialisation.
 */
import { Generator, type DeviceName } from '../../../engine/index.ts';
import { SleepStagerChambon2018 } from '../../../sleep/model/chambon.ts';
import { loadSafetensors } from '../../../sleep/model/safetensors.ts';
import { loadHostStateDict, unpackTensors, withPrefix, type HostTensors } from '../../../sleep/train/checkpoint.ts';
import { CHECKPOINT_NAME, IdbCheckpointStore } from '../../training/idbStore.ts';
import type { TrainingView } from '../../training/session.ts';
import type { ModelSettings, RecordingEpochs } from '../../state/types.ts';

export type WeightsSource =
  | { kind: 'init'; label: string }
  | { kind: 'safetensors'; bytes: Uint8Array; label: string }
  | { kind: 'checkpoint'; tensors: HostTensors; epoch: number; label: string };

export async function newestWeights(view: TrainingView): Promise<WeightsSource> {
  if (view.result) {
    return { kind: 'safetensors', bytes: view.result.weights, label: `the finished run's ${view.result.evaluated} weights (epoch ${view.result.epoch})` };
  }
  try {
    const c = await new IdbCheckpointStore().load(CHECKPOINT_NAME);
    if (c && c.meta.epoch > 0) {
      const busy = ['starting', 'running', 'paused', 'stopping'].includes(view.phase);
      return {
        kind: 'checkpoint', epoch: c.meta.epoch,
        tensors: withPrefix(unpackTensors(c.meta.tensors, c.binary, 'training checkpoint'), 'model.'),
        label: `the training checkpoint after epoch ${c.meta.epoch}${busy ? ' (training is running: this follows it epoch by epoch)' : ''}`,
      };
    }
  } catch {
    // No checkpoint store (private mode) or none yet: fall through to a fresh model.
  }
  return { kind: 'init', label: 'untrained: a fresh initialisation (train in step 7 to see what the network learns)' };
}

/** The model for these windows with the given weights; throws when the weights do not fit the settings. */
export function buildModel(settings: ModelSettings, first: Pick<RecordingEpochs, 'nChannels' | 'nSamples' | 'sfreq'>, device: DeviceName, weights: WeightsSource, seed = 87): SleepStagerChambon2018 {
  const model = new SleepStagerChambon2018({
    ...settings, nChannels: first.nChannels, sfreq: first.sfreq, inputSizeS: first.nSamples / first.sfreq, nClasses: 5, device, generator: new Generator(seed),
  });
  try {
    if (weights.kind === 'safetensors') loadSafetensors(model, weights.bytes, { file: 'the finished run' });
    else if (weights.kind === 'checkpoint') loadHostStateDict(model, weights.tensors, device);
  } catch (error) {
    disposeModel(model);
    throw new Error(`the weights (${weights.label}) do not fit the model settings of step 6: ${(error as Error).message}`);
  }
  return model;
}

export function disposeModel(model: SleepStagerChambon2018): void {
  for (const p of model.parameters()) {
    p.grad?.dispose();
    p.dispose();
  }
  for (const b of model.buffers()) b.dispose();
}
