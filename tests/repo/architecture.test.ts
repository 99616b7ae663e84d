/**
 * docs/ARCHITECTURE.md stays true: every path it names exists, every symbol it names (written
 * `path:Name`) is declared in that file, and its "Adding an op" list is exactly the set of files
 * the toy op softplus touched (found by searching the repository for the op's name), in order.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, read, repoRoot } from './sources.ts';

const MAP = 'docs/ARCHITECTURE.md';
const text = read(MAP);

/** Backticked references that name something in the repository (a relative path: they contain a slash). */
function references(markdown: string): { path: string; symbol: string | null }[] {
  return [...markdown.matchAll(/`([^`\s]+)`/g)]
    .map((m) => m[1])
    .filter((r) => r.includes('/') && !r.startsWith('/') && !r.startsWith('http'))
    .map((r) => {
      const [path, symbol] = r.split(':');
      return { path, symbol: symbol ?? null };
    });
}

/** Whether `file` declares `name` (a function, class, interface, type, const, let, enum or Python def). */
function declares(file: string, name: string): boolean {
  const src = read(file);
  return new RegExp(`(^|\\n)\\s*(export\\s+)?(declare\\s+)?(async\\s+)?(function\\*?|class|interface|type|const|let|var|enum|def)\\s+${name}\\b`).test(src);
}

/** The numbered list of the "Adding an op" section: the first path of each item, in order. */
function addAnOpList(markdown: string): string[] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Adding an op'));
  if (!section) throw new Error(`${MAP} has no "## Adding an op" section`);
  return [...section.matchAll(/^(\d+)\. `([^`]+)`/gm)].map((m, i) => {
    if (Number(m[1]) !== i + 1) throw new Error(`${MAP}: "Adding an op" item ${m[1]} should be numbered ${i + 1}`);
    return m[2];
  });
}

describe('docs/ARCHITECTURE.md, the contributor\'s map', () => {
  const refs = references(text);

  it('names many places, and each exists', () => {
    expect(refs.length).toBeGreaterThan(40);
    expect(refs.filter((r) => !existsSync(join(repoRoot, r.path))).map((r) => r.path)).toEqual([]);
  });

  it('names symbols that the files it points to declare', () => {
    const symbols = refs.filter((r) => r.symbol);
    expect(symbols.length).toBeGreaterThan(20);
    expect(symbols.filter((r) => !existsSync(join(repoRoot, r.path)) || !declares(r.path, r.symbol!)).map((r) => `${r.path}:${r.symbol}`)).toEqual([]);
  });

  it('lists, for adding an op, exactly the files the toy op softplus touched', () => {
    const listed = addAnOpList(text);
    const self = ['docs/ARCHITECTURE.md', 'tests/repo/architecture.test.ts'];
    const touched = ['engine', 'shaders', 'sleep', 'app', 'tests']
      .flatMap((d) => filesUnder(d, ['.ts', '.wgsl', '.py', '.json']))
      .filter((f) => !self.includes(f) && /softplus/i.test(read(f)));
    expect([...listed].sort()).toEqual(touched.sort());
    // In the order a change flows: the op, its backends, its kernels, then its references.
    expect(listed.indexOf('engine/ops/activation.ts')).toBeLessThan(listed.indexOf('engine/backends/cpu/elementwise.ts'));
    expect(listed.indexOf('tests/fixtures/scripts/make_torch_dense_loss.py')).toBeLessThan(listed.indexOf('tests/fixtures/torch/dense_loss.json'));
  });

  it('catches a stale name (the checks can fail)', () => {
    const stale = references('`engine/nowhere.ts` and `engine/tensor.ts:NoSuchThing`');
    expect(existsSync(join(repoRoot, stale[0].path))).toBe(false);
    expect(declares(stale[1].path, stale[1].symbol!)).toBe(false);
  });
});
