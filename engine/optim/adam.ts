/** Adam (torch.optim.Adam), with L2 weight decay added to the gradient and optional AMSGrad. */
import { Tensor } from '../tensor.ts';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.ts';

export type AdamOptions = {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
};

export function adamDefaults(opts: Partial<AdamOptions>, weightDecay: number): AdamOptions {
  return {
    lr: opts.lr ?? 1e-3,
    betas: opts.betas ?? [0.9, 0.999],
    eps: opts.eps ?? 1e-8,
    weightDecay: opts.weightDecay ?? weightDecay,
    amsgrad: opts.amsgrad ?? false,
    maximize: opts.maximize ?? false,
  };
}

export class Adam extends Optimizer<AdamOptions> {
  /** AdamW sets this: weight decay shrinks the weights directly. */
  protected readonly decoupledWeightDecay: boolean = false;

  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, adamDefaults(opts, 0));
  }

  protected override validate(g: AdamOptions): void {
    const name = this.constructor.name;
    if (!(g.lr >= 0)) throw new Error(`${name}: invalid learning rate ${g.lr}`);
    if (!(g.eps >= 0)) throw new Error(`${name}: invalid eps ${g.eps}`);
    if (g.betas.length !== 2) throw new Error(`${name}: betas must be two numbers, got [${g.betas}]`);
    g.betas.forEach((b, i) => {
      if (!(b >= 0 && b < 1)) throw new Error(`${name}: invalid beta parameter at index ${i}: ${b}`);
    });
    if (!(g.weightDecay >= 0)) throw new Error(`${name}: invalid weightDecay ${g.weightDecay}`);
  }

  protected updateParam(param: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<AdamOptions>): void {
    if (typeof state.step !== 'number') {
      state.step = 0;
      state.exp_avg = this.stateTensor(param);
      state.exp_avg_sq = this.stateTensor(param);
      if (g.amsgrad) state.max_exp_avg_sq = this.stateTensor(param);
    }
    if (g.amsgrad && !(state.max_exp_avg_sq instanceof Tensor)) state.max_exp_avg_sq = this.stateTensor(param);
    state.step += 1;
    const expAvg = state.exp_avg as Tensor;
    const expAvgSq = state.exp_avg_sq as Tensor;
    const maxSq = g.amsgrad ? (state.max_exp_avg_sq as Tensor) : null;
    param.backend.adamStep(param.storage, grad.storage, expAvg.storage, expAvgSq.storage, maxSq ? maxSq.storage : null, {
      lr: g.lr,
      beta1: g.betas[0],
      beta2: g.betas[1],
      eps: g.eps,
      weightDecay: g.weightDecay,
      amsgrad: g.amsgrad,
      maximize: g.maximize,
      decoupledWeightDecay: this.decoupledWeightDecay,
      step: state.step,
    });
    expAvg.markModified();
    expAvgSq.markModified();
    maxSq?.markModified();
  }
}
