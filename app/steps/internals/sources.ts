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
