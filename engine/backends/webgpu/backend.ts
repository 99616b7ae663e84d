/**
 * The WebGPU Backend object: the engine's kernel interface mapped onto the kernel files, all
 * sharing one WebGpuContext. Imported lazily by index.ts (it pulls in the WGSL sources).
 */
import type { Backend, Storage } from '../../backend.ts';
import type { WebGpuContext } from './context.ts';
import type { GpuStorage } from './kernel.ts';
import { binary, permute, unary, unaryBackward } from './elementwise.ts';
import { sum } from './reduce.ts';
import { matmul } from './matmul.ts';
import { logSoftmax, logSoftmaxBackward } from './softmax.ts';
import { gatherClass, indexSelect, scatterClass } from './classes.ts';
import { dropoutMask } from './dropout.ts';
import { adamStep, sgdStep } from './optim.ts';
import { conv2d, conv2dRelu, conv2dBackwardInput, conv2dBackwardWeight, conv2dBackwardWeightBias, conv2dReluMaxPool2d, conv2dReluMaxPool2dBackward } from './conv.ts';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.ts';

const gpu = (s: Storage) => s as GpuStorage;
const gpuOrNull = (s: Storage | null) => (s ? (s as GpuStorage) : null);

export function createWebGpuBackend(ctx: WebGpuContext): Backend {
  // Bound where an optional optimizer state is absent; the kernels never read it.
  const placeholder = ctx.alloc(1);
  // Every entry point first surfaces errors the GPU reported since the last call.
  const c = () => {
    ctx.check();
    return ctx;
  };
  return {
    name: 'webgpu',
    upload: (data) => c().upload(data),
    alloc: (length) => c().alloc(length),
    read: (s) => ctx.read(gpu(s)),
    release: (s) => ctx.release(gpu(s)),
    copyInto: (dst, src) => c().copyInto(gpu(dst), gpu(src)),
    unary: (op, x, alpha) => unary(c(), op, gpu(x), alpha),
    unaryBackward: (op, g, x, alpha) => unaryBackward(c(), op, gpu(g), gpu(x), alpha),
    binary: (op, a, aStrides, b, bStrides, outShape) => binary(c(), op, gpu(a), aStrides, gpu(b), bStrides, outShape),
    sum: (x, shape, axes) => sum(c(), gpu(x), shape, axes),
    permute: (x, shape, perm) => permute(c(), gpu(x), shape, perm),
    matmul: (a, b, batchA, batchB, m, k, n, transA, transB) => matmul(c(), gpu(a), gpu(b), batchA, batchB, m, k, n, transA, transB),
    logSoftmax: (x, outer, dim, inner) => logSoftmax(c(), gpu(x), outer, dim, inner),
    logSoftmaxBackward: (g, y, outer, dim, inner) => logSoftmaxBackward(c(), gpu(g), gpu(y), outer, dim, inner),
    conv2d: (x, w, bias, p) => conv2d(c(), gpu(x), gpu(w), gpuOrNull(bias), p),
    conv2dRelu: (x, w, bias, p) => conv2dRelu(c(), gpu(x), gpu(w), gpuOrNull(bias), p),
    convReluMaxPool: {
      forward: (x, w, bias, p, pool, withArgmax) => conv2dReluMaxPool2d(c(), gpu(x), gpu(w), gpuOrNull(bias), p, pool, withArgmax),
      backward: (g, out, argmax, x, w, p, pool, need) => conv2dReluMaxPool2dBackward(c(), gpu(g), gpu(out), gpu(argmax), gpu(x), gpu(w), p, pool, need),
    },
    conv2dBackwardInput: (g, w, p) => conv2dBackwardInput(c(), gpu(g), gpu(w), p),
    conv2dBackwardWeight: (g, x, p) => conv2dBackwardWeight(c(), gpu(g), gpu(x), p),
    conv2dBackwardWeightBias: (g, x, p) => conv2dBackwardWeightBias(c(), gpu(g), gpu(x), p),
    maxPool2d: (x, p) => maxPool2d(c(), gpu(x), p),
    maxPool2dBackward: (g, argmax, p) => maxPool2dBackward(c(), gpu(g), gpu(argmax), p),
    avgPool2d: (x, p) => avgPool2d(c(), gpu(x), p),
    avgPool2dBackward: (g, p) => avgPool2dBackward(c(), gpu(g), p),
    gatherClass: (x, index, n, cl) => gatherClass(c(), gpu(x), gpu(index), n, cl),
    scatterClass: (g, index, n, cl) => scatterClass(c(), gpu(g), gpu(index), n, cl),
    indexSelect: (table, index) => indexSelect(c(), gpu(table), gpu(index)),
    dropoutMask: (length, p, seed) => dropoutMask(c(), length, p, seed),
    sgdStep: (param, g, buf, o) => sgdStep(c(), placeholder, gpu(param), gpu(g), gpuOrNull(buf), o),
    adamStep: (param, g, m, v, vMax, o) => adamStep(c(), placeholder, gpu(param), gpu(g), gpu(m), gpu(v), gpuOrNull(vMax), o),
    flush: () => ctx.flush(),
    observeDispatches: (listener) => ctx.observeDispatches((seq, k) => listener({ seq, name: k.name, file: k.file, code: k.code })),
  };
}
