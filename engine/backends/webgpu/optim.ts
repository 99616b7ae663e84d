/** WebGPU optimizer updates, in place, with PyTorch 1.13's single-tensor formulas. */
import type { AdamStepOptions, SgdStepOptions } from '../../backend.ts';
import type { GpuContext, GpuStorage } from './kernel.ts';
import { plainKernel } from './shaders.ts';

/** The kernel's name lists the specialisations baked in by its override constants. */
const variant = (base: string, flags: Record<string, boolean>) => [base, ...Object.entries(flags).filter(([, on]) => on).map(([f]) => f)].join('_');
import sgdStepWgsl from '../../../shaders/sgd_step.wgsl?raw';
import adamStepWgsl from '../../../shaders/adam_step.wgsl?raw';

function checkLengths(what: string, param: GpuStorage, others: (GpuStorage | null)[]): void {
  for (const o of others) {
    if (o && o.length !== param.length) throw new Error(`${what}: state of length ${o.length} for a parameter of ${param.length} elements`);
  }
}

/** `placeholder` is bound where an optional state buffer is absent (the kernel never reads it). */
export function sgdStep(ctx: GpuContext, placeholder: GpuStorage, param: GpuStorage, grad: GpuStorage, momentumBuffer: GpuStorage | null, o: SgdStepOptions): void {
  checkLengths('sgdStep', param, [grad, momentumBuffer]);
  const hasMomentum = o.momentum !== 0;
  if (hasMomentum && !momentumBuffer) throw new Error('sgdStep: momentum needs a momentum buffer');
  ctx.dispatch({
    kernel: plainKernel(variant('sgd_step', { momentum: hasMomentum, first: o.firstStep, nesterov: o.nesterov, maximize: o.maximize }), 'sgd_step.wgsl', sgdStepWgsl, {
      constants: { HAS_MOMENTUM: hasMomentum ? 1 : 0, FIRST_STEP: o.firstStep ? 1 : 0, NESTEROV: o.nesterov ? 1 : 0, MAXIMIZE: o.maximize ? 1 : 0 },
    }),
    inputs: [grad],
    outputs: [param, hasMomentum && momentumBuffer ? momentumBuffer : placeholder],
    uniforms: { n: param.length, lr: o.lr, momentum: o.momentum, dampeningKeep: 1 - o.dampening, weightDecay: o.weightDecay },
    workgroups: ctx.grid(param.length, 256),
  });
}

export function adamStep(
  ctx: GpuContext,
  placeholder: GpuStorage,
  param: GpuStorage,
  grad: GpuStorage,
  expAvg: GpuStorage,
  expAvgSq: GpuStorage,
  maxExpAvgSq: GpuStorage | null,
  o: AdamStepOptions,
): void {
  checkLengths('adamStep', param, [grad, expAvg, expAvgSq, o.amsgrad ? maxExpAvgSq : null]);
  if (o.amsgrad && !maxExpAvgSq) throw new Error('adamStep: amsgrad needs a max_exp_avg_sq buffer');
  if (!(o.step >= 1)) throw new Error(`adamStep: step must be >= 1 (1-based), got ${o.step}`);
  // Host-side float64, as PyTorch computes these Python scalars.
  const biasCorrection1 = 1 - o.beta1 ** o.step;
  const biasCorrection2 = 1 - o.beta2 ** o.step;
  ctx.dispatch({
    kernel: plainKernel(variant(o.decoupledWeightDecay ? 'adamw_step' : 'adam_step', { amsgrad: o.amsgrad, maximize: o.maximize }), 'adam_step.wgsl', adamStepWgsl, {
      constants: { AMSGRAD: o.amsgrad ? 1 : 0, MAXIMIZE: o.maximize ? 1 : 0, DECOUPLED: o.decoupledWeightDecay ? 1 : 0 },
    }),
    inputs: [grad],
    outputs: [param, expAvg, expAvgSq, o.amsgrad && maxExpAvgSq ? maxExpAvgSq : placeholder],
    uniforms: {
      n: param.length,
      beta1: o.beta1,
      beta2: o.beta2,
      oneMinusBeta1: 1 - o.beta1,
      oneMinusBeta2: 1 - o.beta2,
      weightDecay: o.weightDecay,
      decay: 1 - o.lr * o.weightDecay,
      stepSize: o.lr / biasCorrection1,
      biasCorrection2Sqrt: Math.sqrt(biasCorrection2),
      eps: o.eps,
    },
    workgroups: ctx.grid(param.length, 256),
  });
}
