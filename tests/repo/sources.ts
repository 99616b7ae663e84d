/** The repository's own source files and their static imports, for the structure tests. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SKIP = new Set(['node_modules', '.git', 'dist', 'out', '__pycache__']);

/** Files under `dir` (repository-relative), recursively, whose names end in one of `exts`. */
export function filesUnder(dir: string, exts: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(join(repoRoot, d))) {
      if (SKIP.has(name)) continue;
      const rel = d ? `${d}/${name}` : name;
      if (statSync(join(repoRoot, rel)).isDirectory()) walk(rel);
      else if (exts.some((e) => name.endsWith(e))) out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

export function read(rel: string): string {
  return readFileSync(join(repoRoot, rel), 'utf8');
}

/** The TypeScript files `rel` imports statically (import, import type, export from), repository-relative. */
export function staticImports(rel: string): string[] {
  const text = read(rel);
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm)) {
    const spec = (m[1] ?? m[2]).split('?')[0];
    if (!spec.startsWith('.') || !spec.endsWith('.ts')) continue;
    out.push(relative(repoRoot, resolve(dirname(join(repoRoot, rel)), spec)));
  }
  return out;
}
