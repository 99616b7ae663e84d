/** Learner internals: first-layer filters, layer activations, per-layer gradient and update statistics. */
export { temporalFilters, firstLayerFilters, magnitudeResponse, spatialMix } from './filters.ts';
export type { TemporalFilter, FilterResponseOptions } from './filters.ts';
export { layerActivations } from './activations.ts';
export type { LayerActivation, WindowInput } from './activations.ts';
export { GradientTracker } from './gradientTracker.ts';
export type { GradientTrackerOptions, StepStats, TensorStats, LayerStats } from './gradientTracker.ts';
