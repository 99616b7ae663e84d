/** The tutorial's contrast to the ConvNet: relative band powers and a multinomial logistic regression. */
export { FREQ_BANDS, bandPowerFeatures, windowBandPowers, bandFeatureNames, concatLabels } from './bandPower.ts';
export type { FrequencyBand, BandPowerOptions, FeatureMatrix } from './bandPower.ts';
export { fitStandardScaler, transformStandard } from './scaler.ts';
export type { StandardScaler } from './scaler.ts';
export { fitLogisticRegression, predict, predictProba, logLoss } from './logistic.ts';
export type { LogisticRegressionOptions, FittedLogisticRegression } from './logistic.ts';
export { runBandPowerBaseline } from './run.ts';
export type { BaselineSplits, BaselineOptions, BaselineResult } from './run.ts';
