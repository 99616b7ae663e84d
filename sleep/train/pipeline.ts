/**
 * The tutorial's preprocessing end to end, from PSG/hypnogram pairs to the three window sets:
 * read the picked EEG channels with the hypnogram, crop wake to 30 min around sleep
 * (braindecode's SleepPhysionet crop), low-pass at 30 Hz (MNE raw.filter), cut 30-s windows
 * labelled W/N1/N2/N3/REM, z-score each window and channel, then split by subject.
 *
 * Each night is reduced to its windows as soon as it is read (the batch reader's `keep`), so
 * only one night's full channels are in memory at a time. A bad pair is skipped and reported.
 * Browser-safe: sources are loaders, whatever holds the bytes.
 */
import { readPsgHypnogramBatch, type BatchError, type EdfPairSource } from '../edf/batch.ts';
import { cropSignal, wakeCropWindow } from '../epochs/crop.ts';
import { sleepEpochs, type EpochSet } from '../epochs/epochs.ts';
import { ChannelStandardScaler, zscoreWindowsInPlace } from '../epochs/scale.ts';
import { splitBySubject, type SubjectSplit } from '../dataset/splits.ts';
import { filterChannelsInPlace } from '../preprocess/filter.ts';
import { synthesizeEdfFiles, type SyntheticFiles } from '../synthetic/generate.ts';
import { sleepCassetteNames } from '../synthetic/layout.ts';
import { sleepCassetteCatalog } from '../physionet/catalog.ts';
import { STAGES, type Recording } from '../types.ts';
import type { PreprocessConfig, SplitConfig } from './config.ts';
import type { SplitSets } from './trainer.ts';

export interface PairSource extends EdfPairSource {
  subject: number;
  night: number;
}

/** Subject and night of a sleep-cassette file name (SC4ssN...), or null. */
export function parseSleepCassetteName(file: string): { subject: number; night: number } | null {
  const m = /^SC4(\d\d)(\d)/.exec(file.replace(/^.*[\\/]/, ''));
  return m ? { subject: Number(m[1]), night: Number(m[2]) } : null;
}

export interface PairingResult {
  pairs: { psg: string; hypnogram: string; subject: number; night: number }[];
  /** Files left out, each with the reason. */
  skipped: BatchError[];
}

/**
 * Pairs PSG files (SC4ssNx0-PSG.edf) with hypnograms (SC4ssNxx-Hypnogram.edf) by their first six
 * characters, as PhysioNet names them (the hypnogram's letters name the scorer). Only the
 * subjects and nights asked for are kept (all when null).
 */
export function pairSleepCassetteFiles(names: readonly string[], subjects: readonly number[] | null, nights: readonly number[] | null): PairingResult {
  const base = (f: string) => f.replace(/^.*[\\/]/, '');
  const psgs = names.filter((f) => /-PSG\.edf$/i.test(f)).sort();
  const hyps = names.filter((f) => /-Hypnogram\.edf$/i.test(f)).sort();
  const skipped: BatchError[] = [];
  const pairs: PairingResult['pairs'] = [];
  const usedHyp = new Set<string>();
  for (const psg of psgs) {
    const id = parseSleepCassetteName(psg);
    if (!id) {
      skipped.push({ file: psg, field: null, reason: 'not a sleep-cassette file name (SC4ssN...-PSG.edf)' });
      continue;
    }
    if (subjects && !subjects.includes(id.subject)) continue;
    if (nights && !nights.includes(id.night)) continue;
    const matches = hyps.filter((h) => base(h).slice(0, 6) === base(psg).slice(0, 6));
    if (matches.length !== 1) {
      skipped.push({ file: psg, field: null, reason: matches.length === 0 ? 'no hypnogram file beside it' : `${matches.length} hypnograms match it (${matches.map(base).join(', ')})` });
      continue;
    }
    usedHyp.add(matches[0]);
    pairs.push({ psg, hypnogram: matches[0], ...id });
  }
  for (const h of hyps) {
    const id = parseSleepCassetteName(h);
    if (usedHyp.has(h) || !id || (subjects && !subjects.includes(id.subject)) || (nights && !nights.includes(id.night))) continue;
    skipped.push({ file: h, field: null, reason: 'no PSG file beside it' });
  }
  pairs.sort((a, b) => a.subject - b.subject || a.night - b.night);
  return { pairs, skipped };
}

/** SYNTHETIC nights as pair sources: a night's EDF bytes are generated when its hypnogram is first loaded, and dropped once its PSG is. */
export function syntheticPairSources(subjects: readonly number[], nights: readonly number[], seed = 0, hours?: number): PairSource[] {
  const catalog = sleepCassetteCatalog();
  return subjects.flatMap((subject) =>
    nights.map((night) => {
      const real = catalog.find((r) => r.subject === subject && r.night === night);
      const names = real ? { psg: real.psg.file, hypnogram: real.hypnogram.file } : sleepCassetteNames(subject, night);
      let files: SyntheticFiles | null = null;
      const make = () => (files ??= synthesizeEdfFiles({ subject, night, seed, hours }));
      return {
        subject,
        night,
        hypnogram: { file: names.hypnogram, load: () => make().hypnogram.bytes },
        psg: {
          file: names.psg,
          load: () => {
            const bytes = make().psg.bytes;
            files = null;
            return bytes;
          },
        },
      };
    }),
  );
}

export interface PreparedRecording {
  file: string;
  subject: number;
  night: number;
  epochs: EpochSet;
  /** Seconds of signal kept by the wake crop. */
  croppedSeconds: number;
}

/** One night: crop wake, filter, cut windows, and (scaling 'window') z-score them. */
export function preprocessRecording(recording: Recording, cfg: PreprocessConfig): EpochSet {
  const file = recording.file;
  if (recording.channels.length === 0) throw new Error(`${file}: channels: none were read`);
  const sfreq = recording.channels[0].sampleRate;
  for (const ch of recording.channels) {
    if (ch.sampleRate !== sfreq) throw new Error(`${file}: channels: '${ch.label}' is sampled at ${ch.sampleRate} Hz, '${recording.channels[0].label}' at ${sfreq} Hz; they must share one rate`);
  }
  const nTimes = recording.channels[0].data.length;
  const crop = wakeCropWindow(recording.annotations, (nTimes - 1) / sfreq, cfg.crop, cfg.cropMinutes, file);
  let data = recording.channels.map((c) => c.data);
  let annotations = recording.annotations;
  let mode = cfg.crop;
  if (crop.cropsSignal) {
    // braindecode crops at load time, then filters the cropped signal (so the filter's edges are the crop's).
    const cropped = cropSignal(data, sfreq, annotations, crop.tmin, crop.tmax);
    data = cropped.channels.map((c) => c.slice());
    annotations = cropped.annotations;
    mode = 'none';
  }
  if (cfg.lFreq !== null || cfg.hFreq !== null) {
    filterChannelsInPlace(
      data.map((d, i) => ({ label: recording.channels[i].label, sampleRate: sfreq, data: d })),
      cfg.lFreq,
      cfg.hFreq,
    );
  }
  const set = sleepEpochs(data, sfreq, annotations, { crop: mode, cropMinutes: cfg.cropMinutes, file });
  if (set.nEpochs === 0) throw new Error(`${file}: annotations: no 30-s window with a sleep-stage label after cropping`);
  if (cfg.scaling === 'window') zscoreWindowsInPlace(set);
  return { data: set.data, labels: set.labels, starts: set.starts, nEpochs: set.nEpochs, nChannels: set.nChannels, nSamples: set.nSamples, sfreq: set.sfreq };
}

export interface LoadedRecordings {
  recordings: PreparedRecording[];
  errors: BatchError[];
}

/** Reads and preprocesses every pair, one night at a time; bad pairs are reported and skipped. */
export async function loadRecordings(sources: readonly PairSource[], cfg: PreprocessConfig, onRecording?: (r: PreparedRecording, index: number, total: number) => void): Promise<LoadedRecordings> {
  const bySource = new Map(sources.map((s) => [s.psg.file, s]));
  let done = 0;
  const result = await readPsgHypnogramBatch<PreparedRecording>(sources, {
    channels: cfg.channels,
    keep: (recording) => {
      const source = bySource.get(recording.file)!;
      const epochs = preprocessRecording(recording, cfg);
      const prepared = { file: recording.file, subject: source.subject, night: source.night, epochs, croppedSeconds: (epochs.starts.length ? epochs.starts[epochs.starts.length - 1] + epochs.nSamples : 0) / epochs.sfreq };
      onRecording?.(prepared, ++done, sources.length);
      return prepared;
    },
  });
  return { recordings: result.recordings, errors: result.errors };
}

export interface SplitCounts {
  recordings: number;
  subjects: number[];
  windows: number;
  /** Windows per class, in STAGES order. */
  perClass: number[];
}

export interface PreparedData {
  sets: SplitSets;
  split: SubjectSplit;
  counts: { train: SplitCounts; valid: SplitCounts; test: SplitCounts; total: SplitCounts };
  files: { train: string[]; valid: string[]; test: string[] };
  nChannels: number;
  nSamples: number;
  sfreq: number;
  /** Per-channel mean and std of the training set ('channel' scaling only). */
  channelScaler: { mean: number[]; std: number[] } | null;
}

function countsOf(recs: readonly PreparedRecording[], nClasses: number): SplitCounts {
  const perClass = new Array<number>(nClasses).fill(0);
  for (const r of recs) for (const y of r.epochs.labels) perClass[y]++;
  return { recordings: recs.length, subjects: [...new Set(recs.map((r) => r.subject))].sort((a, b) => a - b), windows: perClass.reduce((a, b) => a + b, 0), perClass };
}

/** Splits prepared recordings by subject and applies 'channel' scaling (fitted on the training set). */
export function buildDatasets(recordings: readonly PreparedRecording[], split: SplitConfig, scaling: PreprocessConfig['scaling'], nClasses = STAGES.length): PreparedData {
  if (recordings.length === 0) throw new Error('no recordings could be read and preprocessed; nothing to train on');
  const subjects = recordings.map((r) => r.subject);
  let s: SubjectSplit;
  try {
    s = splitBySubject(subjects, { testSubjects: split.testSubjects, validSubjects: split.validSubjects ?? undefined, nValid: split.nValid });
  } catch (err) {
    const have = [...new Set(subjects)].sort((a, b) => a - b);
    throw new Error(`${(err as Error).message} (subjects read: ${have.join(', ')}; test subjects: ${split.testSubjects.join(', ')}): choose test and validation subjects among those read`);
  }
  if (s.train.length === 0) throw new Error(`splitBySubject: no training subjects are left (subjects ${[...new Set(subjects)].join(', ')}, test ${s.testSubjects.join(', ')}, valid ${s.validSubjects.join(', ')})`);
  if (s.valid.length === 0) throw new Error(`splitBySubject: none of the validation subjects (${(split.validSubjects ?? []).join(', ')}) were read`);
  const pick = (idx: number[]) => idx.map((i) => recordings[i]);
  const train = pick(s.train);
  const valid = pick(s.valid);
  const test = pick(s.test);
  const first = recordings[0].epochs;
  for (const r of recordings) {
    if (r.epochs.nChannels !== first.nChannels || r.epochs.nSamples !== first.nSamples) {
      throw new Error(`${r.file}: windows are ${r.epochs.nChannels} x ${r.epochs.nSamples}, ${recordings[0].file}'s ${first.nChannels} x ${first.nSamples} (different sampling rates?)`);
    }
  }
  let channelScaler: PreparedData['channelScaler'] = null;
  if (scaling === 'channel') {
    const scaler = new ChannelStandardScaler().fit(train.map((r) => r.epochs));
    for (const r of recordings) scaler.transformInPlace(r.epochs);
    channelScaler = { mean: Array.from(scaler.mean), std: Array.from(scaler.std) };
  }
  return {
    sets: { train: train.map((r) => r.epochs), valid: valid.map((r) => r.epochs), test: test.map((r) => r.epochs) },
    split: s,
    counts: { train: countsOf(train, nClasses), valid: countsOf(valid, nClasses), test: countsOf(test, nClasses), total: countsOf(recordings, nClasses) },
    files: { train: train.map((r) => r.file), valid: valid.map((r) => r.file), test: test.map((r) => r.file) },
    nChannels: first.nChannels,
    nSamples: first.nSamples,
    sfreq: first.sfreq,
    channelScaler,
  };
}
