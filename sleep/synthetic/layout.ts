/**
 * The real sleep-cassette PSG layout (header of SC4001E0-PSG.edf: 7 signals, 30-s records) and
 * the file names PhysioNet uses.
 */
import type { EdfSignalSpec } from './edfWriter.ts';

export const RECORD_SECONDS = 30;
export const EEG_RATE = 100;

const electrodes = 'Ag-AgCl electrodes';
const cassette = 'HP:0.5Hz LP:100Hz [enhanced cassette BW]';

export const SLEEP_CASSETTE_SIGNALS: readonly EdfSignalSpec[] = [
  { label: 'EEG Fpz-Cz', transducer: electrodes, physicalDimension: 'uV', physicalMin: -192, physicalMax: 192, digitalMin: -2048, digitalMax: 2047, prefiltering: cassette, samplesPerRecord: 3000 },
  { label: 'EEG Pz-Oz', transducer: electrodes, physicalDimension: 'uV', physicalMin: -197, physicalMax: 196, digitalMin: -2048, digitalMax: 2047, prefiltering: cassette, samplesPerRecord: 3000 },
  { label: 'EOG horizontal', transducer: electrodes, physicalDimension: 'uV', physicalMin: -1009, physicalMax: 1009, digitalMin: -2048, digitalMax: 2047, prefiltering: cassette, samplesPerRecord: 3000 },
  { label: 'Resp oro-nasal', transducer: 'Oral-nasal thermistors', physicalDimension: '', physicalMin: -2048, physicalMax: 2047, digitalMin: -2048, digitalMax: 2047, prefiltering: 'HP:0.03Hz LP:0.9Hz', samplesPerRecord: 30 },
  { label: 'EMG submental', transducer: electrodes, physicalDimension: 'uV', physicalMin: -5, physicalMax: 5, digitalMin: -2500, digitalMax: 2500, prefiltering: 'HP:16Hz Rectification LP:0.7Hz', samplesPerRecord: 30 },
  { label: 'Temp rectal', transducer: 'Rectal thermistor', physicalDimension: 'DegC', physicalMin: 34, physicalMax: 40, digitalMin: -2849, digitalMax: 2731, prefiltering: '', samplesPerRecord: 30 },
  { label: 'Event marker', transducer: 'Marker button', physicalDimension: '', physicalMin: -2047, physicalMax: 2048, digitalMin: -2047, digitalMax: 2048, prefiltering: 'Hold during 2 seconds', samplesPerRecord: 30 },
];

/** Hypnogram file names carry the scorer's letter (C, H, J, ...); used when the catalog has none. */
export function sleepCassetteNames(subject: number, night: number): { psg: string; hypnogram: string } {
  if (!Number.isInteger(subject) || subject < 0 || subject > 99) throw new Error(`subject ${subject}: must be an integer 0-99`);
  if (night !== 1 && night !== 2) throw new Error(`night ${night}: must be 1 or 2`);
  const id = `SC4${String(subject).padStart(2, '0')}${night}`;
  return { psg: `${id}E0-PSG.edf`, hypnogram: `${id}EC-Hypnogram.edf` };
}
