/**
 * SleepStagerChambon2018's structure against PyTorch (parameter counts, state-dict keys and
 * shapes, per-layer output shapes recorded by forward hooks in make_torch_chambon.py) and
 * hand-derived sizes; the safetensors and JSON weight formats, and how bad files are refused.
 */
import { describe, expect, it } from 'vitest';
import { Generator, liveTensorCount, noGrad, randn, tidy } from '../../engine/index.ts';
import {
  BRAINDECODE_KEY_ALIASES,
  SleepStagerChambon2018,
  chambonConfig,
  decodeSafetensors,
  encodeSafetensors,
  loadSafetensors,
  loadWeightsJson,
  readStateDict,
  saveSafetensors,
  summary,
  weightsToJson,
} from '../../sleep/model/index.ts';
import { chambonFixture } from './modelFixtures.ts';

function stateOf(model: SleepStagerChambon2018): Map<string, number[]> {
  return new Map([...model.stateDict()].map(([k, t]) => [k, Array.from(t.dataSync())]));
}

describe('SleepStagerChambon2018 structure', () => {
  it('defaults: 5,227 parameters, hand-derived shapes through every layer', () => {
    const model = new SleepStagerChambon2018();
    expect(model.numParameters()).toBe(2 * 1 * 2 * 1 + 2 + (8 * 50 + 8) + (8 * 8 * 50 + 8) + (320 * 5 + 5));
    const s = summary(model, 3);
    const shape = (name: string) => s.rows.find((r) => r.name === name)?.outputShape;
    expect(shape('spatial_conv')).toEqual([3, 2, 1, 3000]);
    expect(shape('transpose(1, 2)')).toEqual([3, 1, 2, 3000]);
    // 3000 + 2 * 25 - 50 + 1 = 3001, floor(3001 / 12) = 250; 250 + 1 = 251, floor(251 / 12) = 20.
    expect(shape('feature_extractor.0')).toEqual([3, 8, 2, 3001]);
    expect(shape('feature_extractor.3')).toEqual([3, 8, 2, 250]);
    expect(shape('feature_extractor.7')).toEqual([3, 8, 2, 20]);
    expect(shape('flatten(1)')).toEqual([3, 320]);
    expect(shape('fc.1')).toEqual([3, 5]);
    expect(s.totalParams).toBe(5227);
    expect(s.rows.reduce((n, r) => n + r.params, 0)).toBe(5227);
    expect(s.text).toContain('Total parameters: 5,227');
    expect(s.text).toContain('[N, 8, 2, 250]');
  });

  it("rounding: int() gives pool 12 and 320 features, braindecode's ceil pool 13 and 272", () => {
    const t = chambonConfig();
    const b = chambonConfig({ rounding: 'braindecode' });
    expect([t.timeConvSize, t.maxPoolSize, t.padSize, t.nFeatures]).toEqual([50, 12, 25, 320]);
    expect([b.timeConvSize, b.maxPoolSize, b.padSize, b.nFeatures]).toEqual([50, 13, 25, 272]);
    expect(new SleepStagerChambon2018({ rounding: 'braindecode' }).fc.at(1).getParameter('weight')!.shape).toEqual([5, 272]);
  });

  for (const c of chambonFixture.configs) {
    it(`matches PyTorch for ${JSON.stringify(c.options)}: ${c.numParameters} parameters, keys, shapes`, () => {
      const model = new SleepStagerChambon2018(c.options);
      expect(model.numParameters()).toBe(c.numParameters);
      expect(model.config.nFeatures).toBe(c.nFeatures);
      expect(model.config.inputSize).toBe(c.inputSize);
      expect([...model.stateDict()].map(([k, t]) => [k, [...t.shape]])).toEqual(c.stateDict);
      const traced = summary(model).rows.filter((r) => c.layerShapes.some(([name]) => name === r.name));
      expect(traced.map((r) => [r.name, r.outputShape])).toEqual(c.layerShapes);
    });
  }

  it('accepts [N, C, T] and [N, 1, C, T] alike, refuses other layouts by name', () => {
    const model = new SleepStagerChambon2018({ generator: new Generator(3) }).eval();
    const x = randn([2, 2, 3000], { generator: new Generator(4) });
    const [a, b] = noGrad(() => tidy(() => [model.forward(x), model.forward(x.unsqueeze(1))]));
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(() => model.forward(randn([2, 3, 3000]))).toThrow(/expected input \[N, 2, T\]/);
  });

  it('one channel: no spatial_conv, as braindecode', () => {
    const model = new SleepStagerChambon2018({ nChannels: 1 });
    expect(model.spatialConv).toBeNull();
    expect([...model.stateDict().keys()].some((k) => k.startsWith('spatial_conv'))).toBe(false);
  });

  it('refuses impossible configurations with the field named', () => {
    expect(() => chambonConfig({ nChannels: 0 })).toThrow(/nChannels must be a positive integer/);
    expect(() => chambonConfig({ inputSizeS: 0.5 })).toThrow(/too short|leaves/);
    expect(() => chambonConfig({ maxPoolSizeS: 0.001 })).toThrow(/maxPoolSize rounds to 0 samples/);
    expect(() => chambonConfig({ dropout: 1.5 })).toThrow(/dropout must be in \[0, 1\]/);
  });

  it('summary restores train mode and leaves no tensors behind', () => {
    const model = new SleepStagerChambon2018();
    const live = liveTensorCount();
    summary(model);
    expect(liveTensorCount()).toBe(live);
    expect(model.training).toBe(true);
    expect(model.fc.at(0).training).toBe(true);
  });

  it('the same seed gives the same weights; another seed others', () => {
    const a = stateOf(new SleepStagerChambon2018({ generator: new Generator(1) }));
    const b = stateOf(new SleepStagerChambon2018({ generator: new Generator(1) }));
    const c = stateOf(new SleepStagerChambon2018({ generator: new Generator(2) }));
    expect(a).toEqual(b);
    expect(a.get('fc.1.weight')).not.toEqual(c.get('fc.1.weight'));
  });
});

describe('safetensors', () => {
  it('decodes a file written by hand from the specification', () => {
    const header = '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I64","shape":[],"data_offsets":[8,16]}}';
    const h = new TextEncoder().encode(header);
    const bytes = new Uint8Array(8 + h.length + 16);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, BigInt(h.length), true);
    bytes.set(h, 8);
    view.setFloat32(8 + h.length, 1.5, true);
    view.setFloat32(8 + h.length + 4, -0.1, true);
    view.setBigInt64(8 + h.length + 8, 42n, true);
    const f = decodeSafetensors(bytes);
    expect(f.metadata).toEqual({ format: 'pt' });
    expect(f.tensors.get('a')).toEqual({ dtype: 'F32', shape: [2], data: Float64Array.of(1.5, Math.fround(-0.1)) });
    expect(f.tensors.get('b')).toEqual({ dtype: 'I64', shape: [], data: Float64Array.of(42) });
  });

  it('writes the layout of the specification: u64 LE length, space-padded JSON header, LE data', () => {
    const bytes = encodeSafetensors([['w', { shape: [1, 2], data: [0.25, -3] }]], { dtype: 'F64', metadata: { k: 'v' } });
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(JSON.parse(header)).toEqual({ __metadata__: { k: 'v' }, w: { dtype: 'F64', shape: [1, 2], data_offsets: [0, 16] } });
    expect(header.trimEnd()).toBe(header.replace(/ +$/, ''));
    expect([view.getFloat64(8 + n, true), view.getFloat64(16 + n, true)]).toEqual([0.25, -3]);
    expect(bytes.length).toBe(8 + n + 16);
  });

  it('F64 round-trips a model exactly, F32 to float32 precision, batch-norm counters as I64', async () => {
    const model = new SleepStagerChambon2018({ batchNorm: true, generator: new Generator(5) });
    const f64 = await saveSafetensors(model, { dtype: 'F64' });
    const f32 = await saveSafetensors(model, { dtype: 'F32' });
    expect(decodeSafetensors(f64).tensors.get('feature_extractor.1.num_batches_tracked')!.dtype).toBe('I64');
    expect(decodeSafetensors(f32).tensors.get('fc.1.weight')!.dtype).toBe('F32');
    const a = new SleepStagerChambon2018({ batchNorm: true, generator: new Generator(6) });
    loadSafetensors(a, f64);
    expect(stateOf(a)).toEqual(stateOf(model));
    const b = new SleepStagerChambon2018({ batchNorm: true, generator: new Generator(6) });
    loadSafetensors(b, f32);
    const rounded = new Map([...stateOf(model)].map(([k, v]) => [k, v.map(Math.fround)]));
    expect(stateOf(b)).toEqual(rounded);
  });

  it("loads braindecode >= 0.8 files ('final_layer.') through the key aliases", async () => {
    const model = new SleepStagerChambon2018({ generator: new Generator(8) });
    const dict = await readStateDict(model);
    const renamed = [...dict].map(([k, v]) => [k.replace(/^fc\./, 'final_layer.'), v] as [string, typeof v]);
    const bytes = encodeSafetensors(renamed, { dtype: 'F64' });
    const target = new SleepStagerChambon2018({ generator: new Generator(9) });
    expect(() => loadSafetensors(target, bytes, { file: 'bd08.safetensors' })).toThrow(/bd08.safetensors: .*missing 'fc.1.weight'.*unexpected 'final_layer.1.weight'/);
    loadSafetensors(target, bytes, { aliases: BRAINDECODE_KEY_ALIASES });
    expect(stateOf(target)).toEqual(stateOf(model));
  });

  const good = () => encodeSafetensors([['x', { shape: [2], data: [1, 2] }]], { dtype: 'F32' });
  const withHeader = (header: string, dataBytes: number) => {
    const h = new TextEncoder().encode(header);
    const out = new Uint8Array(8 + h.length + dataBytes);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    return out;
  };
  const malformed: [string, () => Uint8Array, RegExp][] = [
    ['shorter than the length field', () => new Uint8Array(5), /m.st: 5 bytes is too short/],
    ['header length past the end', () => good().subarray(0, 20), /header length \d+ exceeds the file/],
    ['header not JSON', () => withHeader('{"x": ', 0), /header is not UTF-8 JSON/],
    ['unsupported dtype, key named', () => withHeader('{"x":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}', 4), /tensor 'x': dtype "BF16" is not supported/],
    ['offsets disagree with shape', () => withHeader('{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', 8), /tensor 'x': data_offsets span 8 bytes, but F32 \[3\] needs 12/],
    ['offsets outside the data', () => withHeader('{"x":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', 8), /tensor 'x': data_offsets \[4, 12\] fall outside/],
    ['overlapping tensors', () => withHeader('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8), /overlap in the data region/],
    ['trailing bytes', () => withHeader('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 8), /tensors cover 4 of 8 data bytes/],
    ['metadata not strings', () => withHeader('{"__metadata__":{"n":1}}', 0), /__metadata__.n must be a string/],
  ];
  for (const [what, make, message] of malformed) {
    it(`refuses a file with ${what}`, () => {
      expect(() => decodeSafetensors(make(), 'm.st')).toThrow(message);
      expect(() => decodeSafetensors(make(), 'm.st')).toThrow(/^m\.st: /);
    });
  }
});

describe('importing weights into a model', () => {
  async function dictOf(model: SleepStagerChambon2018) {
    return readStateDict(model);
  }

  it('names the file and every bad key, and changes nothing', async () => {
    const source = new SleepStagerChambon2018({ generator: new Generator(10) });
    const target = new SleepStagerChambon2018({ generator: new Generator(11) });
    const before = stateOf(target);
    const dict = await dictOf(source);
    const entries = [...dict].filter(([k]) => k !== 'fc.1.bias');
    entries.push(['extra.weight', { shape: [1], data: Float64Array.of(0) }]);
    const wrongShape = entries.map(([k, v]) => (k === 'feature_extractor.0.weight' ? ([k, { shape: [8, 1, 1, 40], data: v.data.subarray(0, 320) }] as typeof entries[number]) : [k, v]) as typeof entries[number]);
    const bytes = encodeSafetensors(wrongShape, { dtype: 'F64' });
    let message = '';
    try {
      loadSafetensors(target, bytes, { file: 'bad.safetensors' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^bad\.safetensors: cannot load into SleepStagerChambon2018/);
    expect(message).toContain("missing 'fc.1.bias'");
    expect(message).toContain("unexpected 'extra.weight'");
    expect(message).toContain("'feature_extractor.0.weight' has shape [8,1,1,40], the model expects [8,1,1,50]");
    expect(stateOf(target)).toEqual(before);
  });

  it('refuses an integer dtype for a weight and a float dtype for the batch counter', async () => {
    const model = new SleepStagerChambon2018({ batchNorm: true });
    const dict = await dictOf(model);
    dict.set('spatial_conv.bias', { shape: [2], data: Float64Array.of(1, 2) });
    const bytes = encodeSafetensors(dict, { dtype: 'F32', dtypeOf: (k) => (k === 'spatial_conv.bias' ? 'I64' : undefined) });
    expect(() => loadSafetensors(model, bytes, { file: 'f.st' })).toThrow(/'spatial_conv\.bias' is I64, expected a floating-point dtype/);
    expect(() => loadSafetensors(model, bytes, { file: 'f.st' })).toThrow(/'feature_extractor\.1\.num_batches_tracked' is F32, expected an integer \(I64\)/);
  });

  it('JSON weights round-trip exactly and malformed JSON is refused by key', async () => {
    const model = new SleepStagerChambon2018({ generator: new Generator(12) });
    const text = JSON.stringify(await weightsToJson(model));
    const target = new SleepStagerChambon2018({ generator: new Generator(13) });
    loadWeightsJson(target, text, { file: 'w.json' });
    expect(stateOf(target)).toEqual(stateOf(model));
    const parsed = JSON.parse(text) as Record<string, { shape: number[]; data: unknown[] }>;
    expect(Object.keys(parsed)).toEqual([...model.stateDict().keys()]);
    parsed['fc.1.bias'].data[2] = 'x';
    expect(() => loadWeightsJson(target, parsed, { file: 'w.json' })).toThrow("w.json: 'fc.1.bias'.data[2] is \"x\", not a number");
    parsed['fc.1.bias'].data = [1, 2];
    expect(() => loadWeightsJson(target, parsed, { file: 'w.json' })).toThrow("w.json: 'fc.1.bias' has 2 values for shape [5] (5)");
    expect(() => loadWeightsJson(target, '{"a":', { file: 'w.json' })).toThrow(/^w\.json: not valid JSON/);
    expect(stateOf(target)).toEqual(stateOf(model));
  });
});
