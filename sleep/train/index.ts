/** Training the sleep stager: config, pipeline, trainer, losses, checkpoints, report, metrics (browser-safe). */
export * from './config.ts';
export * from './losses.ts';
export * from './earlyStopping.ts';
export * from './history.ts';
export * from './checkpoint.ts';
export * from './control.ts';
export * from './events.ts';
export * from './evaluate.ts';
export * from './trainer.ts';
export * from './pipeline.ts';
export * from './report.ts';
export * from './metrics.ts';
