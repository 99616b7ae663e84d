import { describe, expect, it } from 'vitest';
import { F, Generator, nn, noGrad, optim, randn, tensor } from '../../engine/index.ts';
import { SleepStagerChambon2018 } from '../../sleep/model/index.ts';
import { Fft } from '../../sleep/preprocess/fft.ts';
import { GradientTracker, firstLayerFilters, layerActivations, magnitudeResponse, spatialMix, temporalFilters } from '../../sleep/internals/index.ts';

describe('first-layer temporal filters', () => {
  it('magnitude response equals a zero-padded FFT of the taps at its bins', () => {
    const g = new Generator(11);
    const values = Float64Array.from({ length: 8 * 50 }, () => g.normal());
    // 129 frequencies from 0 to 50 Hz at 100 Hz are exactly the bins 0..128 of a 256-point DFT.
    const filters = temporalFilters(values, [8, 1, 1, 50], 100, { nFreqs: 129 });
    expect(filters).toHaveLength(8);
    const fft = new Fft(256);
    for (const f of filters) {
      const re = new Float64Array(256);
      const im = new Float64Array(256);
      re.set(values.subarray(f.index * 50, f.index * 50 + 50));
      fft.transform(re, im);
      for (let k = 0; k <= 128; k++) {
        expect(f.freqs[k]).toBeCloseTo((k * 100) / 256, 12);
        expect(f.magnitude[k]).toBeCloseTo(Math.hypot(re[k], im[k]), 10);
        expect(f.magnitudeDb[k]).toBeCloseTo(20 * Math.log10(Math.hypot(re[k], im[k])), 8);
      }
      expect(f.taps).toEqual(values.subarray(f.index * 50, f.index * 50 + 50));
      expect(f.times[49]).toBeCloseTo(0.49, 12);
    }
  });

  it('a windowed 10 Hz sinusoid peaks at 10 Hz; a boxcar has gain K at DC and nulls at multiples of sfreq / K', () => {
    const sine = Float64Array.from({ length: 50 }, (_, k) => Math.cos((2 * Math.PI * 10 * k) / 100) * (0.5 - 0.5 * Math.cos((2 * Math.PI * k) / 49)));
    const [f] = temporalFilters(sine, [1, 50], 100, { nFreqs: 101 });
    expect(f.peakHz).toBe(10);
    const box = magnitudeResponse(new Float64Array(50).fill(1), 100, 101); // 0.5 Hz grid
    expect(box.magnitude[0]).toBeCloseTo(50, 12);
    for (const hz of [2, 4, 10, 30]) expect(box.magnitude[hz * 2]).toBeLessThan(1e-12);
    expect(box.freqs[100]).toBe(50);
  });

  it('reads the model\'s feature_extractor.0 weight and its spatial mix', async () => {
    const model = new SleepStagerChambon2018({ generator: new Generator(5) });
    const filters = await firstLayerFilters(model);
    const w = model.featureExtractor.at(0).getParameter('weight')!;
    expect(w.shape).toEqual([8, 1, 1, 50]);
    expect(filters).toHaveLength(8);
    expect(filters[3].taps).toEqual(Float64Array.from(w.dataSync().subarray(150, 200)));
    expect(filters[0].freqs).toHaveLength(256);
    const mix = await spatialMix(model);
    const sw = model.spatialConv!.getParameter('weight')!.dataSync(); // [2, 1, 2, 1]
    expect(mix).toEqual([[sw[0], sw[1]], [sw[2], sw[3]]]);
    expect(() => temporalFilters(new Float64Array(16), [2, 2, 1, 4], 100)).toThrow(/expected a weight \[F, 1, 1, K\]/);
  });
});

describe('layer activations', () => {
  const model = new SleepStagerChambon2018({ generator: new Generator(8) });
  const x = randn([1, 2, 3000], { generator: new Generator(9) });

  it('walks every layer in order, with the tutorial model\'s shapes', async () => {
    const acts = await layerActivations(model, x);
    expect(acts.map((a) => `${a.name}:${a.kind}:[${a.shape}]`)).toEqual([
      'input:input:[1,1,2,3000]',
      'spatial_conv:Conv2d:[1,2,1,3000]',
      'spatial_conv.transpose:transpose:[1,1,2,3000]',
      'feature_extractor.0:Conv2d:[1,8,2,3001]',
      'feature_extractor.1:Identity:[1,8,2,3001]',
      'feature_extractor.2:ReLU:[1,8,2,3001]',
      'feature_extractor.3:MaxPool2d:[1,8,2,250]',
      'feature_extractor.4:Conv2d:[1,8,2,251]',
      'feature_extractor.5:Identity:[1,8,2,251]',
      'feature_extractor.6:ReLU:[1,8,2,251]',
      'feature_extractor.7:MaxPool2d:[1,8,2,20]',
      'flatten:flatten:[1,320]',
      'fc.0:Dropout:[1,320]',
      'fc.1:Linear:[1,5]',
      'softmax:softmax:[1,5]',
    ]);
    expect(model.training).toBe(true);
  });

  it('ReLU is max(0, pre), pooling is the max of each 12-sample window, logits equal model.forward in eval mode', async () => {
    const acts = new Map((await layerActivations(model, x)).map((a) => [a.name, a]));
    const pre = acts.get('feature_extractor.1')!.values;
    const post = acts.get('feature_extractor.2')!.values;
    expect(acts.get('feature_extractor.0')!.values).toEqual(pre);
    let negatives = 0;
    let reluMismatches = 0;
    for (let i = 0; i < pre.length; i++) {
      if (post[i] !== Math.max(0, pre[i])) reluMismatches++;
      if (pre[i] < 0) negatives++;
    }
    expect(reluMismatches).toBe(0);
    expect(negatives).toBeGreaterThan(1000); // the ReLU did something
    const pooled = acts.get('feature_extractor.3')!.values;
    let poolMismatches = 0;
    for (let plane = 0; plane < 16; plane++) {
      for (let j = 0; j < 250; j++) {
        let m = -Infinity;
        for (let k = 0; k < 12; k++) m = Math.max(m, post[plane * 3001 + 12 * j + k]);
        if (pooled[plane * 250 + j] !== m) poolMismatches++;
      }
    }
    expect(poolMismatches).toBe(0);
    model.eval();
    const logits = noGrad(() => model.forward(x)).dataSync();
    model.train();
    const ours = acts.get('fc.1')!.values;
    for (let i = 0; i < 5; i++) expect(ours[i]).toBeCloseTo(logits[i], 12);
    const p = acts.get('softmax')!.values;
    const z = logits.reduce((s, v) => s + Math.exp(v), 0);
    for (let i = 0; i < 5; i++) expect(p[i]).toBeCloseTo(Math.exp(logits[i]) / z, 12);
  });

  it('takes a window as host values, and checks it', async () => {
    const values = x.dataSync();
    const a = await layerActivations(model, { values, nChannels: 2, nSamples: 3000 });
    const b = await layerActivations(model, x);
    expect(a[a.length - 2].values).toEqual(b[b.length - 2].values);
    await expect(layerActivations(model, { values, nChannels: 3, nSamples: 1000 })).rejects.toThrow(/3 channels, the model 2/);
    expect(x.isDisposed).toBe(false);
  });
});

describe('GradientTracker', () => {
  /** y = w.x + b with w = [1, 2], b = 0.5; x = [[1, -1], [2, 0]], targets [0, 1]. */
  function tiny(bias = 0.5, targets = [0, 1]) {
    const model = new nn.Sequential(new nn.Linear(2, 1));
    const [[, w], [, b]] = model.namedParameters();
    w.copy_(tensor([1, 2], [1, 2]));
    b.copy_(tensor([bias]));
    const step = () => {
      const pred = model.forward(tensor([1, -1, 2, 0], [2, 2]));
      F.mseLoss(pred, tensor(targets, [2, 1])).backward();
    };
    return { model, step };
  }

  it('SGD: hand-derived gradient norms and update/weight ratios', async () => {
    // pred = [-0.5, 2.5], residual r = [-0.5, 1.5]; d(mean r^2)/dpred = r
    // dW = sum r_i x_i = [2.5, 0.5], db = 1; SGD lr 0.1 moves W by 0.1 * [2.5, 0.5], b by 0.1.
    const { model, step } = tiny();
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const tracker = new GradientTracker(model);
    step();
    expect(await tracker.afterBackward()).toBe(true);
    opt.step();
    const s = (await tracker.afterStep())!;
    const [w, b] = s.tensors;
    expect(w).toMatchObject({ name: '0.weight', layer: '0', numel: 2 });
    expect(w.weightNorm).toBeCloseTo(Math.sqrt(5), 12);
    expect(w.gradNorm).toBeCloseTo(Math.sqrt(6.5), 12);
    expect(w.updateNorm).toBeCloseTo(0.1 * Math.sqrt(6.5), 12);
    expect(w.ratio!).toBeCloseTo((0.1 * Math.sqrt(6.5)) / Math.sqrt(5), 12);
    expect(b.gradNorm).toBeCloseTo(1, 12);
    expect(b.ratio!).toBeCloseTo(0.2, 12);
    expect(s.layers).toHaveLength(1);
    expect(s.layers[0].layer).toBe('0');
    expect(s.layers[0].weightNorm).toBeCloseTo(Math.sqrt(5.25), 12);
    expect(s.layers[0].gradNorm).toBeCloseTo(Math.sqrt(7.5), 12);
    expect(s.layers[0].ratio!).toBeCloseTo((0.1 * Math.sqrt(7.5)) / Math.sqrt(5.25), 12);
  });

  it('Adam: the first step moves every element by lr (m/sqrt(v) = sign g); sampling every 2nd step; zero weights give a null ratio', async () => {
    // b = 0 and targets [0, 0.5]: residual [-1, 1.5], so dW = [2, 1] and db = 0.5, all nonzero.
    const { model, step } = tiny(0, [0, 0.5]);
    const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
    const tracker = new GradientTracker(model, { every: 2 });
    const ratios: (number | null)[] = [];
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      step();
      const sampled = await tracker.afterBackward();
      expect(sampled).toBe(i !== 1);
      opt.step();
      const s = await tracker.afterStep();
      if (i === 1) expect(s).toBeNull();
      else ratios.push(s!.tensors[1].ratio);
    }
    const first = tracker.history[0];
    expect(first.tensors[0].updateNorm).toBeCloseTo(0.01 * Math.sqrt(2), 9);
    expect(first.tensors[1].updateNorm).toBeCloseTo(0.01, 9);
    expect(ratios[0]).toBeNull(); // the bias started at 0
    expect(ratios[1]).not.toBeNull();
    expect(tracker.series('0', 'gradNorm').steps).toEqual([1, 3]);
    expect(tracker.series('0.bias', 'ratio').values[0]).toBeNull();
    expect(() => tracker.series('nope', 'ratio')).toThrow(/no layer or tensor 'nope'/);
  });

  it('refuses afterBackward twice without a step', async () => {
    const { model, step } = tiny();
    const tracker = new GradientTracker(model);
    step();
    await tracker.afterBackward();
    await expect(tracker.afterBackward()).rejects.toThrow(/without afterStep/);
  });
});
