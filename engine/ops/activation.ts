/** Activation functions. Their backward kernels take the forward input, as PyTorch's do. */
import { record } from '../autograd.ts';
import { Tensor, fromStorage } from '../tensor.ts';

export function relu(x: Tensor): Tensor {
  const out = fromStorage(x.backend.unary('relu', x.storage, 0), x.shape, x.backend);
  // d relu(x)/dx = 1 where x > 0, else 0 (0 at x = 0, as PyTorch)
  return record('relu', [x], out, (g) => [fromStorage(x.backend.unaryBackward('relu', g.storage, x.storage, 0), x.shape, x.backend)]);
}

/**
 * torch.nn.functional.softplus with PyTorch's default threshold: log(1 + exp(beta * x)) / beta,
 * a smooth relu, and x itself where beta * x > 20 (where the two agree to float precision).
 */
export function softplus(x: Tensor, beta = 1): Tensor {
  const out = fromStorage(x.backend.unary('softplus', x.storage, beta), x.shape, x.backend);
  // d softplus(x)/dx = sigmoid(beta * x) = z / (z + 1) with z = exp(beta * x); 1 past the threshold
  return record('softplus', [x], out, (g) => [fromStorage(x.backend.unaryBackward('softplus', g.storage, x.storage, beta), x.shape, x.backend)]);
}

/** torch.nn.functional.elu: x for x > 0, alpha * (exp(x) - 1) otherwise. */
export function elu(x: Tensor, alpha = 1): Tensor {
  const out = fromStorage(x.backend.unary('elu', x.storage, alpha), x.shape, x.backend);
  // d elu(x)/dx = 1 where x > 0, else alpha * exp(x)
  return record('elu', [x], out, (g) => [fromStorage(x.backend.unaryBackward('elu', g.storage, x.storage, alpha), x.shape, x.backend)]);
}
