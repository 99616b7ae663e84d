/** CPU pooling kernels (float64). */
import type { Pool2dParams, Storage } from '../../backend.ts';

export function maxPool2d(x: Storage, p: Pool2dParams): { out: Storage; argmax: Storage } {
  throw new Error('TODO(conv helper): maxPool2d');
}
export function maxPool2dBackward(gradOut: Storage, argmax: Storage, p: Pool2dParams): Storage {
  throw new Error('TODO(conv helper): maxPool2dBackward');
}
export function avgPool2d(x: Storage, p: Pool2dParams): Storage {
  throw new Error('TODO(conv helper): avgPool2d');
}
export function avgPool2dBackward(gradOut: Storage, p: Pool2dParams): Storage {
  throw new Error('TODO(conv helper): avgPool2dBackward');
}
