/**
 * conv2d with a fused ReLU (F.conv2dRelu, or conv2d/conv1d with activation 'relu') on the
 * float64 CPU backend: the same values and gradients as conv2d followed by relu, finite
 * differences, and the Chambon model's fused forward against its module-by-module forward.
 */
import { describe, expect, it } from 'vitest';
import { F, Generator, Tensor, extractGraph, gradcheck, noGrad, randn } from '../../engine/index.ts';
import type { Conv2dOptions } from '../../engine/ops/conv.ts';
import { SleepStagerChambon2018 } from '../../sleep/model/index.ts';

function leaves(seed: number, ...shapes: number[][]): Tensor[] {
  const g = new Generator(seed);
  return shapes.map((s) => randn(s, { generator: g, requiresGrad: true }));
}

/** Values and every input's gradient of sum(op(...) * r), r fixed. */
async function valuesAndGrads(op: (...xs: Tensor[]) => Tensor, inputs: Tensor[], seed: number): Promise<Float64Array[]> {
  for (const t of inputs) t.grad = null;
  const out = op(...inputs);
  const r = randn(out.shape, { generator: new Generator(seed) });
  out.mul(r).sum().backward();
  const got = [(await out.data()) as Float64Array];
  for (const t of inputs) got.push((await t.grad!.data()) as Float64Array);
  return got;
}

describe('conv2d + relu fused', () => {
  const cases: [string, number[], number[], Conv2dOptions][] = [
    ['Chambon temporal block shape', [2, 1, 2, 30], [3, 1, 1, 10], { padding: [0, 5] }],
    ['kernel as tall as the input', [2, 3, 2, 12], [4, 3, 2, 5], { padding: [0, 2] }],
    ['stride, dilation, groups', [1, 4, 7, 9], [4, 2, 3, 2], { stride: 2, dilation: [1, 2], groups: 2, padding: 1 }],
  ];
  for (const [name, xShape, wShape, opts] of cases) {
    it(`${name}: equals relu(conv2d) in values and gradients`, async () => {
      const inputs = leaves(21, xShape, wShape, [wShape[0]]);
      const fused = await valuesAndGrads((x, w, b) => F.conv2dRelu(x, w, b, opts), inputs, 5);
      const composed = await valuesAndGrads((x, w, b) => F.relu(F.conv2d(x, w, b, opts)), inputs, 5);
      expect(fused.length).toBe(4);
      // Some outputs are clipped, some not: the mask is exercised both ways.
      expect(fused[0].some((v) => v === 0) && fused[0].some((v) => v > 0)).toBe(true);
      fused.forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(composed[i])));
    });

    it(`${name}: passes gradcheck`, async () => {
      const inputs = leaves(22, xShape, wShape, [wShape[0]]);
      const probe = noGrad(() => F.conv2dRelu(inputs[0], inputs[1], inputs[2], opts));
      const weighting = randn(probe.shape, { generator: new Generator(9) });
      const r = await gradcheck((x, w, b) => F.conv2dRelu(x, w, b, opts).mul(weighting).sum(), inputs, { eps: 1e-6, atol: 1e-6, rtol: 1e-5 });
      expect(r.failures, `worst excess ${r.worstExcess}`).toEqual([]);
      expect(r.checked).toBe(inputs.reduce((n, t) => n + t.size, 0));
    });
  }

  it('conv1d takes the activation too, without a bias', async () => {
    const inputs = leaves(23, [2, 3, 20], [4, 3, 5]);
    const fused = await valuesAndGrads((x, w) => F.conv1d(x, w, null, { padding: 2, activation: 'relu' }), inputs, 6);
    const composed = await valuesAndGrads((x, w) => F.relu(F.conv1d(x, w, null, { padding: 2 })), inputs, 6);
    fused.forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(composed[i])));
  });

  it('is one recorded op, conv2dRelu', () => {
    const [x, w, b] = leaves(24, [1, 1, 1, 8], [2, 1, 1, 3], [2]);
    const graph = extractGraph(F.conv2dRelu(x, w, b).sum());
    expect(graph.ops.map((o) => o.name)).toEqual(['conv2dRelu', 'sum']);
    expect(graph.ops[0].source).toBe('engine/ops/conv.ts');
  });

  it('rejects an unknown activation by name', () => {
    const [x, w] = leaves(25, [1, 1, 1, 8], [2, 1, 1, 3]);
    expect(() => F.conv2d(x, w, null, { activation: 'gelu' as 'relu' })).toThrow(/conv2d: activation must be 'relu' or absent, got "gelu"/);
  });
});

describe('SleepStagerChambon2018 with fused Conv2d + ReLU + MaxPool2d', () => {
  it('gives the same logits and gradients as its module-by-module forward, with the same modules and keys', async () => {
    const fused = new SleepStagerChambon2018({ generator: new Generator(3) });
    const plain = new SleepStagerChambon2018({ generator: new Generator(3), fuseActivations: false });
    expect(fused.fuseActivations).toBe(true);
    expect(Object.keys(fused.stateDict())).toEqual(Object.keys(plain.stateDict()));
    expect(fused.featureExtractor.namedChildren().map(([k, m]) => `${k}:${m.constructor.name}`)).toEqual([
      '0:Conv2d', '1:Identity', '2:ReLU', '3:MaxPool2d', '4:Conv2d', '5:Identity', '6:ReLU', '7:MaxPool2d',
    ]);
    fused.eval();
    plain.eval();
    const x = randn([2, 2, 3000], { generator: new Generator(4) });
    const a = fused.forward(x);
    const b = plain.forward(x);
    expect(Array.from((await a.data()) as Float64Array)).toEqual(Array.from((await b.data()) as Float64Array));
    a.sum().backward();
    b.sum().backward();
    const gradsOf = (m: SleepStagerChambon2018) => m.namedParameters().map(([k, p]) => [k, p.grad!] as const);
    const gp = gradsOf(plain);
    for (const [i, [k, g]] of gradsOf(fused).entries()) {
      expect(k).toBe(gp[i][0]);
      expect(Array.from((await g.data()) as Float64Array), k).toEqual(Array.from((await gp[i][1].data()) as Float64Array));
    }
    const ops = (m: SleepStagerChambon2018) => extractGraph(m.forward(x).sum()).ops.map((o) => o.name);
    expect(ops(fused).filter((n) => n === 'conv2dReluMaxPool2d').length).toBe(2);
    expect(ops(fused)).not.toContain('relu');
    expect(ops(fused)).not.toContain('maxPool2d');
    expect(ops(plain).filter((n) => n === 'relu').length).toBe(2);
  });
});
