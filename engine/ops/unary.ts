/** Elementwise functions of one tensor, each with its local derivative beside it. */
import type { UnaryOp } from '../backend.ts';
import { record } from '../autograd.ts';
import { Tensor, fromStorage } from '../tensor.ts';

function unaryForward(op: UnaryOp, x: Tensor, alpha = 0): Tensor {
  return fromStorage(x.backend.unary(op, x.storage, alpha), x.shape, x.backend);
}

export function exp(x: Tensor): Tensor {
  const out = unaryForward('exp', x);
  return record('exp', [x], out, (g) => [g.mul(out)], [out]); // d e^x = e^x
}

export function log(x: Tensor): Tensor {
  const out = unaryForward('log', x);
  return record('log', [x], out, (g) => [g.div(x)]); // d ln x = 1/x
}

export function sqrt(x: Tensor): Tensor {
  const out = unaryForward('sqrt', x);
  return record('sqrt', [x], out, (g) => [g.div(out.mul(2))], [out]); // d sqrt x = 1/(2 sqrt x)
}

export function square(x: Tensor): Tensor {
  const out = unaryForward('square', x);
  return record('square', [x], out, (g) => [g.mul(x).mul(2)]);
}

export function abs(x: Tensor): Tensor {
  const out = unaryForward('abs', x);
  // sign(x), with 0 at 0 as PyTorch
  return record('abs', [x], out, (g) => [g.mul(x.div(out.add(Number.MIN_VALUE)))], [x, out]);
}

/** x ** exponent for a constant exponent. */
export function pow(x: Tensor, exponent: number): Tensor {
  const out = unaryForward('pow', x, exponent);
  // x^0 is constant: its gradient is 0 everywhere, also at x = 0 where x^-1 would make it NaN (as PyTorch).
  if (exponent === 0) return record('pow', [x], out, (g) => [g.mul(0)], []);
  return record('pow', [x], out, (g) => [g.mul(pow(x, exponent - 1)).mul(exponent)]);
}

export function reciprocal(x: Tensor): Tensor {
  const out = unaryForward('reciprocal', x);
  return record('reciprocal', [x], out, (g) => [g.mul(out).mul(out).neg()], [out]);
}
