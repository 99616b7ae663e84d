/** hypnograd's engine: tensors, autograd, ops, nn, optim. The CPU backend is always present. */
import './backends/cpu/index.ts';
import './methods.ts';

export { Tensor, tensor, zeros, ones, full, zerosLike, onesLike, randn, rand, arange, tidy, keep, liveTensorCount, fromStorage } from './tensor.ts';
export type { TensorOptions, RandomOptions, NestedArray } from './tensor.ts';
export { backward, noGrad, isGradEnabled } from './autograd.ts';
export { manualSeed, defaultGenerator, Generator, hashUint32 } from './random.ts';
export type { GeneratorState } from './random.ts';
export { registerBackend, getBackend, hasBackend, setDefaultDevice, getDefaultDevice } from './backend.ts';
export type { Backend, DeviceName, DispatchedKernel, Storage } from './backend.ts';
export * as F from './functional.ts';
export { convOutLength, poolOutLength } from './ops/spatial.ts';
export { gradcheck } from './gradcheck.ts';
export type { GradcheckOptions, GradcheckResult } from './gradcheck.ts';
export * as nn from './nn/index.ts';
export * as optim from './optim/index.ts';
export { extractGraph, traceBackward, traceForwardKernels, formatGraph, OP_KERNELS, STEP_KERNELS, opKernels, allKernelFiles, shaderHeader } from './graph.ts';
export type { StepGraph, GraphOp, GraphTensor, GraphTensorKind, ExtractGraphOptions, BackwardTraceEntry, OpKernels, ForwardKernels } from './graph.ts';
export { initWebGPU, webgpuStats, markWebGpuStats, startWebGpuProfile, stopWebGpuProfile, syncWebGPU, trimWebGpuPool, webgpuInfo } from './backends/webgpu/index.ts';
export type { InitWebGPUOptions, KernelProfile, KernelTime, TimedDispatch, WebGpuInfo, WebGpuStats } from './backends/webgpu/index.ts';
