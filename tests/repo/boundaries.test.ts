/**
 * The layering docs/ARCHITECTURE.md states, checked on every TypeScript file's static imports:
 * the engine knows nothing of sleep staging or the app, sleep/ reaches the engine through its
 * public index only, the product never imports test code, engine/ and sleep/ have no import
 * cycles; and engine/ files stay small.
 */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { filesUnder, read, staticImports } from './sources.ts';

const TS = ['.ts'];
const imports = (dir: string) => filesUnder(dir, TS).flatMap((f) => staticImports(f).map((to) => ({ from: f, to })));
const show = (edges: { from: string; to: string }[]) => edges.map((e) => `${e.from} -> ${e.to}`);

/** Every cycle's files, found by depth-first search over the import graph of `files`. */
function cycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, staticImports(f).filter((t) => files.includes(t))]));
  const state = new Map<string, 'open' | 'done'>();
  const found: string[][] = [];
  const visit = (f: string, path: string[]) => {
    state.set(f, 'open');
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === 'open') found.push([...path.slice(path.indexOf(t)), f, t].filter((x, i, a) => a.indexOf(x) === i || i === a.length - 1));
      else if (!state.has(t)) visit(t, [...path, t]);
    }
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f, [f]);
  return found;
}

describe('layering', () => {
  it('the engine imports nothing from sleep/, app/ or tests/', () => {
    expect(show(imports('engine').filter((e) => /^(sleep|app|tests)\//.test(e.to)))).toEqual([]);
  });

  it('sleep/ uses the engine through engine/index.ts only, and imports nothing from app/ or tests/', () => {
    const bad = imports('sleep').filter((e) => (e.to.startsWith('engine/') && e.to !== 'engine/index.ts') || /^(app|tests)\//.test(e.to));
    expect(show(bad)).toEqual([]);
  });

  it('app/ imports nothing from tests/', () => {
    expect(show(imports('app').filter((e) => e.to.startsWith('tests/')))).toEqual([]);
  });

  it('engine/ and sleep/ have no import cycles (type-only imports included)', () => {
    expect(cycles(filesUnder('engine', TS)).map((c) => c.join(' -> '))).toEqual([]);
    expect(cycles(filesUnder('sleep', TS)).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('finds a cycle where there is one (the check can fail)', () => {
    // tests/repo/fixtures holds two files that import each other.
    expect(cycles(filesUnder('tests/repo/fixtures', TS))).toHaveLength(1);
  });
});

/** Functions over `maxLines` lines whose leading comment does not start '(long because'. */
function longFunctions(file: string, maxLines: number): string[] {
  const text = read(file);
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isFunctionLike(n) && 'body' in n && n.body) {
      const first = sf.getLineAndCharacterOfPosition(n.getStart()).line;
      const lines = sf.getLineAndCharacterOfPosition(n.end).line - first + 1;
      // The comment may sit on the function, or on the statement that holds an arrow function.
      const holder = ts.isArrowFunction(n) || ts.isFunctionExpression(n) ? n.parent?.parent ?? n : n;
      const comments = (ts.getLeadingCommentRanges(text, holder.getFullStart()) ?? []).map((r) => text.slice(r.pos, r.end)).join('\n');
      if (lines > maxLines && !/\(long because/.test(comments)) out.push(`${file}:${first + 1} ${lines} lines`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('engine/ stays readable', () => {
  const files = filesUnder('engine', TS);

  it('no file over 400 lines', () => {
    expect(files.map((f) => [f, read(f).split('\n').length] as const).filter(([, n]) => n > 400)).toEqual([]);
  });

  it('no function over 80 lines without a comment saying why', () => {
    expect(files.flatMap((f) => longFunctions(f, 80))).toEqual([]);
    expect(longFunctions('tests/repo/fixtures/long.ts', 80)).toHaveLength(1);
  });
});
