/**
 * Op name (as the PyTorch fixtures under tests/fixtures/torch name them) -> the hypnograd call
 * that computes it. Browser-safe, so the WebGPU fixture suite and the Node suites can share it.
 */
import { F, type Tensor } from '../../engine/index.ts';
import type { Reduction } from '../../engine/functional.ts';
import type { Conv1dOptions, Conv2dOptions } from '../../engine/ops/conv.ts';
import type { AvgPool2dOptions, Pool1dOptions, Pool2dOptions } from '../../engine/ops/pool.ts';
import type { Size2 } from '../../engine/ops/spatial.ts';
import type { OpRunner } from './torchCases.ts';

const num = (a: Record<string, unknown>, k: string) => a[k] as number;
const dims = (a: Record<string, unknown>) => a.dim as number[] | undefined;

function pool(op: string, x: Tensor, args: Record<string, unknown>): Tensor {
  const { kernelSize, ...opts } = args;
  if (op === 'maxPool2d') return F.maxPool2d(x, kernelSize as Size2, opts as Pool2dOptions);
  if (op === 'maxPool1d') return F.maxPool1d(x, kernelSize as number, opts as Pool1dOptions);
  return F.avgPool2d(x, kernelSize as Size2, opts as AvgPool2dOptions);
}

export const OP_RUNNERS: Record<string, OpRunner> = {
  add: ({ a, b }) => a.add(b),
  sub: ({ a, b }) => a.sub(b),
  mul: ({ a, b }) => a.mul(b),
  div: ({ a, b }) => a.div(b),
  addScalar: ({ a }, args) => a.add(num(args, 'scalar')),
  subScalar: ({ a }, args) => a.sub(num(args, 'scalar')),
  mulScalar: ({ a }, args) => a.mul(num(args, 'scalar')),
  divScalar: ({ a }, args) => a.div(num(args, 'scalar')),
  neg: ({ x }) => x.neg(),
  exp: ({ x }) => x.exp(),
  log: ({ x }) => x.log(),
  sqrt: ({ x }) => x.sqrt(),
  square: ({ x }) => x.square(),
  abs: ({ x }) => x.abs(),
  reciprocal: ({ x }) => x.reciprocal(),
  pow: ({ x }, args) => x.pow(num(args, 'exponent')),
  relu: ({ x }) => F.relu(x),
  elu: ({ x }, args) => F.elu(x, num(args, 'alpha')),
  softplus: ({ x }, args) => F.softplus(x, num(args, 'beta')),
  sum: ({ x }, args) => x.sum(dims(args), args.keepdim as boolean | undefined),
  mean: ({ x }, args) => x.mean(dims(args), args.keepdim as boolean | undefined),
  reshape: ({ x }, args) => x.reshape(args.shape as number[]),
  permute: ({ x }, args) => x.permute(args.dims as number[]),
  transpose: ({ x }, args) => x.transpose(num(args, 'dim0'), num(args, 'dim1')),
  flatten: ({ x }, args) => x.flatten(num(args, 'startDim'), num(args, 'endDim')),
  unsqueeze: ({ x }, args) => x.unsqueeze(num(args, 'dim')),
  squeeze: ({ x }, args) => x.squeeze(num(args, 'dim')),
  expand: ({ x }, args) => x.expand(args.shape as number[]),
  matmul: ({ a, b }) => F.matmul(a, b),
  linear: ({ x, weight, bias }) => F.linear(x, weight, bias),
  softmax: ({ x }, args) => F.softmax(x, num(args, 'dim')),
  logSoftmax: ({ x }, args) => F.logSoftmax(x, num(args, 'dim')),
  nllLoss: ({ x, target, weight }, args) =>
    F.nllLoss(x, target, { weight, reduction: args.reduction as Reduction, ignoreIndex: args.ignoreIndex as number | undefined }),
  crossEntropy: ({ x, target, weight }, args) =>
    F.crossEntropy(x, target, {
      weight,
      reduction: args.reduction as Reduction,
      labelSmoothing: args.labelSmoothing as number,
      ignoreIndex: args.ignoreIndex as number | undefined,
    }),
  mseLoss: ({ a, b }, args) => F.mseLoss(a, b, { reduction: args.reduction as Reduction }),
  conv2d: ({ x, weight, bias }, args) => F.conv2d(x, weight, bias ?? null, args as Conv2dOptions),
  conv1d: ({ x, weight, bias }, args) => F.conv1d(x, weight, bias ?? null, args as Conv1dOptions),
  maxPool2d: ({ x }, args) => pool('maxPool2d', x, args),
  maxPool1d: ({ x }, args) => pool('maxPool1d', x, args),
  avgPool2d: ({ x }, args) => pool('avgPool2d', x, args),
};
