/** CPU conv2d kernels (float64). */
import type { Conv2dParams, Storage } from '../../backend.ts';

export function conv2d(x: Storage, weight: Storage, bias: Storage | null, p: Conv2dParams): Storage {
  throw new Error('TODO(conv helper): conv2d');
}
export function conv2dBackwardInput(gradOut: Storage, weight: Storage, p: Conv2dParams): Storage {
  throw new Error('TODO(conv helper): conv2dBackwardInput');
}
export function conv2dBackwardWeight(gradOut: Storage, x: Storage, p: Conv2dParams): Storage {
  throw new Error('TODO(conv helper): conv2dBackwardWeight');
}
