export { splitBySubject, type SubjectSplit, type SubjectSplitOptions } from './splits.ts';
export { balancedClassWeights } from './classWeights.ts';
export { WindowDataset, type Batch, type WindowDatasetOptions } from './dataset.ts';
export { batchToTensors } from './tensors.ts';
