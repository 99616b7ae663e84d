/** SYNTHETIC Sleep-EDF recordings (browser-safe). */
export * from './edfWriter.ts';
export * from './generate.ts';
export { SLEEP_CASSETTE_SIGNALS, sleepCassetteNames, RECORD_SECONDS, EEG_RATE } from './layout.ts';
