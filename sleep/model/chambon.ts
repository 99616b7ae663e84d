/**
 * SleepStagerChambon2018: the Chambon et al. (2018) ConvNet as braindecode builds it, with
 * braindecode's module names so state dicts move between hypnograd and PyTorch unchanged:
 *
 *   spatial_conv       Conv2d(1, C, (C, 1))           only when C > 1; then transpose(1, 2)
 *   feature_extractor  Sequential(
 *     0 Conv2d(1, F, (1, K), padding (0, P))
 *     1 BatchNorm2d(F) | Identity                      the slot exists either way (braindecode)
 *     2 ReLU
 *     3 MaxPool2d((1, M))
 *     4 Conv2d(F, F, (1, K), padding (0, P))
 *     5 BatchNorm2d(F) | Identity
 *     6 ReLU
 *     7 MaxPool2d((1, M)))
 *   fc                 Sequential(0 Dropout(p), 1 Linear(features, nClasses))
 *
 * Input [N, C, T] (or [N, 1, C, T]); output logits [N, nClasses].
 *
 * Sizes in samples come from sizes in seconds, and braindecode rounded them two ways over its
 * history (see `ChambonRounding`). With sfreq = 100 only the pool differs: 0.125 s is 12.5
 * samples, truncated to 12 or rounded up to 13, which gives 320 or 272 features and 5,227 or
 * 4,987 parameters for two channels and five classes.
 *
 * braindecode >= 0.8 renamed `fc` to `final_layer`; `BRAINDECODE_KEY_ALIASES` maps those keys on
 * import.
 */
import { F, convOutLength, nn, poolOutLength, type DeviceName, type Generator, type Tensor } from '../../engine/index.ts';
import { STAGES } from '../types.ts';

/**
 * How seconds become samples:
 * - 'tutorial': int() truncation and pad = kernel // 2, as braindecode's first version of this
 *   model did; the reference tutorial's network (pool 12 at 100 Hz, 320 features, 5,227
 *   parameters) is this one;
 * - 'braindecode': numpy.ceil of every size and pad = ceil(padSizeS * sfreq), as braindecode
 *   0.6 and later do (pool 13 at 100 Hz, 272 features, 4,987 parameters).
 * Both round the same float64 product, so they differ only where it is not an integer: 12.5
 * samples of pool, or 0.29 s * 100 Hz = 28.999999999999996 (28 against 29).
 */
export type ChambonRounding = 'tutorial' | 'braindecode';

export interface ChambonOptions {
  /** EEG channels (2: Fpz-Cz, Pz-Oz). */
  nChannels?: number;
  /** Sampling rate in Hz. */
  sfreq?: number;
  /** Window length in seconds. */
  inputSizeS?: number;
  nClasses?: number;
  /** Filters of each temporal convolution. */
  nConvChs?: number;
  timeConvSizeS?: number;
  maxPoolSizeS?: number;
  /** Padding in seconds; used by the 'braindecode' rounding only ('tutorial' pads kernel // 2). */
  padSizeS?: number;
  /** Dropout before the linear layer. */
  dropout?: number;
  /** BatchNorm2d after each temporal convolution (braindecode's apply_batch_norm). */
  batchNorm?: boolean;
  rounding?: ChambonRounding;
  /**
   * Run each Conv2d of feature_extractor followed (past Identity slots) by its ReLU and MaxPool2d
   * as one fused op (F.conv2dReluMaxPool2d; a Conv2d and ReLU without the pool as F.conv2d with
   * activation 'relu'); default true. The modules, state-dict keys, values and gradients are the
   * same either way; only the recorded graph differs (one op in place of three).
   */
  fuseActivations?: boolean;
  /** Initialisation draws from this generator (default: the global one), in PyTorch's order. */
  generator?: Generator;
  device?: DeviceName;
}

/** Every choice of a model, with the sizes in samples that follow from them. */
export interface ChambonConfig {
  nChannels: number;
  sfreq: number;
  inputSizeS: number;
  nClasses: number;
  nConvChs: number;
  timeConvSizeS: number;
  maxPoolSizeS: number;
  padSizeS: number;
  dropout: number;
  batchNorm: boolean;
  rounding: ChambonRounding;
  /** Samples per window. */
  inputSize: number;
  timeConvSize: number;
  maxPoolSize: number;
  padSize: number;
  /** Flattened features entering the linear layer. */
  nFeatures: number;
}

/** State-dict prefixes of braindecode versions, mapped to this model's. */
export const BRAINDECODE_KEY_ALIASES: readonly (readonly [string, string])[] = [['final_layer.', 'fc.']];

function positiveInt(field: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`SleepStagerChambon2018: ${field} must be a positive integer, got ${v}`);
  return v;
}

function positive(field: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new Error(`SleepStagerChambon2018: ${field} must be a positive number, got ${v}`);
  return v;
}

/**
 * Resolves options to a full configuration. Products such as 0.125 * 100 are computed in float64
 * exactly as Python does, so truncation and ceil land on the same integers as braindecode.
 */
export function chambonConfig(opts: Omit<ChambonOptions, 'generator' | 'device'> = {}): ChambonConfig {
  const rounding = opts.rounding ?? 'tutorial';
  if (rounding !== 'tutorial' && rounding !== 'braindecode') throw new Error(`SleepStagerChambon2018: rounding must be 'tutorial' or 'braindecode', got '${String(rounding)}'`);
  const nChannels = positiveInt('nChannels', opts.nChannels ?? 2);
  const sfreq = positive('sfreq', opts.sfreq ?? 100);
  const inputSizeS = positive('inputSizeS', opts.inputSizeS ?? 30);
  const nClasses = positiveInt('nClasses', opts.nClasses ?? STAGES.length);
  const nConvChs = positiveInt('nConvChs', opts.nConvChs ?? 8);
  const timeConvSizeS = positive('timeConvSizeS', opts.timeConvSizeS ?? 0.5);
  const maxPoolSizeS = positive('maxPoolSizeS', opts.maxPoolSizeS ?? 0.125);
  const padSizeS = opts.padSizeS ?? 0.25;
  if (!(padSizeS >= 0)) throw new Error(`SleepStagerChambon2018: padSizeS must be >= 0, got ${padSizeS}`);
  const dropout = opts.dropout ?? 0.25;
  if (!(dropout >= 0 && dropout <= 1)) throw new Error(`SleepStagerChambon2018: dropout must be in [0, 1], got ${dropout}`);
  const round = rounding === 'tutorial' ? Math.trunc : Math.ceil;
  const timeConvSize = round(timeConvSizeS * sfreq);
  const maxPoolSize = round(maxPoolSizeS * sfreq);
  const inputSize = round(inputSizeS * sfreq);
  const padSize = rounding === 'tutorial' ? Math.floor(timeConvSize / 2) : Math.ceil(padSizeS * sfreq);
  for (const [k, v] of [['timeConvSize', timeConvSize], ['maxPoolSize', maxPoolSize], ['inputSize', inputSize]] as const) {
    if (v < 1) throw new Error(`SleepStagerChambon2018: ${k} rounds to ${v} samples at ${sfreq} Hz ('${rounding}' rounding); it must be at least 1`);
  }
  // The time axis through conv, pool, conv, pool (the height, nChannels, is untouched).
  let t = inputSize;
  for (let layer = 0; layer < 2; layer++) {
    t = convOutLength(t, timeConvSize, 1, padSize, 1);
    if (t < 1) throw new Error(`SleepStagerChambon2018: a ${inputSize}-sample window is too short for kernel ${timeConvSize} with padding ${padSize}`);
    if (t < maxPoolSize) throw new Error(`SleepStagerChambon2018: a ${inputSize}-sample window leaves ${t} samples before pool ${layer + 1} of size ${maxPoolSize}`);
    t = poolOutLength(t, maxPoolSize, maxPoolSize, 0, false);
  }
  const nFeatures = nConvChs * nChannels * t;
  return {
    nChannels, sfreq, inputSizeS, nClasses, nConvChs, timeConvSizeS, maxPoolSizeS, padSizeS, dropout,
    batchNorm: opts.batchNorm ?? false, rounding, inputSize, timeConvSize, maxPoolSize, padSize, nFeatures,
  };
}

export class SleepStagerChambon2018 extends nn.Module {
  readonly config: ChambonConfig;
  readonly spatialConv: nn.Conv2d | null;
  readonly featureExtractor: nn.Sequential;
  readonly fc: nn.Sequential;
  /** See ChambonOptions.fuseActivations. */
  fuseActivations: boolean;

  constructor(opts: ChambonOptions = {}) {
    super();
    const c = chambonConfig(opts);
    this.config = c;
    this.fuseActivations = opts.fuseActivations ?? true;
    const init = { generator: opts.generator, device: opts.device };
    // Registration order is braindecode's, so the initial draws and the state-dict order match.
    this.spatialConv = c.nChannels > 1 ? this.registerModule('spatial_conv', new nn.Conv2d(1, c.nChannels, [c.nChannels, 1], init)) : null;
    const norm = (): nn.Module => (c.batchNorm ? new nn.BatchNorm2d(c.nConvChs, { device: opts.device }) : new nn.Identity());
    const temporal = (inChannels: number) => new nn.Conv2d(inChannels, c.nConvChs, [1, c.timeConvSize], { padding: [0, c.padSize], ...init });
    this.featureExtractor = this.registerModule(
      'feature_extractor',
      new nn.Sequential(
        temporal(1), norm(), new nn.ReLU(), new nn.MaxPool2d([1, c.maxPoolSize]),
        temporal(c.nConvChs), norm(), new nn.ReLU(), new nn.MaxPool2d([1, c.maxPoolSize]),
      ),
    );
    this.fc = this.registerModule('fc', new nn.Sequential(new nn.Dropout(c.dropout, { generator: opts.generator }), new nn.Linear(c.nFeatures, c.nClasses, init)));
  }

  /** [N, C, T] (or [N, 1, C, T]) to [N, 1, C, T], checked against the configuration. */
  private asImage(x: Tensor): Tensor {
    const c = this.config;
    const image = x.ndim === 3 ? x.unsqueeze(1) : x;
    if (image.ndim !== 4 || image.shape[1] !== 1 || image.shape[2] !== c.nChannels) {
      throw new Error(`SleepStagerChambon2018: expected input [N, ${c.nChannels}, T] or [N, 1, ${c.nChannels}, T], got [${x.shape}]`);
    }
    return image;
  }

  /** The spatial mix of channels, back in [N, 1, C, T] layout (braindecode's transpose(1, 2)). */
  spatial(x: Tensor): Tensor {
    const image = this.asImage(x);
    return this.spatialConv ? this.spatialConv.forward(image).transpose(1, 2) : image;
  }

  /** Flattened features before the classifier, [N, nFeatures]. */
  features(x: Tensor): Tensor {
    const image = this.spatial(x);
    return (this.fuseActivations ? this.fusedFeatureExtractor(image) : this.featureExtractor.forward(image)).flatten(1);
  }

  /** feature_extractor's forward with each Conv2d, Identity..., ReLU[, MaxPool2d] run as one op. */
  private fusedFeatureExtractor(x: Tensor): Tensor {
    const layers = [...this.featureExtractor];
    let h = x;
    for (let i = 0; i < layers.length; i++) {
      const m = layers[i];
      if (m instanceof nn.Conv2d) {
        let j = i + 1;
        while (j < layers.length && layers[j] instanceof nn.Identity) j++;
        if (j < layers.length && layers[j] instanceof nn.ReLU) {
          const pool = layers[j + 1];
          if (pool instanceof nn.MaxPool2d) {
            h = F.conv2dReluMaxPool2d(h, m.weight, m.bias, m.conv, pool.kernelSize, pool.opts);
            i = j + 1;
          } else {
            h = F.conv2d(h, m.weight, m.bias, { ...m.conv, activation: 'relu' });
            i = j;
          }
          continue;
        }
      }
      h = m.forward(h);
    }
    return h;
  }

  override forward(x: Tensor): Tensor {
    return this.fc.forward(this.features(x));
  }

  override extraRepr(): string {
    const c = this.config;
    return `nChannels=${c.nChannels}, sfreq=${c.sfreq}, inputSize=${c.inputSize}, nClasses=${c.nClasses}, rounding='${c.rounding}'`;
  }
}
