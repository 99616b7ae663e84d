/**
 * SYNTHETIC Sleep-EDF nights: PSG and hypnogram files in the real sleep-cassette layout, driven by
 * the real expert scorings (sleep/data), with stage-dependent EEG. For tests, benchmarks and the
 * app's offline demo; every header says SYNTHETIC. Browser-safe: no Node APIs here.
 */
import { Generator, hashUint32 } from '../../engine/index.ts';
import { scoredPsgFiles, scoringOf } from '../data/index.ts';
import { sleepCassetteCatalog } from '../physionet/catalog.ts';
import type { Annotation, EdfHeader, Recording } from '../types.ts';
import { digitalToPhysical, physicalToDigital, writeAnnotationsEdf, writeEdf, type EdfFileSpec } from './edfWriter.ts';
import { RECORD_SECONDS, SLEEP_CASSETTE_SIGNALS, sleepCassetteNames } from './layout.ts';
import { drawEpochParams, drawTraits } from './params.ts';
import { synthesizeSignals } from './signals.ts';

export interface SynthOptions {
  subject: number;
  night: number;
  seed?: number;
  /**
   * Keep only this many hours, starting 30 min before the first sleep epoch (the tutorial also
   * crops wake to 30 min around sleep). Whole night when absent.
   */
  hours?: number;
}

export interface SyntheticNight {
  subject: number;
  night: number;
  seed: number;
  psgFile: string;
  hypnogramFile: string;
  /** The PSG file whose expert scoring drives this night (another one for unscored subjects). */
  scoringSource: string;
  /** One character per 30-s record: W 1 2 3 4 R ?. */
  stages: string;
  psgSpec: EdfFileSpec;
  /** Digital samples of the 7 signals, as written to the file. */
  digital: Int16Array[];
  hypnogramSpec: Pick<EdfFileSpec, 'patientId' | 'recordingId' | 'start'>;
  hypnogram: Annotation[];
}

const STAGE_TEXT: Record<string, string> = { W: 'Sleep stage W', '1': 'Sleep stage 1', '2': 'Sleep stage 2', '3': 'Sleep stage 3', '4': 'Sleep stage 4', R: 'Sleep stage R', '?': 'Sleep stage ?' };

/** Scoring string -> hypnogram annotations, one per run; short unscored runs inside sleep are movement. */
export function stagesToAnnotations(stages: string): Annotation[] {
  const out: Annotation[] = [];
  const firstSleep = stages.search(/[1234R]/);
  const lastSleep = Math.max(...['1', '2', '3', '4', 'R'].map((c) => stages.lastIndexOf(c)));
  for (let i = 0; i < stages.length; ) {
    let j = i;
    while (j < stages.length && stages[j] === stages[i]) j++;
    const inside = i > firstSleep && j <= lastSleep;
    const description = stages[i] === '?' && inside && j - i <= 3 ? 'Movement time' : STAGE_TEXT[stages[i]];
    if (!description) throw new Error(`scoring character '${stages[i]}' at epoch ${i} is not one of W 1 2 3 4 R ?`);
    out.push({ onset: i * RECORD_SECONDS, duration: (j - i) * RECORD_SECONDS, description });
    i = j;
  }
  return out;
}

function month(m: number): string {
  return ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'][m];
}

export function synthesizeNight(options: SynthOptions): SyntheticNight {
  const { subject, night } = options;
  const seed = (options.seed ?? 0) >>> 0;
  const real = sleepCassetteCatalog().find((r) => r.subject === subject && r.night === night);
  const names = real ? { psg: real.psg.file, hypnogram: real.hypnogram.file } : sleepCassetteNames(subject, night);

  let scoringSource = names.psg;
  let stages = scoringOf(names.psg);
  if (stages === undefined) {
    // No shipped expert scoring (subjects 20+, or a night that does not exist): borrow one.
    const pool = scoredPsgFiles();
    scoringSource = pool[hashUint32(seed, subject * 4 + night) % pool.length];
    stages = scoringOf(scoringSource)!;
  }
  let firstEpoch = 0;
  if (options.hours !== undefined) {
    if (!(options.hours > 0)) throw new Error(`hours: ${options.hours} must be positive`);
    const firstSleep = Math.max(0, stages.search(/[1234R]/));
    firstEpoch = Math.max(0, firstSleep - 60);
    stages = stages.slice(firstEpoch, firstEpoch + Math.max(1, Math.round(options.hours * 120)));
  }

  const traits = drawTraits(new Generator(hashUint32(seed, 1000 + subject)));
  const gen = new Generator(hashUint32(hashUint32(seed, subject), night));
  const params = drawEpochParams(stages, traits, gen);
  const s = synthesizeSignals(stages, params, traits, gen);
  const physical = [s.fpz, s.pz, s.eog, s.resp, s.emg, s.temp, s.marker];
  const digital = physical.map((x, i) => physicalToDigital(x, SLEEP_CASSETTE_SIGNALS[i]));

  // Start so that lights-off (catalog) falls ~10 min before the first sleep epoch.
  const [h, m] = (real?.lightsOff ?? '23:00:00').split(':').map(Number);
  const sleepOnset = Math.max(0, (scoringOf(scoringSource) ?? '').search(/[1234R]/)) * RECORD_SECONDS;
  let startSeconds = (h * 3600 + m * 60 + 600 - sleepOnset + firstEpoch * RECORD_SECONDS) % 86400;
  if (startSeconds < 0) startSeconds += 86400;
  startSeconds = Math.round(startSeconds / 60) * 60;
  const start = new Date(Date.UTC(1989, 0, 1 + subject * 7 + night, 0, 0, startSeconds));
  const sex = real?.sex === 'male' ? 'M' : real?.sex === 'female' ? 'F' : 'X';
  const patientId = `SYNTHETIC-${names.psg.slice(0, 6)} ${sex} X SYNTHETIC_not_real_EEG${real ? `_${real.sex === 'male' ? 'Male' : 'Female'}_${real.age}yr` : ''}`;
  const date = `${String(start.getUTCDate()).padStart(2, '0')}-${month(start.getUTCMonth())}-${start.getUTCFullYear()}`;
  const recordingId = `Startdate ${date} X X SYNTHETIC_hypnograd_seed${seed}${options.hours !== undefined ? `_crop${firstEpoch}` : ''}_scoring_${scoringSource.slice(0, 8)}`;

  const psgSpec: EdfFileSpec = {
    patientId,
    recordingId,
    start,
    reserved: '',
    numRecords: stages.length,
    recordDuration: RECORD_SECONDS,
    signals: SLEEP_CASSETTE_SIGNALS.map((x) => ({ ...x })),
  };
  return {
    subject,
    night,
    seed,
    psgFile: names.psg,
    hypnogramFile: names.hypnogram,
    scoringSource,
    stages,
    psgSpec,
    digital,
    hypnogramSpec: { patientId, recordingId, start },
    hypnogram: stagesToAnnotations(stages),
  };
}

export interface SyntheticFiles {
  psg: { file: string; bytes: Uint8Array };
  hypnogram: { file: string; bytes: Uint8Array };
  stages: string;
}

/** The PSG and hypnogram EDF bytes of a synthetic night. Same options, same bytes. */
export function synthesizeEdfFiles(options: SynthOptions): SyntheticFiles {
  const night = synthesizeNight(options);
  return nightToFiles(night);
}

export function nightToFiles(night: SyntheticNight): SyntheticFiles {
  return {
    psg: { file: night.psgFile, bytes: writeEdf(night.psgSpec, night.digital) },
    hypnogram: { file: night.hypnogramFile, bytes: writeAnnotationsEdf(night.hypnogramSpec, night.hypnogram) },
    stages: night.stages,
  };
}

/** The EdfHeader a reader would produce for the synthetic PSG file. */
export function psgHeader(spec: EdfFileSpec): EdfHeader {
  const s = spec.start;
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    version: '0',
    patientId: spec.patientId,
    recordingId: spec.recordingId,
    startDate: `${two(s.getUTCDate())}.${two(s.getUTCMonth() + 1)}.${two(s.getUTCFullYear() % 100)}`,
    startTime: `${two(s.getUTCHours())}.${two(s.getUTCMinutes())}.${two(s.getUTCSeconds())}`,
    start: new Date(s.getTime()),
    headerBytes: 256 * (spec.signals.length + 1),
    variant: spec.reserved,
    reserved: spec.reserved,
    numRecords: spec.numRecords,
    recordDuration: spec.recordDuration,
    numSignals: spec.signals.length,
    signals: spec.signals.map((x) => ({ ...x, reserved: '', sampleRate: x.samplesPerRecord / spec.recordDuration, isAnnotation: false })),
  };
}

export interface SyntheticRecording {
  recording: Recording;
  /** The hypnogram's annotations (what readAnnotations gives for the hypnogram file). */
  hypnogram: Annotation[];
  stages: string;
  hypnogramFile: string;
}

/**
 * Fast path for the app: the Recording that reading the synthetic PSG file would give (same
 * quantized values), without writing and parsing EDF bytes.
 */
export function synthesizeRecording(options: SynthOptions & { channels?: readonly string[] }): SyntheticRecording {
  const night = synthesizeNight(options);
  const header = psgHeader(night.psgSpec);
  const wanted = options.channels ?? header.signals.map((x) => x.label);
  const channels = wanted.map((label) => {
    const i = header.signals.findIndex((x) => x.label === label);
    if (i < 0) throw new Error(`${night.psgFile}: no channel '${label}' (has ${header.signals.map((x) => x.label).join(', ')})`);
    const sig = night.psgSpec.signals[i];
    return { label, unit: sig.physicalDimension, sampleRate: header.signals[i].sampleRate, data: digitalToPhysical(night.digital[i], sig) };
  });
  return { recording: { file: night.psgFile, header, channels, annotations: [] }, hypnogram: night.hypnogram, stages: night.stages, hypnogramFile: night.hypnogramFile };
}
