export { cropAnnotations, cropSignal, wakeCropWindow, type WakeCrop, type WakeCropMode, type CroppedSignal } from './crop.ts';
export { eventsFromAnnotations, type Events } from './events.ts';
export { epochView, extractEpochs, sleepEpochs, windowSamples, type EpochSet, type SleepEpochs, type SleepEpochOptions } from './epochs.ts';
export { STAGE_LABELS, annotationsFromStageString, isSleepStage, stageCharLabel, stageLabel } from './labels.ts';
export { ChannelStandardScaler, zscoreWindowsInPlace } from './scale.ts';
