/** `nn`: modules and layers, with PyTorch's state-dict names and default initialisation. */
export { Module, asParameter, requireParameter } from './module.ts';
export type { StateDict, StateDictInput, LoadStateDictOptions, LoadStateDictResult } from './module.ts';
export { Linear } from './linear.ts';
export type { LinearOptions } from './linear.ts';
export { Conv1d, Conv2d } from './conv.ts';
export type { ConvLayerOptions } from './conv.ts';
export { MaxPool1d, MaxPool2d, AvgPool2d } from './pool.ts';
export { ReLU, ELU, Dropout, Flatten, Identity } from './activation.ts';
export { Sequential } from './sequential.ts';
export { BatchNorm2d } from './batchnorm.ts';
export type { BatchNormOptions } from './batchnorm.ts';
export * as init from './init.ts';
