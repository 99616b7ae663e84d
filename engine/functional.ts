/** `F`: the functional API, named as torch.nn.functional so the tutorial's code maps line by line. */
export { add, sub, mul, div, neg } from './ops/elementwise.ts';
export { exp, log, sqrt, square, abs, pow, reciprocal } from './ops/unary.ts';
export { sum, mean } from './ops/reduce.ts';
export { reshape, flatten, permute, transpose, unsqueeze, squeeze, expand, clone } from './ops/view.ts';
export { relu } from './ops/activation.ts';
export { elu, softplus } from './ops/activation.ts';
export { matmul, linear } from './ops/linear.ts';
export { softmax, logSoftmax } from './ops/softmax.ts';
export { nllLoss, crossEntropy, mseLoss } from './ops/loss.ts';
export type { Reduction, ClassTargets, NllLossOptions, CrossEntropyOptions, MseLossOptions } from './ops/loss.ts';
export { dropout } from './ops/dropout.ts';
export type { DropoutOptions } from './ops/dropout.ts';
export { conv1d, conv2d, conv2dRelu } from './ops/conv.ts';
export { conv2dReluMaxPool2d } from './ops/convPool.ts';
export { maxPool1d, maxPool2d, avgPool2d } from './ops/pool.ts';
