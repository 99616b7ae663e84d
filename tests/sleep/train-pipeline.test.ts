/**
 * The pipeline end to end on SYNTHETIC nights: EDF bytes -> reader -> wake crop -> low-pass ->
 * 30-s windows -> z-score -> subject split -> 2 training epochs -> report, with counts that add
 * up; labels and window contents checked against the generator's scoring and the raw samples;
 * bad pairs skipped and reported.
 */
import { describe, expect, it } from 'vitest';
import { readPsgWithHypnogram } from '../../sleep/edf/pair.ts';
import { stageCharLabel } from '../../sleep/epochs/labels.ts';
import { synthesizeEdfFiles } from '../../sleep/synthetic/generate.ts';
import { resolveTrainConfig } from '../../sleep/train/config.ts';
import { buildDatasets, loadRecordings, pairSleepCassetteFiles, preprocessRecording, syntheticPairSources, type PairSource } from '../../sleep/train/pipeline.ts';
import { buildReport } from '../../sleep/train/report.ts';
import { Trainer } from '../../sleep/train/trainer.ts';
import { tinyModel } from './trainHelpers.ts';

const HOURS = 2;

describe('preprocessRecording', () => {
  const files = synthesizeEdfFiles({ subject: 4, night: 1, hours: HOURS, seed: 3 });
  const recording = readPsgWithHypnogram(files.psg, files.hypnogram);

  it('labels every scored 30-s record of the night as the scoring says (stages 3 and 4 merged, ? dropped)', () => {
    const cfg = resolveTrainConfig().preprocess;
    const set = preprocessRecording(recording, cfg);
    // The synthetic night starts 30 min before sleep and ends in sleep, so the crop keeps it all.
    const expected = [...files.stages].map(stageCharLabel).filter((v): v is number => v !== undefined);
    expect(Array.from(set.labels)).toEqual(expected);
    expect(set.nSamples).toBe(3000);
    expect(set.nChannels).toBe(2);
    // z-scored per window and channel: mean 0, population std 1.
    for (const w of [0, 17, set.nEpochs - 1]) {
      for (let c = 0; c < 2; c++) {
        const row = set.data.subarray((w * 2 + c) * 3000, (w * 2 + c + 1) * 3000);
        const mean = row.reduce((a, b) => a + b, 0) / row.length;
        const sd = Math.sqrt(row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length);
        expect(Math.abs(mean)).toBeLessThan(1e-5);
        expect(sd).toBeCloseTo(1, 5);
      }
    }
  });

  it('without filter and scaling, window i holds the raw samples of record i', () => {
    const set = preprocessRecording(recording, { ...resolveTrainConfig().preprocess, lFreq: null, hFreq: null, scaling: 'none' });
    const raw = recording.channels.map((c) => c.data);
    for (const w of [0, 60, set.nEpochs - 1]) {
      const start = set.starts[w];
      expect(start).toBe(w * 3000);
      for (let c = 0; c < 2; c++) expect(Array.from(set.data.subarray((w * 2 + c) * 3000, (w * 2 + c + 1) * 3000))).toEqual(Array.from(raw[c].subarray(start, start + 3000)));
    }
  });

  it('the 30 Hz low-pass removes what lies above the band', () => {
    const raw = preprocessRecording(recording, { ...resolveTrainConfig().preprocess, hFreq: null, scaling: 'none' });
    const low = preprocessRecording(recording, { ...resolveTrainConfig().preprocess, scaling: 'none' });
    // Energy of the first difference is dominated by high frequencies.
    const diffEnergy = (d: Float32Array) => d.reduce((a, _, i) => (i ? a + (d[i] - d[i - 1]) ** 2 : 0), 0);
    expect(diffEnergy(low.data)).toBeLessThan(0.9 * diffEnergy(raw.data));
  });
});

describe('pairing files', () => {
  it('pairs PSG and hypnogram by the first six characters, reports orphans, keeps the subjects asked', () => {
    const names = ['SC4001E0-PSG.edf', 'SC4001EC-Hypnogram.edf', 'SC4011E0-PSG.edf', 'SC4021EH-Hypnogram.edf', 'SC4031E0-PSG.edf', 'SC4031EC-Hypnogram.edf', 'notes.txt', 'ST7011J0-PSG.edf'];
    const r = pairSleepCassetteFiles(names, [0, 1, 2], [1]);
    expect(r.pairs).toEqual([{ psg: 'SC4001E0-PSG.edf', hypnogram: 'SC4001EC-Hypnogram.edf', subject: 0, night: 1 }]);
    expect(r.skipped).toEqual([
      { file: 'SC4011E0-PSG.edf', field: null, reason: 'no hypnogram file beside it' },
      { file: 'ST7011J0-PSG.edf', field: null, reason: 'not a sleep-cassette file name (SC4ssN...-PSG.edf)' },
      { file: 'SC4021EH-Hypnogram.edf', field: null, reason: 'no PSG file beside it' },
    ]);
  });
});

describe('synthetic recordings to a report', () => {
  it('trains 2 epochs and reports counts that add up; bad pairs are skipped and named', async () => {
    const config = resolveTrainConfig({ epochs: 2, batchSize: 64, seed: 87, optimizer: { lr: 3e-3 }, split: { testSubjects: [0], validSubjects: [1] } });
    const good = syntheticPairSources([0, 1, 2, 3], [1], 0, HOURS);
    // A truncated PSG and a hypnogram of another night: each skipped with its file and field.
    const five = syntheticPairSources([5], [1], 0, HOURS)[0];
    const six = syntheticPairSources([6], [1], 0, HOURS)[0];
    const truncated: PairSource = { ...five, psg: { file: five.psg.file, load: async () => (await five.psg.load() as Uint8Array).subarray(0, 100) } };
    const mismatched: PairSource = { ...six, hypnogram: five.hypnogram };
    const loaded = await loadRecordings([...good, truncated, mismatched], config.preprocess);
    expect(loaded.recordings.map((r) => r.subject)).toEqual([0, 1, 2, 3]);
    expect(loaded.errors.map((e) => [e.file, e.field])).toEqual([
      ['SC4051E0-PSG.edf', expect.any(String)],
      [five.hypnogram.file, 'startDate'],
    ]);
    expect(loaded.errors[0].reason.length).toBeGreaterThan(10);

    const data = buildDatasets(loaded.recordings, config.split, config.preprocess.scaling);
    expect(data.split.testSubjects).toEqual([0]);
    expect(data.split.validSubjects).toEqual([1]);
    expect(data.split.trainSubjects).toEqual([2, 3]);
    const result = await new Trainer({ model: tinyModel(87, 3000), data: data.sets, config }).run();
    const report = buildReport({
      synthetic: true,
      source: 'synthetic',
      config,
      model: { name: 'tiny', options: {}, parameters: 0 },
      data,
      skipped: loaded.errors,
      result,
      weightsFiles: [],
      timings: { totalSeconds: 0, dataSeconds: 0, trainSeconds: result.seconds },
      backend: { device: 'cpu', adapter: null, runtime: 'vitest' },
    });
    expect(report.synthetic).toBe(true);
    expect(report.dataNote).toMatch(/^SYNTHETIC/);
    expect(report.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(report.data.skipped).toHaveLength(2);
    const c = report.data.counts;
    for (const split of ['train', 'valid', 'test'] as const) {
      expect(c[split].perClass.reduce((a, b) => a + b, 0)).toBe(c[split].windows);
    }
    for (let k = 0; k < 5; k++) expect(c.train.perClass[k] + c.valid.perClass[k] + c.test.perClass[k]).toBe(c.total.perClass[k]);
    expect(c.total.windows).toBe(loaded.recordings.reduce((a, r) => a + r.epochs.nEpochs, 0));
    expect(c.total.windows).toBe(4 * HOURS * 120);
    const m = report.test!.metrics;
    expect(m.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(c.test.windows);
    // Row sums of the confusion matrix are the test set's class counts.
    expect(m.confusionMatrix.map((r) => r.reduce((a, b) => a + b, 0))).toEqual(c.test.perClass);
    expect(m.perClass.map((p) => p.support)).toEqual(c.test.perClass);
    expect(report.test!.evaluatedModel).toBe('best');
    // Balanced class weights from the training counts: n / (5 n_k).
    expect(report.data.classWeights).toEqual(c.train.perClass.map((n) => c.train.windows / (5 * n)));
  });
});
