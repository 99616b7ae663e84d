/**
 * The float64 reference backend. Every WebGPU kernel is checked against it; storages are plain
 * Float64Arrays, so readback is synchronous and release is left to the garbage collector.
 */
import type { Backend, Storage } from '../../backend.ts';
import { registerBackend } from '../../backend.ts';
import { binary, permute, sum, unary, unaryBackward } from './elementwise.ts';
import { matmul } from './matmul.ts';
import { logSoftmax, logSoftmaxBackward } from './softmax.ts';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight, conv2dBackwardWeightBias } from './conv.ts';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.ts';
import { gatherClass, indexSelect, scatterClass } from './classes.ts';
import { dropoutMask } from './dropout.ts';
import { adamStep, sgdStep } from './optim.ts';

export const cpuBackend: Backend = {
  name: 'cpu',
  upload: (data) => Float64Array.from(data),
  alloc: (length) => new Float64Array(length),
  read: async (s: Storage) => Float64Array.from(s as Float64Array),
  readSync: (s: Storage) => Float64Array.from(s as Float64Array),
  release: () => {},
  copyInto: (dst, src) => (dst as Float64Array).set(src as Float64Array),
  unary,
  unaryBackward,
  binary,
  sum,
  permute,
  matmul,
  logSoftmax,
  logSoftmaxBackward,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dBackwardWeightBias,
  maxPool2d,
  maxPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  gatherClass,
  scatterClass,
  indexSelect,
  dropoutMask,
  sgdStep,
  adamStep,
  flush: () => {},
};

registerBackend(cpuBackend);
