import { describe, expect, it } from 'vitest';
import { encodeSafetensors, decodeSafetensors } from '../../sleep/model/index.ts';
import {
  MemoryRunStore, SLEEP_STAGE_NAMES, compareRuns, decodeBase64, decodeRunsFile, encodeBase64, encodeRunsFile, historyFrom, runsFileName, validateRunRecord,
  type RunRecord,
} from '../../sleep/runs/index.ts';

function makeRun(id: string, overrides: Partial<RunRecord> = {}): RunRecord {
  const weights = encodeSafetensors([['fc.1.weight', { shape: [2, 2], data: [0.5, -1.25, 3, 1e-9] }]], { dtype: 'F64' });
  return {
    id,
    name: `run ${id}`,
    created: '2024-05-01T10:00:00.000Z',
    model: 'chambon2018',
    config: { seed: 87, epochs: 2, optimizer: { name: 'adam', lr: 0.001, weightDecay: null }, split: { testSubjects: [0, 1] } },
    data: { trainSubjects: [4, 5], validSubjects: [2, 3], testSubjects: [0, 1], synthetic: true, windows: { train: 100, valid: 40, test: 50 } },
    history: historyFrom([
      { epoch: 1, trainLoss: 1.5, validLoss: 1.4, validBalancedAccuracy: 0.3, validLossBest: true, note: 'dropped: not a number' },
      { epoch: 2, trainLoss: 1.2, validLoss: NaN, validBalancedAccuracy: 0.45, validLossBest: false },
    ]),
    metrics: { valid: { accuracy: 0.5, balancedAccuracy: 0.45, kappa: 0.3, macroF1: 0.4, loss: Infinity } },
    confusion: { valid: SLEEP_STAGE_NAMES.map((_, i) => SLEEP_STAGE_NAMES.map((__, j) => (i === j ? 5 : 1))) },
    classNames: [...SLEEP_STAGE_NAMES],
    status: 'completed',
    weights: { kind: 'safetensors', bytes: weights },
    ...overrides,
  };
}

describe('MemoryRunStore', () => {
  it('saves, reloads deep copies, lists newest first, renames and deletes', async () => {
    const store = new MemoryRunStore();
    const a = makeRun('a');
    const b = makeRun('b', { created: '2024-06-01T00:00:00.000Z', weights: null });
    await store.put(a);
    await store.put(b);
    a.name = 'changed after put';
    (a.weights as { bytes: Uint8Array }).bytes[0] ^= 0xff;
    const got = (await store.get('a'))!;
    expect(got.name).toBe('run a');
    expect(got).toEqual(makeRun('a'));
    got.history[0].trainLoss = 99;
    expect((await store.get('a'))!.history[0].trainLoss).toBe(1.5);
    const list = await store.list();
    expect(list.map((s) => s.id)).toEqual(['b', 'a']);
    expect(list[1]).toMatchObject({ name: 'run a', model: 'chambon2018', epochs: 2, synthetic: true, hasWeights: true, status: 'completed' });
    expect(list[0].hasWeights).toBe(false);
    await store.rename('a', 'baseline comparison');
    expect((await store.get('a'))!.name).toBe('baseline comparison');
    await expect(store.rename('zz', 'x')).rejects.toThrow(/no run with id 'zz'/);
    await expect(store.rename('a', '  ')).rejects.toThrow(/must not be empty/);
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    await expect(store.delete('a')).rejects.toThrow(/no run with id 'a'/);
    expect((await store.list()).map((s) => s.id)).toEqual(['b']);
    await store.put({ ...makeRun('b'), name: 'replaced' });
    expect((await store.list()).map((s) => s.name)).toEqual(['replaced']);
  });

  it('refuses an invalid record, naming the field', async () => {
    const store = new MemoryRunStore();
    await expect(store.put(makeRun('x', { confusion: { test: [[1, 2], [3, 4]] } }))).rejects.toThrow(/run 'x': confusion.test must be a 5 x 5 matrix/);
    await expect(store.put(makeRun('x', { created: 'yesterday' }))).rejects.toThrow(/created must be an ISO date/);
    expect(await store.list()).toEqual([]);
  });
});

describe('runs file export/import', () => {
  it('round-trips runs with weights, NaN/Infinity and references exactly', () => {
    const runs = [makeRun('a'), makeRun('b', { weights: { kind: 'reference', uri: 'idb:weights/b' }, notes: 'a note' }), makeRun('c', { weights: null })];
    const text = encodeRunsFile(runs, new Date('2024-07-01T00:00:00Z'));
    const doc = JSON.parse(text);
    expect(doc).toMatchObject({ format: 'hypnograd-runs', version: 1, exported: '2024-07-01T00:00:00.000Z' });
    expect(doc.runs[0].history[1].validLoss).toBe('NaN');
    expect(doc.runs[0].metrics.valid.loss).toBe('Infinity');
    const back = decodeRunsFile(new TextEncoder().encode(text), 'runs.json');
    expect(back.problems).toEqual([]);
    expect(back.runs).toEqual(runs);
    const w = decodeSafetensors((back.runs[0].weights as { bytes: Uint8Array }).bytes);
    expect([...w.tensors.get('fc.1.weight')!.data]).toEqual([0.5, -1.25, 3, 1e-9]);
    expect(runsFileName([runs[0]], new Date('2024-07-01T00:00:00Z'))).toBe('hypnograd-runs-run-a-2024-07-01.json');
  });

  it('base64 matches Node and rejects malformed text', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 100]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
      const b64 = encodeBase64(bytes);
      expect(b64).toBe(Buffer.from(bytes).toString('base64'));
      expect(decodeBase64(b64)).toEqual(bytes);
    }
    expect(() => decodeBase64('abc')).toThrow(/multiple of 4/);
    expect(() => decodeBase64('ab$d')).toThrow(/invalid character "\$" at 2/);
  });

  it('refuses files that are not runs files with clear errors', () => {
    expect(() => decodeRunsFile('{not json', 'x.json')).toThrow(/x.json: is not JSON/);
    expect(() => decodeRunsFile(new Uint8Array([0xff, 0xfe, 0x00]), 'x.bin')).toThrow(/x.bin: is not UTF-8 text/);
    expect(() => decodeRunsFile('[1]', 'x.json')).toThrow(/not a hypnograd runs file/);
    expect(() => decodeRunsFile('{"format":"other","version":1,"runs":[]}', 'x.json')).toThrow(/format is "other", expected "hypnograd-runs"/);
    expect(() => decodeRunsFile('{"format":"hypnograd-runs","version":7,"runs":[]}', 'x.json')).toThrow(/version 7 is newer than this hypnograd reads \(1\)/);
    expect(() => decodeRunsFile('{"format":"hypnograd-runs","version":1,"runs":{}}', 'x.json')).toThrow(/runs must be a list/);
  });

  it('skips a bad run, says which and why, keeps the rest', () => {
    const doc = JSON.parse(encodeRunsFile([makeRun('a'), makeRun('b'), makeRun('c'), makeRun('d')]));
    doc.runs[1].history[0].trainLoss = 'lots';
    doc.runs[2].weights.base64 = 'AAAA';
    doc.runs[3].id = 'a';
    const back = decodeRunsFile(JSON.stringify(doc), 'mixed.json');
    expect(back.runs.map((r) => r.id)).toEqual(['a']);
    expect(back.problems).toHaveLength(3);
    expect(back.problems[0]).toMatch(/^mixed.json: runs\[1\] \('run b'\): history\[0\].trainLoss must be a number, got "lots"; skipped$/);
    expect(back.problems[1]).toMatch(/runs\[2\] \('run c'\): weights are not a valid safetensors file/);
    expect(back.problems[2]).toMatch(/runs\[3\].*id 'a' appears twice/);
  });

  it('validateRunRecord names missing fields', () => {
    const r = makeRun('a') as unknown as Record<string, unknown>;
    delete r.data;
    expect(() => validateRunRecord(r, 'r')).toThrow(/^r: data must be an object$/);
    expect(() => validateRunRecord(makeRun('a', { weights: { kind: 'zip' } as never }), 'r')).toThrow(/weights.kind must be 'safetensors' or 'reference'/);
  });
});

describe('compareRuns', () => {
  it('lists the settings that differ and aligns curves on the union of epochs', () => {
    const a = makeRun('a');
    const b = makeRun('b', {
      config: { seed: 87, epochs: 3, optimizer: { name: 'adam', lr: 0.01, weightDecay: null }, split: { testSubjects: [0, 1] }, extra: true },
      data: { ...makeRun('b').data, synthetic: false },
      history: historyFrom([
        { epoch: 1, trainLoss: 1.0, validLoss: 1.1 },
        { epoch: 2, trainLoss: 0.9, validLoss: 1.0 },
        { epoch: 3, trainLoss: 0.8, validLoss: 0.95 },
      ]),
      metrics: { valid: { accuracy: 0.6, balancedAccuracy: 0.55, kappa: 0.4, macroF1: 0.5 }, test: { accuracy: 0.7, balancedAccuracy: 0.6, kappa: 0.5, macroF1: 0.55 } },
    });
    const c = compareRuns([a, b]);
    expect(c.differences.map((d) => d.key)).toEqual(['config.epochs', 'config.extra', 'config.optimizer.lr', 'data.synthetic']);
    expect(c.differences.find((d) => d.key === 'config.optimizer.lr')!.values).toEqual([0.001, 0.01]);
    expect(c.differences.find((d) => d.key === 'config.extra')!.values).toEqual([undefined, true]);
    expect(c.same).toContain('config.split.testSubjects');
    expect(c.same).toContain('model');
    expect(c.epochs).toEqual([1, 2, 3]);
    expect(c.curves.trainLoss).toEqual([[1.5, 1.2, null], [1.0, 0.9, 0.8]]);
    expect(c.curves.validLoss[0][1]).toBeNaN();
    expect(c.curves.validLossBest).toEqual([[1, 0, null], [null, null, null]]);
    expect(c.metrics.valid.balancedAccuracy).toEqual([0.45, 0.55]);
    expect(c.metrics.valid.loss).toEqual([Infinity, null]);
    expect(c.metrics.test.kappa).toEqual([null, 0.5]);
    expect(() => compareRuns([])).toThrow(/no runs/);
  });
});
