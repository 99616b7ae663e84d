/** Seeded host-side input data for the self-tests (the same values go to every backend). */
import { Generator } from '../random.ts';

export type InputKind = 'normal' | 'positive' | 'awayFromZero' | 'classes';

export interface InputSpec {
  shape: number[];
  kind?: InputKind;
  /** Number of classes for kind 'classes'. */
  classes?: number;
  requiresGrad?: boolean;
}

export function makeData(spec: InputSpec, g: Generator): Float64Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    switch (spec.kind ?? 'normal') {
      case 'normal':
        v[i] = g.normal();
        break;
      case 'positive':
        v[i] = g.uniform(0.5, 2);
        break;
      case 'awayFromZero': {
        // Kinks (relu, abs, elu at 0) make finite differences and float32 sign flips ambiguous.
        const x = g.normal();
        v[i] = Math.sign(x || 1) * (Math.abs(x) + 0.1);
        break;
      }
      case 'classes':
        v[i] = g.randint(spec.classes ?? 2);
        break;
    }
  }
  return v;
}
