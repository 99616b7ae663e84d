/** CPU optimizer updates, in place, with PyTorch's formulas (float64). */
import type { AdamStepOptions, SgdStepOptions, Storage } from '../../backend.ts';

export function sgdStep(param: Storage, grad: Storage, momentumBuffer: Storage | null, o: SgdStepOptions): void {
  throw new Error('TODO(optim helper): sgdStep');
}
export function adamStep(param: Storage, grad: Storage, expAvg: Storage, expAvgSq: Storage, maxExpAvgSq: Storage | null, o: AdamStepOptions): void {
  throw new Error('TODO(optim helper): adamStep');
}
