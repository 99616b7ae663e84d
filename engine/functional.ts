/** `F`: the functional API, named as torch.nn.functional so the tutorial's code maps line by line. */
export { add, sub, mul, div, neg } from './ops/elementwise.ts';
export { exp, log, sqrt, square, abs, pow, reciprocal } from './ops/unary.ts';
export { sum, mean } from './ops/reduce.ts';
export { reshape, flatten, permute, transpose, unsqueeze, squeeze, expand } from './ops/view.ts';
export { relu } from './ops/activation.ts';
