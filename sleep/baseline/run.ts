/**
 * The band-power baseline end to end, on the same split as the ConvNet: features of every
 * window, a StandardScaler fitted on the training windows, the logistic regression, and a run
 * record shaped like the ConvNet's (history every `reportEvery` steps as "epochs", valid and
 * test metrics and confusion matrices, weights + scaler as safetensors), so the app can show
 * both in one comparison.
 */
import type { EpochSet } from '../epochs/epochs.ts';
import { STAGES } from '../types.ts';
import { encodeSafetensors } from '../model/safetensors.ts';
import { classificationReport, type ClassificationReport } from '../train/metrics.ts';
import { SLEEP_STAGE_NAMES, newRunId, runMetricsFrom, type RunDataSelection, type RunEpoch, type RunRecord } from '../runs/record.ts';
import { FREQ_BANDS, bandPowerFeatures, concatLabels, type BandPowerOptions, type FeatureMatrix } from './bandPower.ts';
import { fitLogisticRegression, logLoss, predict, type FittedLogisticRegression, type LogisticRegressionOptions } from './logistic.ts';
import { fitStandardScaler, transformStandard, type StandardScaler } from './scaler.ts';

export interface BaselineSplits {
  train: readonly EpochSet[];
  valid: readonly EpochSet[];
  test: readonly EpochSet[];
}

export interface BaselineOptions extends Omit<LogisticRegressionOptions, 'onProgress'> {
  features?: BandPowerOptions;
  name?: string;
  /** Run id (default: a new one). */
  id?: string;
  created?: Date;
  /** Called with each history row as it is made. */
  onEpoch?: (row: RunEpoch) => void;
}

export interface BaselineResult {
  model: FittedLogisticRegression;
  scaler: StandardScaler;
  featureNames: string[];
  valid: ClassificationReport;
  test: ClassificationReport;
  record: RunRecord;
}

function splitReport(model: FittedLogisticRegression, x: FeatureMatrix, y: Int32Array, nClasses: number): { report: ClassificationReport; loss: number } {
  return { report: classificationReport(y, predict(model, x), nClasses), loss: x.nRows ? logLoss(model, x, y, model.classWeights) : NaN };
}

export function runBandPowerBaseline(splits: BaselineSplits, data: RunDataSelection, opts: BaselineOptions = {}): BaselineResult {
  const nClasses = opts.nClasses ?? STAGES.length;
  const featureOpts = opts.features ?? {};
  const raw = { train: bandPowerFeatures(splits.train, featureOpts), valid: bandPowerFeatures(splits.valid, featureOpts), test: bandPowerFeatures(splits.test, featureOpts) };
  const y = { train: concatLabels(splits.train), valid: concatLabels(splits.valid), test: concatLabels(splits.test) };
  const scaler = fitStandardScaler(raw.train);
  const x = { train: transformStandard(raw.train, scaler), valid: transformStandard(raw.valid, scaler), test: transformStandard(raw.test, scaler) };
  const history: RunEpoch[] = [];
  const reportEvery = opts.reportEvery ?? 100;
  const model = fitLogisticRegression(x.train, y.train, {
    ...opts,
    nClasses,
    reportEvery,
    onProgress: (step, objective, current) => {
      const m = current();
      const train = splitReport(m, x.train, y.train, nClasses);
      const valid = splitReport(m, x.valid, y.valid, nClasses);
      const row: RunEpoch = {
        epoch: history.length + 1,
        step,
        objective,
        trainLoss: train.loss,
        trainBalancedAccuracy: train.report.balancedAccuracy,
        trainKappa: train.report.kappa,
        validLoss: valid.loss,
        validBalancedAccuracy: valid.report.balancedAccuracy,
        validKappa: valid.report.kappa,
        validAccuracy: valid.report.accuracy,
      };
      history.push(row);
      opts.onEpoch?.(row);
    },
  });
  const valid = splitReport(model, x.valid, y.valid, nClasses);
  const test = splitReport(model, x.test, y.test, nClasses);
  const weights = encodeSafetensors(
    [
      ['linear.weight', { shape: [nClasses, model.nFeatures], data: model.coef }],
      ['linear.bias', { shape: [nClasses], data: model.intercept }],
      ['scaler.mean', { shape: [model.nFeatures], data: scaler.mean }],
      ['scaler.scale', { shape: [model.nFeatures], data: scaler.scale }],
    ],
    { dtype: 'F64', metadata: { model: 'logistic-regression', features: JSON.stringify(raw.train.names) } },
  );
  const bands = featureOpts.bands ?? FREQ_BANDS;
  const record: RunRecord = {
    id: opts.id ?? newRunId(),
    name: opts.name ?? 'Band powers + logistic regression',
    created: (opts.created ?? new Date()).toISOString(),
    model: 'logistic-regression',
    config: {
      features: 'relative band power (Welch, MNE sleep tutorial)',
      bands: bands.map((b) => ({ name: b.name, fmin: b.fmin, fmax: b.fmax })),
      logFeatures: featureOpts.log ?? false,
      standardize: true,
      C: Number.isFinite(opts.C ?? 1) ? (opts.C ?? 1) : 'Infinity',
      classWeights: opts.classWeight ?? 'none',
      optimizer: { name: 'adam', lr: opts.lr ?? 0.3, schedule: 'linear decay to 0', fullBatch: true },
      iterations: opts.iterations ?? 1000,
    },
    data: { ...data, windows: { train: raw.train.nRows, valid: raw.valid.nRows, test: raw.test.nRows } },
    history,
    metrics: { valid: runMetricsFrom(valid.report, valid.loss), test: runMetricsFrom(test.report, test.loss) },
    confusion: { valid: valid.report.confusion, test: test.report.confusion },
    classNames: SLEEP_STAGE_NAMES.slice(0, nClasses).concat(Array.from({ length: Math.max(0, nClasses - SLEEP_STAGE_NAMES.length) }, (_, i) => `class ${SLEEP_STAGE_NAMES.length + i}`)),
    status: 'completed',
    weights: { kind: 'safetensors', bytes: weights },
  };
  return { model, scaler, featureNames: raw.train.names, valid: valid.report, test: test.report, record };
}
