/**
 * Adapter from a host batch to engine tensors: x [size, channels, samples], y [size] (class
 * indices as numbers, as the engine's cross-entropy targets take them). Uploads once each;
 * the caller owns (and disposes of) the tensors.
 */
import { tensor, type Tensor, type TensorOptions } from '../../engine/index.ts';
import type { Batch } from './dataset.ts';

export function batchToTensors(batch: Batch, opts: TensorOptions = {}): { x: Tensor; y: Tensor } {
  return {
    x: tensor(batch.x, [batch.size, batch.nChannels, batch.nSamples], opts),
    y: tensor(batch.y, [batch.size], opts),
  };
}
