/**
 * The engine's op sources and WGSL kernels as text, for the graph view: Vite's `?raw` glob
 * imports, loaded on demand (each file becomes its own small chunk of this origin).
 */
const OPS = import.meta.glob<string>('../../../engine/ops/*.ts', { query: '?raw', import: 'default' });
const SHADERS = import.meta.glob<string>('../../../shaders/*.wgsl', { query: '?raw', import: 'default' });

/** `source` is a path relative to the repository root, e.g. 'engine/ops/conv.ts'. */
export async function opSource(source: string): Promise<string> {
  const load = OPS[`../../../${source}`];
  if (!load) throw new Error(`no op source '${source}' in this build (known: ${Object.keys(OPS).map((k) => k.slice(9)).join(', ')})`);
  return load();
}

/** `name` is a file under shaders/, e.g. 'conv2d_forward.wgsl'. */
export async function shaderSource(name: string): Promise<string> {
  const load = SHADERS[`../../../shaders/${name}`];
  if (!load) throw new Error(`no WGSL kernel '${name}' in this build`);
  return load();
}

/**
 * Lines [first, last] (0-based, inclusive) of the top-level function that records the autograd
 * node named `op` (`record('op', ...)`, possibly with the name on the line after `record(`), or
 * null when it is not found.
 */
export function functionRange(source: string, op: string): [number, number] | null {
  const lines = source.split('\n');
  const quoted = `'${op}'`;
  let at = lines.findIndex((l, i) => l.includes(`record(${quoted}`) || (l.trim().startsWith(quoted) && /record\($/.test(lines[i - 1]?.trim() ?? '')));
  if (at < 0) at = lines.findIndex((l) => new RegExp(`^export function ${op}\\b`).test(l));
  if (at < 0) return null;
  let first = at;
  while (first > 0 && !/^(export )?(async )?function /.test(lines[first])) first--;
  // Keep the doc comment just above the function.
  while (first > 0 && /^( \*|\/\*\*|\/\/)/.test(lines[first - 1])) first--;
  let last = at;
  while (last < lines.length - 1 && lines[last] !== '}') last++;
  return [first, last];
}
