import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAnnotations } from '../../sleep/edf/index.ts';
import { cropAnnotations, wakeCropWindow, type WakeCropMode } from '../../sleep/epochs/crop.ts';
import { epochView, sleepEpochs, windowSamples } from '../../sleep/epochs/epochs.ts';
import { eventsFromAnnotations } from '../../sleep/epochs/events.ts';
import { annotationsFromStageString, stageCharLabel } from '../../sleep/epochs/labels.ts';
import type { Annotation } from '../../sleep/types.ts';
import { loadFixture, sharedPath } from './mneFixtures.ts';

type AnnList = [number, number, string][];
interface EpochResult {
  nEvents: number;
  nEpochs: number;
  labels: string;
  counts: number[];
  firstSample: number;
  lastSample: number;
  samplesSum: number;
  tmin?: number;
  tmax?: number;
  nTimes?: number;
  firstSamp?: number;
  annotations?: AnnList;
}
interface Sc4001Fixture {
  sfreq: number;
  nTimes: number;
  annotations: AnnList;
  noCrop: EpochResult;
  mneTutorial: EpochResult;
  braindecode: EpochResult;
  braindecodeSleepEnd: EpochResult;
}

const toAnnotations = (l: AnnList): Annotation[] => l.map(([onset, duration, description]) => ({ onset, duration, description }));
const sc = loadFixture<Sc4001Fixture>('epochs-sc4001.json');
const hypnogramBytes = readFileSync(sharedPath('sleep-edf/edf/SC4001EC-Hypnogram.edf'));

describe('SC4001 hypnogram: epochs equal MNE (synthetic PSG of the real length, 2650 x 30 s at 100 Hz)', () => {
  // One channel whose value is its sample index: every epoch's first value says where it was cut.
  const ramp = Float32Array.from({ length: sc.nTimes }, (_, i) => i);
  const annotations = toAnnotations(sc.annotations);

  it('sleep/edf reads the same 154 annotations as mne.read_annotations', () => {
    const ours = readAnnotations(hypnogramBytes, 'SC4001EC-Hypnogram.edf');
    expect(ours.length).toBe(154);
    ours.forEach((a, i) => {
      expect(a.description).toBe(annotations[i].description);
      expect(a.onset).toBeCloseTo(annotations[i].onset, 9);
      expect(a.duration).toBeCloseTo(annotations[i].duration, 9);
    });
  });

  const cases: [keyof Sc4001Fixture, WakeCropMode][] = [
    ['noCrop', 'none'],
    ['mneTutorial', 'mne-tutorial'],
    ['braindecode', 'braindecode'],
    ['braindecodeSleepEnd', 'sleep-end'],
  ];
  for (const [key, mode] of cases) {
    it(`crop '${mode}': label sequence, counts and epoch positions equal MNE's`, () => {
      const ref = sc[key] as EpochResult;
      const ep = sleepEpochs([ramp], sc.sfreq, annotations, { crop: mode, file: 'SC4001' });
      const labels = Array.from(ep.labels).join('');
      expect(ep.nEpochs).toBe(ref.nEpochs);
      expect(labels).toBe(ref.labels);
      expect([0, 1, 2, 3, 4].map((k) => ep.labels.filter((l) => l === k).length)).toEqual(ref.counts);
      expect(ep.starts[0]).toBe(ref.firstSample);
      expect(ep.starts[ep.nEpochs - 1]).toBe(ref.lastSample);
      expect(ep.starts.reduce((a, b) => a + b, 0)).toBe(ref.samplesSum);
      if (ref.firstSamp !== undefined) expect(ep.firstSample).toBe(ref.firstSamp);
      if (ref.annotations) {
        const ours = ep.annotations;
        const theirs = toAnnotations(ref.annotations);
        expect(ours.length).toBe(theirs.length);
        ours.forEach((a, i) => {
          expect(a.description).toBe(theirs[i].description);
          expect(Math.abs(a.onset - theirs[i].onset)).toBeLessThan(1e-6);
          expect(Math.abs(a.duration - theirs[i].duration)).toBeLessThan(1e-6);
        });
      }
      expect(ep.nSamples).toBe(3000);
      for (let e = 0; e < ep.nEpochs; e += 97) {
        const v = epochView(ep, e);
        expect(v[0]).toBe(ep.firstSample + ep.starts[e]);
        expect(v[2999]).toBe(ep.firstSample + ep.starts[e] + 2999);
      }
    });
  }

  it("the tutorial's crop window for SC4001 is 28830 s .. 53910 s (braindecode), 54060 s (MNE 60_sleep)", () => {
    expect(wakeCropWindow(annotations, (sc.nTimes - 1) / 100, 'braindecode')).toMatchObject({ tmin: 28830, tmax: 53910 });
    expect(sc.braindecode.tmax).toBe(53910);
    expect(wakeCropWindow(annotations, (sc.nTimes - 1) / 100, 'mne-tutorial')).toMatchObject({ tmin: 28830, tmax: 54060 });
    expect(sc.mneTutorial.tmax).toBe(54060);
  });

  it('the whole hypnogram, epoch by epoch, equals the SC4001 label string', () => {
    const stages = readFileSync(sharedPath('sleep-edf/labels/SC4001E0-PSG.stages.txt'), 'utf8').trim();
    expect(stages.length).toBe(2650);
    const ids: Record<string, number> = { 'Sleep stage W': 0, 'Sleep stage 1': 1, 'Sleep stage 2': 2, 'Sleep stage 3': 3, 'Sleep stage 4': 4, 'Sleep stage R': 5, 'Sleep stage ?': 6 };
    const chars = 'W1234R?';
    const ann = cropAnnotations(readAnnotations(hypnogramBytes, 'SC4001EC-Hypnogram.edf'), 0, sc.nTimes / 100);
    const ev = eventsFromAnnotations(ann, 1, ids, 30);
    let s = '';
    ev.samples.forEach((start, i) => {
      if (start + 30 <= stages.length * 30) s += chars[ev.values[i]];
    });
    expect(s).toBe(stages);
  });
});

describe('edge cases equal MNE: remainders under 30 s, off-sample onsets, the data end', () => {
  interface Edge {
    sfreq: number;
    nTimes: number;
    annotations: AnnList;
    eventSamples: number[];
    eventCodes: number[];
    epochs: EpochResult;
    cropTmin: number;
    cropTmax: number;
    cropped: AnnList;
  }
  const fx = loadFixture<Edge>('epochs-edge-cases.json');
  const ann = toAnnotations(fx.annotations);
  it('events_from_annotations(chunk_duration=30)', () => {
    const ids = { 'Sleep stage W': 1, 'Sleep stage 1': 2, 'Sleep stage 2': 3, 'Sleep stage 3': 4, 'Sleep stage 4': 4, 'Sleep stage R': 5 };
    const ev = eventsFromAnnotations(ann, fx.sfreq, ids, 30);
    expect(Array.from(ev.samples)).toEqual(fx.eventSamples);
    expect(Array.from(ev.values)).toEqual(fx.eventCodes);
  });
  it('Epochs labels and starts', () => {
    const ep = sleepEpochs([new Float32Array(fx.nTimes)], fx.sfreq, ann, { crop: 'none' });
    expect(Array.from(ep.labels).join('')).toBe(fx.epochs.labels);
    expect(ep.starts.reduce((a, b) => a + b, 0)).toBe(fx.epochs.samplesSum);
  });
  it('Annotations.crop clips and drops', () => {
    expect(cropAnnotations(ann, fx.cropTmin, fx.cropTmax)).toEqual(toAnnotations(fx.cropped));
  });
  it('drops windows that run past the data end', () => {
    const ep = sleepEpochs([new Float32Array(3000 * 2 + 10)], 100, [{ onset: 0, duration: 90, description: 'Sleep stage 2' }], { crop: 'none' });
    expect(ep.nEpochs).toBe(2);
    expect(windowSamples(30, 100)).toBe(3000);
    expect(windowSamples(30, 256)).toBe(7680);
  });
  it('a night without sleep cannot be cropped and says so', () => {
    expect(() => wakeCropWindow([{ onset: 0, duration: 600, description: 'Sleep stage W' }], 600, 'braindecode', 30, 'SC4999')).toThrow(/SC4999.*no sleep-stage/);
  });
});

describe('all 39 expert scorings: the labelling reproduces the mapped labels', () => {
  const dir = sharedPath('sleep-edf/labels');
  const files = readdirSync(dir).filter((f) => f.endsWith('.stages.txt')).sort();
  it('finds 39 scorings', () => expect(files.length).toBe(39));
  for (const mode of ['none', 'braindecode'] as const) {
    it(`crop '${mode}'`, () => {
      for (const f of files) {
        const stages = readFileSync(`${dir}/${f}`, 'utf8').trim();
        const ann = annotationsFromStageString(stages, 30, f);
        // 1 Hz is enough for labels: a window is 30 samples.
        const ep = sleepEpochs([new Float32Array(stages.length * 30)], 1, ann, { crop: mode, file: f });
        let lo = 0;
        let hi = stages.length;
        if (mode === 'braindecode') {
          const first = stages.search(/[1234R]/);
          let lastRun = stages.length - 1;
          while (!/[1234R]/.test(stages[lastRun])) lastRun--;
          while (lastRun > 0 && stages[lastRun - 1] === stages[lastRun]) lastRun--;
          lo = Math.max(first - 60, 0);
          hi = Math.min(lastRun + 60, stages.length);
        }
        const expected: number[] = [];
        for (let i = lo; i < hi; i++) {
          const l = stageCharLabel(stages[i]);
          if (l !== undefined) expected.push(l);
        }
        expect(Array.from(ep.labels), f).toEqual(expected);
      }
    });
  }
  it('unknown characters are named with the file and epoch', () => {
    expect(() => annotationsFromStageString('WW1X', 30, 'bad.txt')).toThrow(/bad.txt.*'X'.*epoch 3/);
  });
});
