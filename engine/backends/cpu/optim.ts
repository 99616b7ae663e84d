/**
 * CPU optimizer updates, in place, float64, following PyTorch 1.13's single-tensor code paths
 * (torch/optim/sgd.py `_single_tensor_sgd`, adam.py `_single_tensor_adam`, adamw.py
 * `_single_tensor_adamw`) operation by operation, so results agree to rounding.
 */
import type { AdamStepOptions, SgdStepOptions, Storage } from '../../backend.ts';

const f64 = (s: Storage) => s as Float64Array;

function checkLengths(what: string, param: Float64Array, others: (Float64Array | null)[]): void {
  for (const o of others) {
    if (o && o.length !== param.length) throw new Error(`${what}: state of length ${o.length} for a parameter of ${param.length} elements`);
  }
}

export function sgdStep(param: Storage, grad: Storage, momentumBuffer: Storage | null, o: SgdStepOptions): void {
  const p = f64(param);
  const g = f64(grad);
  const buf = momentumBuffer ? f64(momentumBuffer) : null;
  checkLengths('sgdStep', p, [g, buf]);
  if (o.momentum !== 0 && !buf) throw new Error('sgdStep: momentum needs a momentum buffer');
  const keep = 1 - o.dampening;
  for (let i = 0; i < p.length; i++) {
    let d = o.maximize ? -g[i] : g[i];
    if (o.weightDecay !== 0) d = d + o.weightDecay * p[i];
    if (o.momentum !== 0 && buf) {
      // PyTorch starts the buffer at the (decayed) gradient itself, without dampening.
      buf[i] = o.firstStep ? d : buf[i] * o.momentum + keep * d;
      d = o.nesterov ? d + o.momentum * buf[i] : buf[i];
    }
    p[i] = p[i] + -o.lr * d;
  }
}

export function adamStep(param: Storage, grad: Storage, expAvg: Storage, expAvgSq: Storage, maxExpAvgSq: Storage | null, o: AdamStepOptions): void {
  const p = f64(param);
  const g = f64(grad);
  const m = f64(expAvg);
  const v = f64(expAvgSq);
  const vMax = o.amsgrad && maxExpAvgSq ? f64(maxExpAvgSq) : null;
  checkLengths('adamStep', p, [g, m, v, vMax]);
  if (o.amsgrad && !vMax) throw new Error('adamStep: amsgrad needs a max_exp_avg_sq buffer');
  if (!(o.step >= 1)) throw new Error(`adamStep: step must be >= 1 (1-based), got ${o.step}`);
  const biasCorrection1 = 1 - o.beta1 ** o.step;
  const biasCorrection2 = 1 - o.beta2 ** o.step;
  const stepSize = o.lr / biasCorrection1;
  const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
  const decay = 1 - o.lr * o.weightDecay;
  const oneMinusBeta1 = 1 - o.beta1;
  const oneMinusBeta2 = 1 - o.beta2;
  for (let i = 0; i < p.length; i++) {
    let gi = o.maximize ? -g[i] : g[i];
    if (o.decoupledWeightDecay) p[i] = p[i] * decay;
    else if (o.weightDecay !== 0) gi = gi + o.weightDecay * p[i];
    m[i] = m[i] * o.beta1 + oneMinusBeta1 * gi;
    v[i] = v[i] * o.beta2 + oneMinusBeta2 * gi * gi;
    let second = v[i];
    if (vMax) {
      vMax[i] = Math.max(vMax[i], v[i]);
      second = vMax[i];
    }
    const denom = Math.sqrt(second) / biasCorrection2Sqrt + o.eps;
    p[i] = p[i] + -stepSize * (m[i] / denom);
  }
}
