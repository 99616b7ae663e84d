import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Generator, F, OP_KERNELS, STEP_KERNELS, allKernelFiles, extractGraph, formatGraph, randn, shaderHeader, tensor, traceBackward } from '../../engine/index.ts';
import { SleepStagerChambon2018 } from '../../sleep/model/index.ts';

const repo = (rel: string) => fileURLToPath(new URL(`../../${rel}`, import.meta.url));

describe('extractGraph on one Chambon training step', () => {
  const N = 2;
  const T = 3000;
  const model = new SleepStagerChambon2018({ generator: new Generator(3) });
  const x = randn([N, 2, T], { generator: new Generator(4) });
  const target = [1, 4];
  const classWeight = tensor([1, 2, 1, 3, 1]);
  const logits = model.forward(x);
  const loss = F.crossEntropy(logits, target, { weight: classWeight });
  const graph = extractGraph(loss, { model });

  it('lists every op with its shapes in forward order, derived from the architecture', () => {
    // T = 3000 samples; conv kernel 50 padded 25 gives T + 1; pools of 12 floor: 3001 -> 250; 251 -> 20; 8 * 2 * 20 = 320 features.
    expect(formatGraph(graph).map((l) => l.replace(/^\d+ /, ''))).toEqual([
      'conv2d [2,1,2,3000] [2,1,2,1] [2] -> [2,2,1,3000]', // spatial_conv
      'permute [2,2,1,3000] -> [2,1,2,3000]', // transpose(1, 2)
      // feature_extractor.0, .2 and .3 as one op (1 is Identity: no op): the model fuses Conv2d + ReLU + MaxPool2d
      'conv2dReluMaxPool2d [2,1,2,3000] [8,1,1,50] [8] -> [2,8,2,250]',
      'conv2dReluMaxPool2d [2,8,2,250] [8,8,1,50] [8] -> [2,8,2,20]', // feature_extractor.4 + .6 + .7
      'reshape [2,8,2,20] -> [2,320]', // flatten(1)
      'dropout [2,320] -> [2,320]', // fc.0, train mode
      'linear [2,320] [5,320] [5] -> [2,5]', // fc.1
      // cross-entropy: nll_loss(log_softmax(x)) with class weights, mean = sum(w_i * -logp_i) / sum(w_i)
      'logSoftmax [2,5] -> [2,5]',
      'pickClass [2,5] -> [2]',
      'mul [2] [2] -> [2]',
      'neg [2] -> [2]',
      'sum [2] -> []',
      'div [] [] -> []',
    ]);
  });

  it('names parameters by state-dict key and tells parameters from constants and activations', () => {
    const conv = graph.ops[2];
    const [input, weight, bias] = conv.inputs.map((id) => graph.tensors.find((t) => t.id === id)!);
    expect(input.kind).toBe('activation');
    expect(input.producer).toBe(1);
    expect(weight).toMatchObject({ kind: 'parameter', name: 'feature_extractor.0.weight', shape: [8, 1, 1, 50], producer: null });
    expect(bias).toMatchObject({ kind: 'parameter', name: 'feature_extractor.0.bias' });
    const spatialInput = graph.tensors.find((t) => t.id === graph.ops[0].inputs[0])!;
    expect(spatialInput.kind).toBe('constant'); // the unsqueezed batch needs no gradient
    const params = graph.tensors.filter((t) => t.kind === 'parameter').map((t) => t.name);
    expect(params.sort()).toEqual(model.namedParameters().map(([n]) => n).sort());
    expect(graph.root).toBe(loss.id);
  });

  it('maps each op to its source file and WGSL kernels', () => {
    expect(graph.ops[2]).toMatchObject({
      source: 'engine/ops/convPool.ts',
      forwardKernels: ['conv2d_forward.wgsl', 'unary.wgsl', 'maxpool2d_forward.wgsl'],
      backwardKernels: ['unary_backward.wgsl', 'maxpool2d_backward.wgsl', 'conv2d_backward_input.wgsl', 'conv2d_backward_weight.wgsl', 'sum.wgsl'],
    });
    expect(graph.ops[8]).toMatchObject({ source: 'engine/ops/loss.ts', forwardKernels: ['gather_class.wgsl'], backwardKernels: ['scatter_class.wgsl'] });
    for (const op of graph.ops) expect(op.source, op.name).not.toBe('');
  });

  it('gives the backward order autograd really runs: the reverse of this chain', () => {
    const expected = graph.ops.map((o) => o.index).reverse();
    expect(graph.backwardOrder).toEqual(expected);
    const trace = traceBackward(loss, graph);
    expect(trace.map((e) => e.op)).toEqual(expected);
    expect(trace.every((e) => e.ms >= 0)).toBe(true);
    // The wrapped backward still computed the real gradients, and the graph is still readable.
    expect(model.featureExtractor.at(0).getParameter('weight')!.grad!.shape).toEqual([8, 1, 1, 50]);
    expect(extractGraph(loss).ops.map((o) => o.name)).toEqual(graph.ops.map((o) => o.name));
  });
});

describe('extractGraph on a branching graph', () => {
  it('orders backward so every op runs after all the ops that consume its output, as traced', () => {
    const w = tensor([0.5, -1, 2], [3], { requiresGrad: true });
    const a = w.mul(w); // used twice below
    const b = a.exp().add(a.mul(3));
    const loss = b.sum().add(w.sum());
    const graph = extractGraph(loss);
    const trace = traceBackward(loss, graph);
    expect(graph.ops.map((o) => o.name)).toEqual(['mul', 'exp', 'mul', 'add', 'sum', 'sum', 'add']);
    expect(trace.map((t) => t.op)).toEqual(graph.backwardOrder);
    const step = new Map(graph.backwardOrder.map((op, i) => [op, i]));
    for (const op of graph.ops) {
      for (const id of op.inputs) {
        const producer = graph.tensors.find((t) => t.id === id)!.producer;
        if (producer !== null) expect(step.get(producer)!).toBeGreaterThan(step.get(op.index)!);
      }
    }
    // d/dw [sum(exp(w^2) + 3 w^2) + sum(w)] = 2w exp(w^2) + 6w + 1
    const g = w.grad!.dataSync();
    [0.5, -1, 2].forEach((v, i) => expect(g[i]).toBeCloseTo(2 * v * Math.exp(v * v) + 6 * v + 1, 12));
  });

  it('refuses a tensor without grad_fn', () => {
    expect(() => extractGraph(tensor([1, 2]))).toThrow(/has no grad_fn/);
  });
});

describe('op -> kernel table', () => {
  const shaderFiles = readdirSync(repo('shaders')).filter((f) => f.endsWith('.wgsl')).sort();

  it('names exactly the kernels in shaders/', () => {
    expect(allKernelFiles()).toEqual(shaderFiles);
  });

  it('has an entry for every op name recorded in engine/ops', () => {
    const names = new Set<string>();
    for (const f of readdirSync(repo('engine/ops'))) {
      const src = readFileSync(repo(`engine/ops/${f}`), 'utf8');
      for (const m of src.matchAll(/record\(\s*'([A-Za-z0-9]+)'/g)) names.add(m[1]);
      for (const m of src.matchAll(/const op = '([A-Za-z0-9]+)'/g)) names.add(m[1]);
    }
    expect(names.size).toBeGreaterThan(20);
    expect([...names].filter((n) => !OP_KERNELS[n])).toEqual([]);
    for (const [name, k] of Object.entries(OP_KERNELS)) expect(readFileSync(repo(k.source), 'utf8'), name).toMatch(new RegExp(`'${name}'`));
    for (const s of Object.values(STEP_KERNELS)) expect(() => readFileSync(repo(s.source))).not.toThrow();
  });

  it('reads a kernel header comment', () => {
    const header = shaderHeader(readFileSync(repo('shaders/conv2d_forward.wgsl'), 'utf8'));
    expect(header.split('\n')[0]).toBe("2-D convolution forward, PyTorch's torch.nn.functional.conv2d (a cross-correlation: the");
    expect(header).toContain('Launch: N*Cout*outH*outW invocations');
    expect(header).not.toContain('//');
    expect(header).not.toContain('struct Params');
    for (const f of shaderFiles) expect(shaderHeader(readFileSync(repo(`shaders/${f}`), 'utf8')).length, f).toBeGreaterThan(40);
    expect(shaderHeader('\n// a\n//b\n\n// c\nfn x() {}')).toBe('a\nb');
  });
});
