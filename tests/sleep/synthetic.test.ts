/** SYNTHETIC Sleep-EDF nights: determinism, the real file layout read back, names, the CLI. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseEdfHeader, readAnnotations, readEdf, readPsgWithHypnogram } from '../../sleep/edf/index.ts';
import { scoringOf } from '../../sleep/data/index.ts';
import { synthesizeEdfFiles, synthesizeRecording, writeAnnotationsEdf, writeEdf, stagesToAnnotations } from '../../sleep/synthetic/index.ts';
import { sleepEdfPath } from '../helpers/data.ts';
import type { Annotation } from '../../sleep/types.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const edfDir = sleepEdfPath('edf');
const realPsgHeader = parseEdfHeader(new Uint8Array(readFileSync(join(edfDir, 'short_psg.edf'))), 'short_psg.edf');
const realHypnogramBytes = new Uint8Array(readFileSync(join(edfDir, 'SC4001EC-Hypnogram.edf')));

const CODE: Record<string, string> = { 'Sleep stage W': 'W', 'Sleep stage 1': '1', 'Sleep stage 2': '2', 'Sleep stage 3': '3', 'Sleep stage 4': '4', 'Sleep stage R': 'R', 'Sleep stage ?': '?', 'Movement time': '?' };

/** Hypnogram annotations -> one character per 30-s epoch, as the label files were made. */
function expand(annotations: Annotation[], epochs: number): string {
  const out = new Array<string>(epochs).fill('');
  for (const a of annotations) {
    const code = CODE[a.description];
    expect(code, a.description).toBeDefined();
    for (let e = Math.round(a.onset / 30); e < Math.round((a.onset + a.duration) / 30) && e < epochs; e++) out[e] = code;
  }
  return out.join('');
}

describe('synthetic nights are deterministic', () => {
  it('same seed, same bytes; another seed or subject, other bytes', () => {
    const a = synthesizeEdfFiles({ subject: 3, night: 1, seed: 5, hours: 0.5 });
    const b = synthesizeEdfFiles({ subject: 3, night: 1, seed: 5, hours: 0.5 });
    expect(Buffer.from(a.psg.bytes).equals(Buffer.from(b.psg.bytes))).toBe(true);
    expect(Buffer.from(a.hypnogram.bytes).equals(Buffer.from(b.hypnogram.bytes))).toBe(true);
    const c = synthesizeEdfFiles({ subject: 3, night: 1, seed: 6, hours: 0.5 });
    const d = synthesizeEdfFiles({ subject: 4, night: 1, seed: 5, hours: 0.5 });
    const body = (x: Uint8Array) => Buffer.from(x.subarray(2048));
    expect(body(c.psg.bytes).equals(body(a.psg.bytes))).toBe(false);
    expect(body(d.psg.bytes).equals(body(a.psg.bytes))).toBe(false);
    // Same scoring whatever the seed: only the signals change.
    expect(c.stages).toBe(a.stages);
  });
});

describe('synthetic files in the real sleep-cassette layout', () => {
  const night = synthesizeEdfFiles({ subject: 0, night: 1, seed: 1 });

  it('uses the real PhysioNet names', () => {
    expect([night.psg.file, night.hypnogram.file]).toEqual(['SC4001E0-PSG.edf', 'SC4001EC-Hypnogram.edf']);
    expect(synthesizeEdfFiles({ subject: 1, night: 1, hours: 0.1 }).hypnogram.file).toBe('SC4011EH-Hypnogram.edf');
    expect(synthesizeEdfFiles({ subject: 25, night: 2, hours: 0.1 }).hypnogram.file).toBe('SC4252EU-Hypnogram.edf');
    // Subject 13 has no night 2 at PhysioNet: the name follows the pattern.
    expect(synthesizeEdfFiles({ subject: 13, night: 2, hours: 0.1 }).psg.file).toBe('SC4132E0-PSG.edf');
    expect(() => synthesizeEdfFiles({ subject: 100, night: 1 })).toThrow(/subject 100/);
    expect(() => synthesizeEdfFiles({ subject: 1, night: 3 })).toThrow(/night 3/);
  });

  it('has the real PSG header layout, says SYNTHETIC, and one record per scored epoch', () => {
    expect(night.psg.bytes.length).toBe(48_338_048); // the real SC4001E0-PSG.edf's size
    const h = parseEdfHeader(night.psg.bytes, night.psg.file);
    expect(h.numRecords).toBe(2650);
    expect(night.stages).toBe(scoringOf('SC4001E0-PSG.edf'));
    expect(h.recordDuration).toBe(realPsgHeader.recordDuration);
    expect(h.headerBytes).toBe(realPsgHeader.headerBytes);
    expect(h.variant).toBe('');
    expect(h.signals).toEqual(realPsgHeader.signals);
    expect(h.patientId).toMatch(/SYNTHETIC/);
    expect(h.recordingId).toMatch(/^Startdate \d\d-[A-Z]{3}-\d{4} .*SYNTHETIC/);
  });

  it('has a hypnogram in the real layout whose annotations expand to the scoring', () => {
    const real = parseEdfHeader(realHypnogramBytes, 'SC4001EC-Hypnogram.edf');
    const h = parseEdfHeader(night.hypnogram.bytes, night.hypnogram.file);
    expect({ ...h.signals[0], samplesPerRecord: 0 }).toEqual({ ...real.signals[0], samplesPerRecord: 0 });
    for (const key of ['variant', 'numRecords', 'recordDuration', 'numSignals', 'headerBytes'] as const) expect(h[key]).toEqual(real[key]);
    expect(h.patientId).toMatch(/SYNTHETIC/);
    const annotations = readAnnotations(night.hypnogram.bytes, night.hypnogram.file);
    expect(expand(annotations, 2650)).toBe(night.stages);
    // The real hypnogram has the same runs, plus a last '?' run past the end of the PSG.
    const realAnnotations = readAnnotations(realHypnogramBytes, 'SC4001EC-Hypnogram.edf');
    const strip = (xs: Annotation[]) => xs.map(({ onset, duration, description }) => ({ onset, duration, description }));
    expect(strip(annotations)).toEqual(strip(realAnnotations.slice(0, -1)));
  });

  it('pairs with its hypnogram under the EDF reader, and the fast path gives the same Recording', () => {
    const channels = ['EEG Fpz-Cz', 'EEG Pz-Oz'];
    const read = readPsgWithHypnogram({ file: night.psg.file, bytes: night.psg.bytes }, { file: night.hypnogram.file, bytes: night.hypnogram.bytes }, { channels });
    const fast = synthesizeRecording({ subject: 0, night: 1, seed: 1, channels });
    expect(fast.recording.file).toBe(read.file);
    expect(fast.recording.header.numRecords).toBe(read.header.numRecords);
    expect(fast.recording.header.start.getTime()).toBe(read.header.start.getTime());
    expect(fast.recording.header.signals).toEqual(read.header.signals);
    expect(fast.hypnogram).toEqual(read.annotations.map(({ onset, duration, description }) => ({ onset, duration, description })));
    for (let c = 0; c < 2; c++) {
      const a = fast.recording.channels[c];
      const b = read.channels[c];
      expect([a.label, a.unit, a.sampleRate, a.data.length]).toEqual([b.label, b.unit, b.sampleRate, b.data.length]);
      let maxDiff = 0;
      for (let i = 0; i < a.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.data[i] - b.data[i]));
      expect(maxDiff).toBeLessThan(1e-4);
    }
    expect(() => synthesizeRecording({ subject: 0, night: 1, hours: 0.1, channels: ['EEG C3'] })).toThrow(/SC4001E0-PSG\.edf: no channel 'EEG C3'/);
  });

  it('crops to whole hours starting 30 min before sleep onset', () => {
    const full = scoringOf('SC4001E0-PSG.edf')!;
    const crop = synthesizeEdfFiles({ subject: 0, night: 1, seed: 1, hours: 2 });
    const onset = full.search(/[1234R]/);
    expect(crop.stages).toBe(full.slice(onset - 60, onset - 60 + 240));
    const rec = readEdf(crop.psg.bytes, crop.psg.file, { channels: ['EEG Fpz-Cz'] });
    expect(rec.channels[0].data.length).toBe(240 * 3000);
  });
});

describe('EDF writer', () => {
  it('rewrites the real hypnogram byte for byte from its annotations', () => {
    const real = parseEdfHeader(realHypnogramBytes, 'SC4001EC-Hypnogram.edf');
    const annotations = readAnnotations(realHypnogramBytes, 'SC4001EC-Hypnogram.edf').map(({ onset, duration, description }) => ({ onset, duration, description }));
    const bytes = writeAnnotationsEdf({ patientId: real.patientId, recordingId: real.recordingId, start: real.start }, annotations, real.signals[0].samplesPerRecord);
    expect(Buffer.from(bytes).equals(Buffer.from(realHypnogramBytes))).toBe(true);
  });

  it('expands label strings to annotations that round-trip', () => {
    expect(stagesToAnnotations('WW1?22?????W')).toEqual([
      { onset: 0, duration: 60, description: 'Sleep stage W' },
      { onset: 60, duration: 30, description: 'Sleep stage 1' },
      { onset: 90, duration: 30, description: 'Movement time' },
      { onset: 120, duration: 60, description: 'Sleep stage 2' },
      { onset: 180, duration: 150, description: 'Sleep stage ?' },
      { onset: 330, duration: 30, description: 'Sleep stage W' },
    ]);
    expect(() => stagesToAnnotations('WX')).toThrow(/'X' at epoch 1/);
  });

  it('refuses header fields that do not fit, naming the field', () => {
    const spec = { patientId: 'x'.repeat(81), recordingId: '', start: new Date(0), reserved: '' as const, numRecords: 0, recordDuration: 1, signals: [] };
    expect(() => writeEdf(spec, [])).toThrow(/EDF header field patient: .* longer than 80/);
    const sig = { label: 'EEG', transducer: '', physicalDimension: 'uV', physicalMin: -1, physicalMax: 1, digitalMin: -10, digitalMax: 10, prefiltering: '', samplesPerRecord: 2 };
    expect(() => writeEdf({ ...spec, patientId: 'X', numRecords: 1, signals: [sig] }, [new Int16Array(3)])).toThrow(/signal 'EEG': 3 samples, expected 2/);
  });
});

describe('npm run synth', () => {
  it('writes the named files and says they are synthetic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hypnograd-synth-'));
    try {
      const stdout = await new Promise<string>((ok, fail) => {
        execFile(join(repo, 'node_modules', '.bin', 'tsx'), [join(repo, 'app', 'cli', 'synth.ts'), '--out', dir, '--subjects', '0-1', '--nights', '1', '--seed', '7', '--hours', '0.25'], { timeout: 60_000 }, (err, out) =>
          err ? fail(err) : ok(out),
        );
      });
      expect(stdout).toMatch(/SYNTHETIC Sleep-EDF recordings \(not real EEG\)/);
      expect(readdirSync(dir).sort()).toEqual(['SC4001E0-PSG.edf', 'SC4001EC-Hypnogram.edf', 'SC4011E0-PSG.edf', 'SC4011EH-Hypnogram.edf']);
      const expected = synthesizeEdfFiles({ subject: 1, night: 1, seed: 7, hours: 0.25 });
      expect(Buffer.from(readFileSync(join(dir, 'SC4011E0-PSG.edf'))).equals(Buffer.from(expected.psg.bytes))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
