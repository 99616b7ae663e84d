/**
 * The Chambon model's PyTorch fixtures (tests/fixtures/torch/chambon*.json|.safetensors, from
 * tests/fixtures/scripts/make_torch_chambon.py), typed, with the inputs rebuilt from their seeds.
 * The training-loss arrays are meant to be reused by a browser (WebGPU) suite too.
 */
import { readFileSync } from 'node:fs';
import type { ChambonOptions } from '../../sleep/model/index.ts';
import type { TensorJson } from '../helpers/torchCases.ts';
import { labels, windows } from './modelData.ts';

export interface InputSpec {
  seed: number;
  labelSeed: number;
  n: number;
}

export interface ConfigCase {
  options: ChambonOptions;
  numParameters: number;
  nFeatures: number;
  inputSize: number;
  stateDict: [string, number[]][];
  layerShapes: [string, number[]][];
}

export interface WeightsCase {
  file: string;
  options: ChambonOptions;
  metadata?: Record<string, string>;
  evalOutput: TensorJson;
}

export interface ChambonFixture {
  generator: string;
  evalInputs: InputSpec & { nChannels: number; nTimes: number; sum: number; first: number[] };
  configs: ConfigCase[];
  torchWeights: WeightsCase;
  torchWeightsBatchNorm: WeightsCase;
  hypnogradWeights: WeightsCase;
}

export interface TrainingRun {
  name: string;
  weights: string;
  model: ChambonOptions;
  optimizer: 'Adam' | 'SGD';
  options: { lr: number; momentum?: number };
  classWeights: number[];
  losses: number[];
  finalEvalOutput: TensorJson;
  finalBuffers?: Record<string, TensorJson>;
}

export interface TrainingFixture {
  generator: string;
  data: { seed: number; labelSeed: number; batches: number; batchSize: number };
  evalInputs: InputSpec;
  runs: TrainingRun[];
}

const dir = new URL('../fixtures/torch/', import.meta.url);

export function fixtureBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(file, dir)));
}

export const chambonFixture = JSON.parse(readFileSync(new URL('chambon.json', dir), 'utf8')) as ChambonFixture;
export const trainingFixture = JSON.parse(readFileSync(new URL('chambon_training.json', dir), 'utf8')) as TrainingFixture;

/** The [n, 2, 3000] evaluation windows every prediction in the fixtures was made on. */
export function evalInputs(spec: InputSpec = chambonFixture.evalInputs): Float64Array {
  return windows(spec.seed, labels(spec.labelSeed, spec.n, 5), 2, 3000);
}

/** The whole training set (batches back to back, in order) and its labels. */
export function trainingSet(): { x: Float64Array; y: number[] } {
  const d = trainingFixture.data;
  const y = labels(d.labelSeed, d.batches * d.batchSize, 5);
  return { x: windows(d.seed, y, 2, 3000), y };
}
