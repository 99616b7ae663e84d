import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AGE_RECORDS_CSV, scoredPsgFiles, scoringOf } from '../../sleep/data/index.ts';
import { Sha1, parseAgeRecords, parseIntegerList, parseSha1Sums, selectRecordings, sha1Hex, sleepCassetteCatalog } from '../../sleep/physionet/index.ts';
import { SLEEP_EDF_ROOT } from '../helpers/data.ts';
import { Generator } from '../../engine/random.ts';

const shared = SLEEP_EDF_ROOT;

describe('shipped Sleep-EDF data', () => {
  it('the catalog module is the shared age_records.csv verbatim', () => {
    expect(AGE_RECORDS_CSV).toBe(readFileSync(join(shared, 'meta', 'age_records.csv'), 'utf8'));
  });

  it('the scorings expand to the 39 shared label files', () => {
    const files = readdirSync(join(shared, 'labels')).filter((f) => f.endsWith('.stages.txt'));
    expect(files.length).toBe(39);
    expect(scoredPsgFiles()).toEqual(files.map((f) => f.replace('.stages.txt', '.edf')).sort());
    for (const f of files) {
      expect(scoringOf(f.replace('.stages.txt', '.edf'))).toBe(readFileSync(join(shared, 'labels', f), 'utf8').trim());
    }
    expect(scoringOf('SC4132E0-PSG.edf')).toBeUndefined();
  });
});

describe('sleep-cassette catalog', () => {
  const catalog = sleepCassetteCatalog();

  it('has 153 recordings of 78 subjects, with the known gaps', () => {
    expect(catalog.length).toBe(153);
    expect(new Set(catalog.map((r) => r.subject)).size).toBe(78);
    const has = (s: number, n: number) => catalog.some((r) => r.subject === s && r.night === n);
    expect(has(13, 2)).toBe(false);
    expect(has(36, 1)).toBe(false);
    expect(has(52, 1)).toBe(false);
    expect(has(39, 1) || has(39, 2)).toBe(false);
  });

  it('pairs files and checksums as PhysioNet lists them', () => {
    const sums = parseSha1Sums(readFileSync(join(shared, 'meta', 'SHA1SUMS'), 'utf8'));
    for (const r of catalog) {
      expect(sums.get(r.psg.file)).toBe(r.psg.sha1);
      expect(sums.get(r.hypnogram.file)).toBe(r.hypnogram.sha1);
      expect(r.psg.file.slice(0, 6)).toBe(r.hypnogram.file.slice(0, 6));
    }
    const first = catalog[0];
    expect(first).toEqual({
      subject: 0, night: 1, age: 33, sex: 'female', lightsOff: '00:38:00',
      psg: { file: 'SC4001E0-PSG.edf', sha1: 'adabd3b01fc7bb75c523a974f38ee3ae4e57b40f' },
      hypnogram: { file: 'SC4001EC-Hypnogram.edf', sha1: '21c998eadc8b1e3ea6727d3585186b8f76e7e70b' },
    });
  });

  it('selects subjects and nights, naming the missing ones', () => {
    const sel = selectRecordings(parseIntegerList('12-14', 's'), [1, 2], catalog);
    expect(sel.recordings.map((r) => r.psg.file)).toEqual(['SC4121E0-PSG.edf', 'SC4122E0-PSG.edf', 'SC4131E0-PSG.edf', 'SC4141E0-PSG.edf', 'SC4142E0-PSG.edf']);
    expect(sel.unavailable).toEqual(['subject 13 night 2']);
    expect(selectRecordings(parseIntegerList('0-29', 's'), [1], catalog).recordings.length).toBe(30);
  });

  it('rejects malformed catalogs and lists with the file and field named', () => {
    expect(() => parseAgeRecords('a,b\n', 'x.csv')).toThrow(/x\.csv: header/);
    const bad = AGE_RECORDS_CSV.replace('adabd3b01fc7bb75c523a974f38ee3ae4e57b40f', 'nothex');
    expect(() => parseAgeRecords(bad, 'bad.csv')).toThrow(/bad\.csv line 2: sha 'nothex'/);
    expect(() => parseIntegerList('3-1', '--subjects')).toThrow(/--subjects: range '3-1'/);
    expect(() => parseIntegerList('a', '--recording')).toThrow(/--recording/);
    expect(parseIntegerList('0-2,5,1', 's')).toEqual([0, 1, 2, 5]);
  });
});

describe('streaming SHA-1', () => {
  it('matches FIPS test vectors and node:crypto, whatever the chunking', () => {
    expect(sha1Hex(new TextEncoder().encode('abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(sha1Hex(new Uint8Array(0))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    const gen = new Generator(7);
    for (const n of [55, 56, 63, 64, 65, 119, 120, 1000, 100_003]) {
      const data = new Uint8Array(n).map(() => gen.nextUint32() & 255);
      const expected = createHash('sha1').update(data).digest('hex');
      const sha = new Sha1();
      for (let i = 0; i < n; ) {
        const step = 1 + gen.randint(97);
        sha.update(data.subarray(i, i + step));
        i += step;
      }
      expect(sha.hexDigest()).toBe(expected);
    }
  });

  it('hashes the real hypnogram to its catalog SHA-1', () => {
    expect(sha1Hex(readFileSync(join(shared, 'edf', 'SC4001EC-Hypnogram.edf')))).toBe('21c998eadc8b1e3ea6727d3585186b8f76e7e70b');
  });
});
