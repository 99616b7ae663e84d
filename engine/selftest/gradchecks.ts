/**
 * gradcheck on WebGPU itself: finite differences of the float32 forward against the float32
 * analytic gradients. float32 needs a large step and loose tolerances: with eps = 1e-2 the
 * central difference's truncation error is ~eps^2 |f'''| / 6 and its rounding error
 * ~6e-8 |f| / eps, so atol 5e-3 and rtol 2e-2 separate real bugs (errors of order 1) from noise.
 * Inputs stay tiny: every element costs two readbacks.
 */
import { gradcheck } from '../gradcheck.ts';
import { Generator } from '../random.ts';
import { Tensor, tensor } from '../tensor.ts';
import * as F from '../functional.ts';
import { guarded, type Check } from './check.ts';
import { makeData, type InputSpec } from './inputs.ts';

export const WEBGPU_GRADCHECK = { eps: 1e-2, atol: 5e-3, rtol: 2e-2 };

interface GradcheckCase {
  name: string;
  inputs: InputSpec[];
  fn: (...xs: Tensor[]) => Tensor;
}

const n = (shape: number[]): InputSpec => ({ shape, requiresGrad: true });
const away = (shape: number[]): InputSpec => ({ shape, kind: 'awayFromZero', requiresGrad: true });
const pos = (shape: number[]): InputSpec => ({ shape, kind: 'positive', requiresGrad: true });

export const GRADCHECK_CASES: GradcheckCase[] = [
  { name: 'broadcast mul/div', inputs: [n([2, 3]), pos([3])], fn: (a, b) => a.mul(b).div(b.add(1)) },
  { name: 'exp, log, sqrt, pow', inputs: [pos([4])], fn: (x) => x.exp().add(x.log()).add(x.sqrt()).add(x.pow(1.5)) },
  { name: 'relu, elu, abs', inputs: [away([5])], fn: (x) => F.relu(x).add(F.elu(x, 1)).add(x.abs()) },
  { name: 'sum and permute', inputs: [n([2, 3, 2])], fn: (x) => x.permute([2, 0, 1]).square().sum([0, 2]) },
  { name: 'matmul', inputs: [n([2, 3]), n([3, 2])], fn: (a, b) => F.matmul(a, b) },
  { name: 'logSoftmax', inputs: [n([2, 4])], fn: (x) => F.logSoftmax(x, 1) },
  {
    name: 'weighted crossEntropy',
    inputs: [n([3, 4]), { shape: [3], kind: 'classes', classes: 4 }, { shape: [4], kind: 'positive' }],
    fn: (x, t, w) => F.crossEntropy(x, t, { weight: w }),
  },
  { name: 'conv2d', inputs: [n([1, 2, 2, 5]), n([2, 2, 2, 2]), n([2])], fn: (x, w, b) => F.conv2d(x, w, b, { padding: [0, 1] }) },
  { name: 'conv2d + relu fused (row path)', inputs: [n([1, 2, 2, 7]), n([3, 2, 1, 3]), n([3])], fn: (x, w, b) => F.conv2dRelu(x, w, b, { padding: [0, 1] }) },
  { name: 'conv2d + relu (general path)', inputs: [n([1, 2, 4, 5]), n([2, 2, 2, 2]), n([2])], fn: (x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: 1, activation: 'relu' }) },
  { name: 'maxPool2d', inputs: [away([1, 1, 2, 6])], fn: (x) => F.maxPool2d(x, [1, 3]) },
  { name: 'avgPool2d', inputs: [n([1, 1, 4, 4])], fn: (x) => F.avgPool2d(x, 2) },
  // The Chambon model's block as one op; on WebGPU these shapes take the fused kernels (a row
  // convolution pooled 1 x 3 without overlap): the forward's winners and the sparse gradients.
  {
    name: 'conv2d + relu + max pool fused (conv2dReluMaxPool2d)',
    inputs: [n([1, 2, 1, 13]), n([3, 2, 1, 3]), n([3])],
    fn: (x, w, b) => F.conv2dReluMaxPool2d(x, w, b, { padding: [0, 1] }, [1, 3]),
  },
];

export async function gradcheckSuite(cases: GradcheckCase[] = GRADCHECK_CASES): Promise<Check[]> {
  const out: Check[] = [];
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    out.push(
      ...(await guarded(c.name, async () => {
        const g = new Generator(2000 + i);
        const xs = c.inputs.map((spec) => tensor(makeData(spec, g), spec.shape, { device: 'webgpu', requiresGrad: spec.requiresGrad ?? false }));
        try {
          const r = await gradcheck(c.fn, xs, WEBGPU_GRADCHECK);
          const first = r.failures[0];
          return [
            {
              name: `gradcheck on webgpu: ${c.name}`,
              ok: r.ok && r.checked > 0,
              detail: `${r.checked} Jacobian entries, max abs error ${r.maxAbsError.toExponential(2)}${first ? `; first mismatch input ${first.input}[${first.index}]: analytic ${first.analytic} vs numeric ${first.numeric}` : ''}`,
            },
          ];
        } finally {
          xs.forEach((x) => x.dispose());
        }
      })),
    );
  }
  return out;
}
