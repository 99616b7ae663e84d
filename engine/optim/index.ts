/** `optim`: optimizers with PyTorch 1.13's update rules. */
import { SGD } from './sgd.ts';
import { Adam } from './adam.ts';
import { AdamW } from './adamw.ts';

export { Optimizer } from './optimizer.ts';
export type { OptimizerStateDict, ParamGroup, ParamState, ParamsInput, HyperValue } from './optimizer.ts';
export { SGD, Adam, AdamW };
export type { SgdOptions } from './sgd.ts';
export type { AdamOptions } from './adam.ts';

/** Any of hypnograd's optimizers (what a training loop or a scheduler accepts). AdamW is an Adam. */
export type AnyOptimizer = SGD | Adam;
