/** Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (torch.optim.SGD). */
import { Tensor } from '../tensor.ts';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.ts';

export type SgdOptions = {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  maximize: boolean;
};

export class SGD extends Optimizer<SgdOptions> {
  constructor(params: ParamsInput<SgdOptions>, opts: Partial<SgdOptions> & { lr: number }) {
    super(params, {
      lr: opts.lr,
      momentum: opts.momentum ?? 0,
      dampening: opts.dampening ?? 0,
      nesterov: opts.nesterov ?? false,
      weightDecay: opts.weightDecay ?? 0,
      maximize: opts.maximize ?? false,
    });
  }

  protected override validate(g: SgdOptions): void {
    if (!(g.lr >= 0)) throw new Error(`SGD: invalid learning rate ${g.lr}`);
    if (!(g.momentum >= 0)) throw new Error(`SGD: invalid momentum ${g.momentum}`);
    if (!(g.weightDecay >= 0)) throw new Error(`SGD: invalid weightDecay ${g.weightDecay}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) throw new Error('SGD: Nesterov momentum requires a momentum and zero dampening');
  }

  protected updateParam(param: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<SgdOptions>): void {
    let buf: Tensor | null = null;
    let firstStep = false;
    if (g.momentum !== 0) {
      const existing = state.momentum_buffer;
      if (existing instanceof Tensor) buf = existing;
      else {
        buf = this.stateTensor(param);
        state.momentum_buffer = buf;
        firstStep = true;
      }
    }
    param.backend.sgdStep(param.storage, grad.storage, buf ? buf.storage : null, {
      lr: g.lr,
      momentum: g.momentum,
      dampening: g.dampening,
      nesterov: g.nesterov,
      weightDecay: g.weightDecay,
      maximize: g.maximize,
      firstStep,
    });
    buf?.markModified();
  }
}
