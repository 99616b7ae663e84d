/**
 * What a kernel's WGSL declares, read from the WGSL itself: its bindings (inputs, outputs, the
 * uniform block) and the uniform struct's layout. The host passes uniforms by field name; this
 * file places each value where the WGSL struct puts it (WGSL's alignment rules for the uniform
 * address space), and says loudly, when the kernel's pipeline is made, which names are missing
 * or extra. No positional list in TypeScript has to match a struct by hand.
 *
 * Binding convention every kernel in shaders/ follows, in @group(0):
 *   bindings 0..I-1   the inputs, as var<storage, read>
 *   bindings I..I+O-1 the outputs, as var<storage, read_write>
 *   binding  I+O      the uniform block, when the kernel has one
 */

/** Uniform values by struct field name: a number for a scalar, numbers for a vector or array. */
export type UniformValues = Readonly<Record<string, number | readonly number[]>>;

export interface UniformField {
  name: string;
  /** The scalar type every element is written as. */
  scalar: 'u32' | 'i32' | 'f32';
  /** Byte offset of each scalar element within the block (vectors and arrays have several). */
  slots: number[];
}

export interface UniformLayout {
  /** The struct's name in the WGSL. */
  struct: string;
  fields: UniformField[];
  /** Bytes to bind: the struct's size rounded up to 16. */
  size: number;
}

export interface KernelInterface {
  inputs: number;
  outputs: number;
  uniforms: UniformLayout | null;
}

interface TypeInfo {
  scalar: UniformField['scalar'];
  align: number;
  size: number;
  /** Byte offsets of the scalars within one value of the type. */
  slots: number[];
}

const SCALARS = new Set(['u32', 'i32', 'f32']);
const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

function typeInfo(type: string, where: string): TypeInfo {
  const t = type.replace(/\s+/g, '');
  if (SCALARS.has(t)) return { scalar: t as TypeInfo['scalar'], align: 4, size: 4, slots: [0] };
  const vec = /^vec([234])<(u32|i32|f32)>$/.exec(t);
  if (vec) {
    const n = Number(vec[1]);
    return { scalar: vec[2] as TypeInfo['scalar'], align: n === 2 ? 8 : 16, size: 4 * n, slots: Array.from({ length: n }, (_, i) => 4 * i) };
  }
  const arr = /^array<(.+),(\d+)>$/.exec(t);
  if (arr) {
    const e = typeInfo(arr[1], where);
    // Arrays in the uniform address space have a 16-byte element stride.
    const stride = roundUp(e.size, 16);
    const n = Number(arr[2]);
    return { scalar: e.scalar, align: 16, size: stride * n, slots: Array.from({ length: n }, (_, i) => e.slots.map((s) => i * stride + s)).flat() };
  }
  throw new Error(`${where}: uniform field type '${type}' is not supported (u32, i32, f32, their vectors, and arrays of those)`);
}

/** Splits a struct body at the commas that are not inside <...>. */
function splitFields(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of body) {
    if (ch === '<') depth++;
    if (ch === '>') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((f) => f.trim()).filter(Boolean);
}

function structLayout(code: string, struct: string, kernel: string): UniformLayout {
  const m = new RegExp(`struct\\s+${struct}\\s*\\{([^}]*)\\}`).exec(code);
  if (!m) throw new Error(`kernel '${kernel}': no 'struct ${struct}' for its uniform block`);
  const fields: UniformField[] = [];
  let end = 0;
  let align = 4;
  for (const f of splitFields(m[1])) {
    const fm = /^(\w+)\s*:\s*(.+)$/.exec(f);
    if (!fm) throw new Error(`kernel '${kernel}': cannot read uniform field '${f}' of struct ${struct}`);
    const info = typeInfo(fm[2], `kernel '${kernel}', ${struct}.${fm[1]}`);
    const offset = roundUp(end, info.align);
    fields.push({ name: fm[1], scalar: info.scalar, slots: info.slots.map((s) => offset + s) });
    end = offset + info.size;
    align = Math.max(align, info.align);
  }
  return { struct, fields, size: roundUp(roundUp(end, align), 16) };
}

/** Reads a kernel's bindings and uniform layout from its WGSL; throws where it breaks the convention. */
export function kernelInterface(code: string, kernel: string): KernelInterface {
  const src = code.replace(/\/\/[^\n]*/g, '');
  const bindings: { binding: number; space: string; type: string }[] = [];
  for (const m of src.matchAll(/@group\((\d+)\)\s*@binding\((\d+)\)\s*var<([^>]+)>\s*\w+\s*:\s*([^;]+);/g)) {
    if (m[1] !== '0') throw new Error(`kernel '${kernel}': binds in group ${m[1]}; every kernel binds in group 0`);
    bindings.push({ binding: Number(m[2]), space: m[3].replace(/\s+/g, ''), type: m[4].trim() });
  }
  bindings.sort((a, b) => a.binding - b.binding);
  const kinds = bindings.map((b, i) => {
    if (b.binding !== i) throw new Error(`kernel '${kernel}': bindings must be numbered 0, 1, 2, ...; found ${bindings.map((x) => x.binding).join(', ')}`);
    if (b.space === 'storage,read') return 'in';
    if (b.space === 'storage,read_write') return 'out';
    if (b.space === 'uniform') return 'uniform';
    throw new Error(`kernel '${kernel}': binding ${i} is var<${b.space}>; kernels bind storage (read, read_write) and one uniform`);
  });
  const order = kinds.join(' ');
  if (!/^(in ?)*(out ?)*(uniform)?$/.test(order)) throw new Error(`kernel '${kernel}': bindings must be inputs, then outputs, then the uniform block; found ${order}`);
  const uniform = bindings.find((b, i) => kinds[i] === 'uniform');
  return {
    inputs: kinds.filter((k) => k === 'in').length,
    outputs: kinds.filter((k) => k === 'out').length,
    uniforms: uniform ? structLayout(src, uniform.type, kernel) : null,
  };
}

/** Throws, naming the kernel and the struct, when `values` misses a field or has one too many. */
export function checkUniformNames(layout: UniformLayout | null, values: UniformValues | undefined, kernel: string): void {
  const given = Object.keys(values ?? {});
  const wanted = layout?.fields.map((f) => f.name) ?? [];
  const missing = wanted.filter((n) => !(values && n in values));
  const extra = given.filter((n) => !wanted.includes(n));
  if (!missing.length && !extra.length) return;
  const parts = [missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `not in the struct: ${extra.join(', ')}` : ''].filter(Boolean);
  throw new Error(`kernel '${kernel}': uniforms do not match ${layout ? `struct ${layout.struct} (${wanted.join(', ')})` : 'its WGSL (it declares no uniform block)'}: ${parts.join('; ')}`);
}

/** Writes `values` at `base` in `view` as `layout` places them (the block must be zeroed first). */
export function writeUniforms(view: DataView, base: number, layout: UniformLayout, values: UniformValues, kernel: string): void {
  for (const f of layout.fields) {
    const v = values[f.name];
    if (v === undefined) checkUniformNames(layout, values, kernel);
    const scalar = typeof v === 'number';
    if (!scalar && (v as readonly number[]).length !== f.slots.length) {
      throw new Error(`kernel '${kernel}': uniform ${f.name} has ${f.slots.length} elements in struct ${layout.struct}, got ${(v as readonly number[]).length}`);
    }
    if (scalar && f.slots.length !== 1) throw new Error(`kernel '${kernel}': uniform ${f.name} is a vector or array of ${f.slots.length} in struct ${layout.struct}, got one number`);
    for (let i = 0; i < f.slots.length; i++) {
      const x = scalar ? (v as number) : (v as readonly number[])[i];
      const at = base + f.slots[i];
      if (f.scalar === 'u32') view.setUint32(at, x >>> 0, true);
      else if (f.scalar === 'i32') view.setInt32(at, x | 0, true);
      else view.setFloat32(at, x, true);
    }
  }
}
