/**
 * Everything a training run is made of, as one JSON-serialisable object: the report and every
 * checkpoint carry it, and a resumed run refuses a checkpoint made under another configuration.
 * Defaults are the braindecode/MNE sleep-staging tutorial's (Chambon et al. 2018 example).
 */
import type { WakeCropMode } from '../epochs/crop.ts';

export type OptimizerName = 'adam' | 'adamw' | 'sgd';
export type LossName = 'cross-entropy' | 'focal';
/** 'window': z-score each window and channel (the tutorial); 'channel': one mean/std per channel fitted on the training set. */
export type ScalingMode = 'window' | 'channel' | 'none';

export interface OptimizerConfig {
  name: OptimizerName;
  lr: number;
  /** null: the optimizer's own default (Adam and SGD 0, AdamW 1e-2, as PyTorch). */
  weightDecay: number | null;
  /** SGD only. */
  momentum: number;
}

export interface LossConfig {
  name: LossName;
  /** Balanced class weights from the training set (the tutorial), or none. */
  classWeights: 'balanced' | 'none';
  /** Cross-entropy's label smoothing in [0, 1]. */
  labelSmoothing: number;
  /** Focal loss exponent (0 gives weighted cross-entropy). */
  gamma: number;
}

export interface PreprocessConfig {
  channels: string[];
  crop: WakeCropMode;
  cropMinutes: number;
  /** Band edges in Hz for MNE's raw.filter(lFreq, hFreq); null = no edge; both null = no filter. */
  lFreq: number | null;
  hFreq: number | null;
  scaling: ScalingMode;
}

export interface SplitConfig {
  testSubjects: number[];
  /** Explicit validation subjects; otherwise the nValid lowest-numbered non-test subjects. */
  validSubjects: number[] | null;
  nValid: number;
}

export interface TrainConfig {
  seed: number;
  epochs: number;
  batchSize: number;
  evalBatchSize: number;
  /** Early stopping on the validation loss; 0 disables it. */
  patience: number;
  /** Relative improvement needed to reset the patience counter (skorch's EarlyStopping threshold). */
  earlyStoppingThreshold: number;
  optimizer: OptimizerConfig;
  loss: LossConfig;
  preprocess: PreprocessConfig;
  split: SplitConfig;
  /**
   * Steps between loss readbacks. 1 reads every step (free on the CPU); on WebGPU a readback is
   * a GPU round trip, so a larger interval keeps the queue full. The epoch's end always reads.
   */
  readbackInterval: number;
  /** Also evaluate the last epoch's weights on the test set (the tutorial's notebook reported those). */
  testLastModel: boolean;
}

export type TrainConfigInput = Partial<Omit<TrainConfig, 'optimizer' | 'loss' | 'preprocess' | 'split'>> & {
  optimizer?: Partial<OptimizerConfig>;
  loss?: Partial<LossConfig>;
  preprocess?: Partial<PreprocessConfig>;
  split?: Partial<SplitConfig>;
};

export const DEFAULT_SEED = 87;

export function defaultTrainConfig(): TrainConfig {
  return {
    seed: DEFAULT_SEED,
    epochs: 10,
    batchSize: 128,
    evalBatchSize: 256,
    patience: 5,
    earlyStoppingThreshold: 1e-4,
    optimizer: { name: 'adam', lr: 1e-3, weightDecay: null, momentum: 0.9 },
    loss: { name: 'cross-entropy', classWeights: 'balanced', labelSmoothing: 0, gamma: 2 },
    preprocess: { channels: ['EEG Fpz-Cz', 'EEG Pz-Oz'], crop: 'braindecode', cropMinutes: 30, lFreq: null, hFreq: 30, scaling: 'window' },
    split: { testSubjects: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], validSubjects: null, nValid: 4 },
    readbackInterval: 1,
    testLastModel: true,
  };
}

/** Defaults overridden by `input`, then checked; throws naming the field at fault. */
export function resolveTrainConfig(input: TrainConfigInput = {}): TrainConfig {
  const d = defaultTrainConfig();
  const config: TrainConfig = {
    ...d,
    ...stripUndefined(input),
    optimizer: { ...d.optimizer, ...stripUndefined(input.optimizer ?? {}) },
    loss: { ...d.loss, ...stripUndefined(input.loss ?? {}) },
    preprocess: { ...d.preprocess, ...stripUndefined(input.preprocess ?? {}) },
    split: { ...d.split, ...stripUndefined(input.split ?? {}) },
  } as TrainConfig;
  validateTrainConfig(config);
  return config;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const CROPS: readonly WakeCropMode[] = ['braindecode', 'sleep-end', 'mne-tutorial', 'none'];

export function validateTrainConfig(c: TrainConfig): void {
  const fail = (field: string, why: string) => {
    throw new Error(`training config: ${field} ${why}`);
  };
  const posInt = (field: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) fail(field, `must be a positive integer, got ${v}`);
  };
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 0xffffffff) fail('seed', `must be an integer 0..4294967295, got ${c.seed}`);
  posInt('epochs', c.epochs);
  posInt('batchSize', c.batchSize);
  posInt('evalBatchSize', c.evalBatchSize);
  posInt('readbackInterval', c.readbackInterval);
  if (!Number.isInteger(c.patience) || c.patience < 0) fail('patience', `must be an integer >= 0 (0 = off), got ${c.patience}`);
  if (!(c.earlyStoppingThreshold >= 0)) fail('earlyStoppingThreshold', `must be >= 0, got ${c.earlyStoppingThreshold}`);
  if (!['adam', 'adamw', 'sgd'].includes(c.optimizer.name)) fail('optimizer.name', `must be adam, adamw or sgd, got '${c.optimizer.name}'`);
  if (!(c.optimizer.lr > 0) || !Number.isFinite(c.optimizer.lr)) fail('optimizer.lr', `must be a positive number, got ${c.optimizer.lr}`);
  if (c.optimizer.weightDecay !== null && !(c.optimizer.weightDecay >= 0)) fail('optimizer.weightDecay', `must be >= 0, got ${c.optimizer.weightDecay}`);
  if (!(c.optimizer.momentum >= 0 && c.optimizer.momentum < 1)) fail('optimizer.momentum', `must be in [0, 1), got ${c.optimizer.momentum}`);
  if (!['cross-entropy', 'focal'].includes(c.loss.name)) fail('loss.name', `must be cross-entropy or focal, got '${c.loss.name}'`);
  if (!['balanced', 'none'].includes(c.loss.classWeights)) fail('loss.classWeights', `must be balanced or none, got '${c.loss.classWeights}'`);
  if (!(c.loss.labelSmoothing >= 0 && c.loss.labelSmoothing <= 1)) fail('loss.labelSmoothing', `must be in [0, 1], got ${c.loss.labelSmoothing}`);
  if (c.loss.name === 'focal' && c.loss.labelSmoothing !== 0) fail('loss.labelSmoothing', 'is a cross-entropy option; the focal loss takes gamma');
  if (!(c.loss.gamma >= 0) || !Number.isFinite(c.loss.gamma)) fail('loss.gamma', `must be a number >= 0, got ${c.loss.gamma}`);
  const p = c.preprocess;
  if (!Array.isArray(p.channels) || p.channels.length === 0) fail('preprocess.channels', 'must name at least one channel');
  if (!CROPS.includes(p.crop)) fail('preprocess.crop', `must be one of ${CROPS.join(', ')}, got '${p.crop}'`);
  if (!(p.cropMinutes >= 0)) fail('preprocess.cropMinutes', `must be >= 0, got ${p.cropMinutes}`);
  for (const k of ['lFreq', 'hFreq'] as const) {
    const v = p[k];
    if (v !== null && !(v > 0 && Number.isFinite(v))) fail(`preprocess.${k}`, `must be a positive frequency in Hz or null, got ${v}`);
  }
  if (p.lFreq !== null && p.hFreq !== null && !(p.lFreq < p.hFreq)) fail('preprocess.lFreq', `(${p.lFreq} Hz) must be below hFreq (${p.hFreq} Hz)`);
  if (!['window', 'channel', 'none'].includes(p.scaling)) fail('preprocess.scaling', `must be window, channel or none, got '${p.scaling}'`);
  if (!Number.isInteger(c.split.nValid) || c.split.nValid < 1) fail('split.nValid', `must be a positive integer, got ${c.split.nValid}`);
}

/**
 * Fields of `a` and `b` that differ in a way that changes the computation, so a checkpoint made
 * under `a` cannot be continued under `b`. The epoch budget may grow, and the readback interval
 * and the last-model test are bookkeeping.
 */
export function resumeConflicts(a: TrainConfig, b: TrainConfig): string[] {
  const free = new Set(['epochs', 'readbackInterval', 'testLastModel']);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !free.has(k) && canonicalJson((a as unknown as Record<string, unknown>)[k]) !== canonicalJson((b as unknown as Record<string, unknown>)[k])).sort();
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
