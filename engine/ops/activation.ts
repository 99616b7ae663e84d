/** Activation functions. Their backward kernels take the forward input, as PyTorch's do. */
import { record } from '../autograd.ts';
import { Tensor, fromStorage } from '../tensor.ts';

export function relu(x: Tensor): Tensor {
  const out = fromStorage(x.backend.unary('relu', x.storage, 0), x.shape, x.backend);
  // d relu(x)/dx = 1 where x > 0, else 0 (0 at x = 0, as PyTorch)
  return record('relu', [x], out, (g) => [fromStorage(x.backend.unaryBackward('relu', g.storage, x.storage, 0), x.shape, x.backend)]);
}
