/** AdamW (torch.optim.AdamW): Adam with decoupled weight decay, default weightDecay 1e-2. */
import { Adam, adamDefaults, type AdamOptions } from './adam.ts';
import type { ParamsInput } from './optimizer.ts';

export class AdamW extends Adam {
  protected override readonly decoupledWeightDecay: boolean = true;

  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, adamDefaults(opts, 1e-2));
  }
}
