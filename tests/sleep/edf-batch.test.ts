/** Batch reading: one bad file among good ones is skipped and reported, the rest are kept. */
import { describe, expect, it } from 'vitest';
import { readEdf, readEdfBatch, readPsgHypnogramBatch, type EdfSource } from '../../sleep/edf/index.ts';
import { FIELD, HYPNOGRAM_FILE, SHORT_PSG_FILE, SLEEP_EDF_DIR, readShared, setField } from './edf-data.ts';

const psg = () => readShared(SLEEP_EDF_DIR, SHORT_PSG_FILE);
const source = (file: string, load: EdfSource['load']): EdfSource => ({ file, load });

describe('readEdfBatch', () => {
  it('keeps the good files and reports the corrupt one by name', async () => {
    const reference = readEdf(psg(), SHORT_PSG_FILE);
    const result = await readEdfBatch([
      source('night-a.edf', psg),
      source('night-b.edf', () => psg().slice(0, 50_000)),
      source('night-c.edf', () => psg().slice().buffer),
      source('night-d.edf', async () => psg()),
    ]);
    expect(result.recordings.map((r) => r.file)).toEqual(['night-a.edf', 'night-c.edf', 'night-d.edf']);
    for (const r of result.recordings) expect(r.channels[0].data).toEqual(reference.channels[0].data);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ file: 'night-b.edf', field: 'numRecords' });
    expect(result.errors[0].reason).toMatch(/truncated/);
  });

  it('reports a file that cannot be loaded, and a missing channel, without stopping', async () => {
    const result = await readEdfBatch(
      [
        source('gone.edf', () => {
          throw new Error('ENOENT: no such file');
        }),
        source('ok.edf', psg),
        source('rejected.edf', () => Promise.reject(new Error('network down'))),
      ],
      { channels: ['EEG Pz-Oz'] },
    );
    expect(result.recordings.map((r) => [r.file, r.channels.map((c) => c.label)])).toEqual([['ok.edf', ['EEG Pz-Oz']]]);
    expect(result.errors).toEqual([
      { file: 'gone.edf', field: null, reason: 'could not load: ENOENT: no such file' },
      { file: 'rejected.edf', field: null, reason: 'could not load: network down' },
    ]);
  });

  it('reduces each recording with keep as it goes, and reports a night that keep refuses', async () => {
    const seen: string[] = [];
    const result = await readEdfBatch([source('a.edf', psg), source('b.edf', psg), source('c.edf', psg)], {
      keep: (recording) => {
        seen.push(recording.file);
        if (recording.file === 'b.edf') throw new Error('too short to epoch');
        return { file: recording.file, epochs: recording.channels[0].data.length / 3000 };
      },
    });
    expect(seen).toEqual(['a.edf', 'b.edf', 'c.edf']);
    expect(result.recordings).toEqual([{ file: 'a.edf', epochs: 10 }, { file: 'c.edf', epochs: 10 }]);
    expect(result.errors).toEqual([{ file: 'b.edf', field: null, reason: 'Error: too short to epoch' }]);
  });
});

describe('readPsgHypnogramBatch', () => {
  it('reports a hypnogram that does not belong to its PSG and keeps the other pairs', async () => {
    // The 5-minute excerpt ends long before the SC4001 hypnogram's first sleep; a hypnogram cut
    // to its first TAL (W from 0 s) fits it.
    const fitting = () => {
      const bytes = readShared(SLEEP_EDF_DIR, HYPNOGRAM_FILE);
      bytes.fill(0, 512 + 5 + 24); // keep "+0\x14\x14\0" and "+0\x1530630\x14Sleep stage W\x14\0"
      return bytes;
    };
    const result = await readPsgHypnogramBatch([
      { psg: source('p1.edf', psg), hypnogram: source('h1.edf', fitting) },
      { psg: source('p2.edf', psg), hypnogram: source('h2.edf', () => readShared(SLEEP_EDF_DIR, HYPNOGRAM_FILE)) },
      { psg: source('p3.edf', psg), hypnogram: source('h3.edf', () => setField(fitting(), ...FIELD.startTime, '17.00.00')) },
      { psg: source('p4.edf', psg), hypnogram: source('h4.edf', fitting) },
    ]);
    expect(result.recordings.map((r) => r.file)).toEqual(['p1.edf', 'p4.edf']);
    expect(result.recordings[0].annotations).toEqual([{ onset: 0, duration: 30630, description: 'Sleep stage W', hasDuration: true }]);
    expect(result.errors.map((e) => [e.file, e.field])).toEqual([
      ['h2.edf', 'annotations'],
      ['h3.edf', 'startTime'],
    ]);
  });
});
