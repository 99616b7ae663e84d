/**
 * The one place the WebGPU backend builds shader code. Every kernel's WGSL lives in shaders/;
 * host code only picks values. A file in shaders/ may use:
 *
 *   //#include NAME      on a line of its own: the shared piece shaders/lib/NAME.wgsl (the grid
 *                        index, the row input with its padding, the subgroups prelude);
 *   {{NAME}}             a value the host fills in (a block size, or statements it repeats);
 *   //#fragment NAME     from here to the next such line or the end: not part of the kernel, but
 *                        a statement pattern (with its own {{...}}) the host repeats, e.g. once
 *                        per accumulator register. The kernel is everything above the first one.
 *
 * So a register-blocked kernel reads as WGSL, with its unrolled statements written once each in
 * the same file; the host decides only how many and with which indices.
 *
 * `kernel(name, build)` is the one cache of built kernels, keyed by the kernel's name: one name
 * per variant (role, block sizes, specialisation), the same name the pipeline cache, the
 * profiler, the app's internals view and the benchmark use.
 */
import gridLib from '../../../shaders/lib/grid.wgsl?raw';
import rowInputLib from '../../../shaders/lib/row_input.wgsl?raw';
import subgroupsLib from '../../../shaders/lib/subgroups.wgsl?raw';

const LIB: Record<string, string> = { grid: gridLib, row_input: rowInputLib, subgroups: subgroupsLib };

/** The vector components, for host code that names one register lane. */
export const LANES = ['x', 'y', 'z', 'w'] as const;

/** A kernel variant ready to dispatch: its name, where its code comes from, and the code. */
export interface Kernel {
  /** Unique per variant: names the kernel's role and its specialisation (e.g. 'conv_rows_backward_input_1x4'). */
  readonly name: string;
  /** The file under shaders/ it was built from. */
  readonly file: string;
  /** The complete WGSL, as compiled. */
  readonly code: string;
  readonly entryPoint: string;
  /** Values for the WGSL's `override` constants. */
  readonly constants: Readonly<Record<string, number>>;
}

export type TemplateValues = Readonly<Record<string, string | number>>;

/**
 * Fills every {{NAME}}. A value of several lines that replaces a placeholder standing alone at
 * the start of its line keeps that line's indentation on all of them, so repeated statements
 * read as if written there.
 */
function substitute(text: string, values: TemplateValues, where: string): string {
  return text.replace(/(^[ \t]*)?\{\{(\w+)\}\}/gm, (_, indent: string | undefined, k: string) => {
    if (!(k in values)) throw new Error(`${where}: no value for {{${k}}}`);
    const v = String(values[k]);
    return indent === undefined ? v : indent + v.replace(/\n/g, `\n${indent}`);
  });
}

/** The shared piece shaders/lib/NAME.wgsl. */
export function shaderLib(name: string): string {
  const piece = LIB[name];
  if (piece === undefined) throw new Error(`no shared WGSL piece 'shaders/lib/${name}.wgsl' (known: ${Object.keys(LIB).join(', ')})`);
  return piece.trimEnd();
}

export interface Template {
  readonly file: string;
  /** The kernel's code with the includes resolved and `values` filled in. */
  fill(values?: TemplateValues): string;
  /** One instance of the fragment `name`, filled with `values`. */
  fragment(name: string, values?: TemplateValues): string;
}

/** Reads a file of shaders/ (its text from a `?raw` import) as a template. */
export function template(file: string, text: string): Template {
  const [body, ...parts] = text.split(/^\/\/#fragment[ \t]+/m);
  const fragments = new Map<string, string>();
  for (const part of parts) {
    const nl = part.indexOf('\n');
    const name = (nl < 0 ? part : part.slice(0, nl)).trim();
    fragments.set(name, nl < 0 ? '' : part.slice(nl + 1).trim());
  }
  const kernelText = body.replace(/^[ \t]*\/\/#include[ \t]+(\w+)[ \t]*$/gm, (_, name: string) => shaderLib(name));
  return {
    file,
    fill: (values = {}) => substitute(kernelText, values, `shaders/${file}`),
    fragment: (name, values = {}) => {
      const f = fragments.get(name);
      if (f === undefined) throw new Error(`shaders/${file}: no fragment '${name}' (has ${[...fragments.keys()].join(', ') || 'none'})`);
      return substitute(f, values, `shaders/${file} fragment ${name}`);
    },
  };
}

/** 0, 1, ..., n - 1: the indices host code repeats a fragment over. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Repeated statements, one per line (the placeholder they fill gives them its indentation). */
export function joinLines(statements: readonly string[]): string {
  return statements.join('\n');
}

/** Every element of a 2-D index range [0, a) x [0, b), the second fastest. */
export function grid2(a: number, b: number): [number, number][] {
  return Array.from({ length: a * b }, (_, j): [number, number] => [Math.floor(j / b), j % b]);
}


const kernels = new Map<string, Kernel>();

export interface KernelSpec {
  file: string;
  code: string;
  entryPoint?: string;
  constants?: Record<string, number>;
}

/**
 * The kernel named `name`, built by `build` the first time it is asked for. The name must
 * determine the code: every variant a file can build gets its own name.
 */
export function kernel(name: string, build: () => KernelSpec): Kernel {
  let k = kernels.get(name);
  if (!k) {
    const s = build();
    k = Object.freeze({ name, file: s.file, code: s.code, entryPoint: s.entryPoint ?? 'main', constants: Object.freeze({ ...(s.constants ?? {}) }) });
    kernels.set(name, k);
  }
  return k;
}

/** A kernel whose file needs no values (its includes resolved), under its own name. */
export function plainKernel(name: string, file: string, text: string, extra: Omit<KernelSpec, 'file' | 'code'> = {}): Kernel {
  return kernel(name, () => ({ file, code: template(file, text).fill(), ...extra }));
}
