/**
 * Reading many files: a bad file is skipped and reported (file and reason), the rest are kept.
 * Files are loaded one at a time through `load`, so only one night's bytes are alive at once
 * (30 nights of file bytes at once would be ~1.4 GB).
 */
import type { Recording } from '../types.ts';
import { EdfError } from './errors.ts';
import { readPsgWithHypnogram } from './pair.ts';
import { readEdf, type ReadEdfOptions } from './read.ts';

export type EdfBytes = ArrayBuffer | Uint8Array;

export interface EdfSource {
  file: string;
  /** Returns the file's bytes (from disk, fetch, IndexedDB...); may throw or reject. */
  load: () => EdfBytes | Promise<EdfBytes>;
}

export interface EdfPairSource {
  psg: EdfSource;
  hypnogram: EdfSource;
}

export interface BatchError {
  file: string;
  /** The EDF field at fault, or null when the file could not be loaded or failed otherwise. */
  field: string | null;
  reason: string;
}

export interface BatchResult<T = Recording> {
  /** What `keep` returned for each file read (the Recording itself by default), in input order. */
  recordings: T[];
  errors: BatchError[];
}

export interface BatchOptions<T> extends ReadEdfOptions {
  /**
   * Reduces each recording as soon as it is read (e.g. to its epochs), so only one night's full
   * channels are alive at a time. An error thrown here skips that file and is reported like a
   * read error.
   */
  keep?: (recording: Recording) => T | Promise<T>;
}

function toBatchError(error: unknown, file: string): BatchError {
  if (error instanceof EdfError) return { file: error.file, field: error.field, reason: error.reason };
  return { file, field: null, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

/** Marks a failure to get the bytes, as opposed to bad bytes. */
class LoadError extends Error {
  constructor(readonly file: string, cause: unknown) {
    super(`could not load: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

async function load(source: EdfSource): Promise<EdfBytes> {
  try {
    return await source.load();
  } catch (error) {
    throw new LoadError(source.file, error);
  }
}

async function readAll<S, T>(
  sources: readonly S[],
  fileOf: (s: S) => string,
  read: (s: S) => Promise<Recording>,
  keep: ((recording: Recording) => T | Promise<T>) | undefined,
): Promise<BatchResult<T>> {
  const result: BatchResult<T> = { recordings: [], errors: [] };
  for (const source of sources) {
    try {
      const recording = await read(source);
      result.recordings.push(keep ? await keep(recording) : (recording as T));
    } catch (error) {
      result.errors.push(error instanceof LoadError ? { file: error.file, field: null, reason: error.message } : toBatchError(error, fileOf(source)));
    }
  }
  return result;
}

/** readEdf on each source in turn; returns the recordings read and one error per bad file. */
export function readEdfBatch<T = Recording>(sources: readonly EdfSource[], opts: BatchOptions<T> = {}): Promise<BatchResult<T>> {
  return readAll(sources, (s) => s.file, async (s) => readEdf(await load(s), s.file, opts), opts.keep);
}

/** readPsgWithHypnogram on each pair; a bad PSG or hypnogram skips that pair and reports it. */
export function readPsgHypnogramBatch<T = Recording>(pairs: readonly EdfPairSource[], opts: BatchOptions<T> = {}): Promise<BatchResult<T>> {
  return readAll(
    pairs,
    (p) => p.psg.file,
    async (p) => {
      const hypnogram = { file: p.hypnogram.file, bytes: await load(p.hypnogram) };
      return readPsgWithHypnogram({ file: p.psg.file, bytes: await load(p.psg) }, hypnogram, opts);
    },
    opts.keep,
  );
}
