import { describe, expect, it } from 'vitest';
import { Generator } from '../../engine/random.ts';
import { balancedClassWeights, splitBySubject, WindowDataset } from '../../sleep/dataset/index.ts';
import type { EpochSet } from '../../sleep/epochs/epochs.ts';
import { decodeF32, loadFixture, maxAbsDiff } from './mneFixtures.ts';

interface SplitFixture {
  subjects: number[];
  testSubjects: number[];
  validSubjects: number[];
  trainSubjects: number[];
  classWeightLabels: string;
  classWeights: number[];
}
const fx = loadFixture<SplitFixture>('splits.json');

describe('subject splits and class weights equal scikit-learn', () => {
  it('30-subject catalog: test 0-9, valid = LeavePGroupsOut(4) first split, train the rest', () => {
    // Night 2 of every subject but 13 (SC4132 does not exist): splits follow subjects.
    const recordingSubjects = fx.subjects.flatMap((s) => (s === 13 ? [s] : [s, s]));
    const split = splitBySubject(recordingSubjects);
    expect(split.testSubjects).toEqual(fx.testSubjects);
    expect(split.validSubjects).toEqual(fx.validSubjects);
    expect(split.trainSubjects).toEqual(fx.trainSubjects);
    for (const [name, idx, subs] of [['train', split.train, fx.trainSubjects], ['valid', split.valid, fx.validSubjects], ['test', split.test, fx.testSubjects]] as const) {
      expect(new Set(idx.map((i) => recordingSubjects[i])), name).toEqual(new Set(subs));
    }
    expect(split.train.length + split.valid.length + split.test.length).toBe(recordingSubjects.length);
  });
  it('configurable and checked', () => {
    const s = splitBySubject([5, 1, 2, 3, 4, 0], { testSubjects: [0], validSubjects: [5] });
    expect(s).toMatchObject({ testSubjects: [0], validSubjects: [5], trainSubjects: [1, 2, 3, 4], test: [5], valid: [0] });
    expect(() => splitBySubject([0, 1], { testSubjects: [0], validSubjects: [0] })).toThrow(/both/);
    expect(() => splitBySubject([0, 10, 11], {})).toThrow(/cannot give 4/);
  });
  it("balanced weights equal compute_class_weight('balanced')", () => {
    const y = Int32Array.from(decodeF32(fx.classWeightLabels));
    expect(maxAbsDiff(balancedClassWeights(y), fx.classWeights)).toBeLessThan(1e-12);
    // Per-recording arrays give the same as their concatenation.
    const parts = [y.subarray(0, 1000), y.subarray(1000)];
    expect(maxAbsDiff(balancedClassWeights(parts), fx.classWeights)).toBeLessThan(1e-12);
    expect(() => balancedClassWeights([0, 1, 2, 3])).toThrow(/class\(es\) 4/);
  });
});

function fakeSet(nEpochs: number, base: number): EpochSet {
  const nChannels = 2;
  const nSamples = 5;
  const data = new Float32Array(nEpochs * nChannels * nSamples);
  // Every value names its window: base + window index, channel in the tenths.
  for (let e = 0; e < nEpochs; e++) for (let c = 0; c < nChannels; c++) data.fill(base + e + c / 10, (e * 2 + c) * 5, (e * 2 + c + 1) * 5);
  return { data, labels: Int32Array.from({ length: nEpochs }, (_, e) => (base + e) % 5), starts: new Int32Array(nEpochs), nEpochs, nChannels, nSamples, sfreq: 100 };
}

describe('WindowDataset', () => {
  const sets = [fakeSet(7, 0), fakeSet(0, 100), fakeSet(12, 1000), fakeSet(4, 2000)];
  const ids = (d: WindowDataset) => [...d.batches()].flatMap((b) => Array.from({ length: b.size }, (_, i) => b.x[i * 10]));

  it('shapes batches (batch x channels x samples) and every window appears once per pass', () => {
    const d = new WindowDataset(sets, new Generator(1), { batchSize: 5 });
    expect(d.length).toBe(23);
    const batches = [...d.batches()];
    expect(batches.map((b) => b.size)).toEqual([5, 5, 5, 5, 3]);
    for (const b of batches) {
      expect(b.x.length).toBe(b.size * 2 * 5);
      expect(b.y.length).toBe(b.size);
      for (let i = 0; i < b.size; i++) {
        const id = b.x[i * 10];
        expect(b.x[i * 10 + 4]).toBe(id);
        expect(b.x[i * 10 + 5]).toBeCloseTo(id + 0.1, 3);
        expect(b.y[i]).toBe(id % 5);
      }
    }
    const seen = ids(d).sort((a, b) => a - b);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, ...Array.from({ length: 12 }, (_, i) => 1000 + i), 2000, 2001, 2002, 2003]);
  });
  it('seeded shuffling is deterministic and differs between passes and seeds', () => {
    const a = new WindowDataset(sets, new Generator(42), { batchSize: 4 });
    const b = new WindowDataset(sets, new Generator(42), { batchSize: 4 });
    const a1 = ids(a);
    expect(a1).toEqual(ids(b));
    const a2 = ids(a);
    expect(a2).not.toEqual(a1);
    expect(ids(b)).toEqual(a2);
    expect(ids(new WindowDataset(sets, new Generator(43), { batchSize: 4 }))).not.toEqual(a1);
    // The permutation is exactly the Generator's randperm over the global index.
    const perm = new Generator(42).randperm(23);
    const d = new WindowDataset(sets, new Generator(0));
    expect(a1).toEqual(Array.from(perm, (i) => d.gather([i]).x[0]));
  });
  it('dropLast and unshuffled order', () => {
    const d = new WindowDataset(sets, new Generator(0), { batchSize: 5, dropLast: true, shuffle: false });
    expect(d.numBatches).toBe(4);
    expect(ids(d).slice(0, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 1000]);
  });
  it('rejects recordings of different window shapes', () => {
    const odd = { ...fakeSet(2, 0), nSamples: 4 };
    expect(() => new WindowDataset([fakeSet(2, 0), odd], new Generator(0))).toThrow(/recording 1/);
  });
});

describe('batchToTensors', () => {
  it('uploads a batch as x [size, channels, samples] and y [size] on the CPU backend', async () => {
    const { batchToTensors } = await import('../../sleep/dataset/tensors.ts');
    const d = new WindowDataset([fakeSet(3, 10)], new Generator(0), { batchSize: 3, shuffle: false });
    const [b] = [...d.batches()];
    const { x, y } = batchToTensors(b, { device: 'cpu' });
    expect(x.shape).toEqual([3, 2, 5]);
    expect(y.shape).toEqual([3]);
    expect(maxAbsDiff(x.dataSync(), b.x)).toBe(0);
    expect(Array.from(y.dataSync())).toEqual([0, 1, 2]);
  });
});
