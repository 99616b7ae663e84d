/**
 * The WebGPU backend's shader building, without a GPU: every file in shaders/ and every
 * register-blocked variant the host can build comes out complete (no placeholder left, every
 * include resolved), declares its bindings by the convention, and has a uniform struct whose
 * layout follows WGSL's rules; uniforms passed by name are checked against the struct and
 * written where the struct puts them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backwardWeightCode, forwardCode } from '../../engine/backends/webgpu/convRows.ts';
import { poolBackwardWeightCode, sharedRegionCode } from '../../engine/backends/webgpu/convRowsPool.ts';
import { blockedCode } from '../../engine/backends/webgpu/matmul.ts';
import { kernel, shaderLib, template } from '../../engine/backends/webgpu/shaders.ts';
import { checkUniformNames, kernelInterface, writeUniforms } from '../../engine/backends/webgpu/wgslLayout.ts';

const repo = (p: string) => new URL(`../../${p}`, import.meta.url);
const SHADERS = readdirSync(repo('shaders')).filter((f) => f.endsWith('.wgsl')).sort();
const TEMPLATED = new Set(['conv_rows_forward.wgsl', 'conv_rows_backward_weight.wgsl', 'conv_rows_maxpool_backward_weight.wgsl', 'conv_rows_maxpool_backward_weight_shared.wgsl', 'matmul_blocked.wgsl']);

function expectComplete(code: string, what: string): void {
  expect(code, what).not.toMatch(/\{\{|\}\}|\/\/#include|\/\/#fragment/);
  expect(code, what).toMatch(/@compute/);
}

describe('shaders/ files', () => {
  it('holds no WGSL preamble twice: the grid index, the row input and the subgroups prelude live in shaders/lib', () => {
    for (const f of SHADERS) {
      const text = readFileSync(repo(`shaders/${f}`), 'utf8');
      expect(text, f).not.toMatch(/let rowLen = nwg\.x/);
      expect(text, f).not.toMatch(/fn xAt\(/);
      expect(text, f).not.toMatch(/^enable subgroups;/m);
    }
    expect(shaderLib('grid')).toMatch(/fn flatIndex/);
    expect(() => shaderLib('nope')).toThrow(/shaders\/lib\/nope\.wgsl/);
  });

  it('builds every plain kernel, and its bindings follow the convention', () => {
    for (const f of SHADERS.filter((s) => !TEMPLATED.has(s))) {
      const code = template(f, readFileSync(repo(`shaders/${f}`), 'utf8')).fill();
      expectComplete(code, f);
      const i = kernelInterface(code, f);
      expect(i.inputs + i.outputs, f).toBeGreaterThan(0);
      expect(i.uniforms?.fields.length ?? 0, f).toBeGreaterThan(0);
    }
  });

  it('builds every register-blocked variant completely', () => {
    let built = 0;
    const check = (code: string, what: string, inputs: number, outputs: number) => {
      expectComplete(code, what);
      const i = kernelInterface(code, what);
      expect([i.inputs, i.outputs], what).toEqual([inputs, outputs]);
      built++;
    };
    for (const cob of [1, 2, 4, 8]) {
      for (const tv of [1, 2, 3, 4]) {
        for (const sg of [false, true]) {
          check(forwardCode(cob, tv, sg, 0), `forward ${cob}x${tv}`, 3, 1);
          for (const pool of [1, 2, 3, 4, 6, 8, 12, 16]) if ((4 * tv) % pool === 0) check(forwardCode(cob, tv, sg, pool), `pooled ${cob}x${tv} p${pool}`, 3, 2);
          check(backwardWeightCode(cob, tv, sg), `backward weight ${cob}x${tv}`, 2, 1);
        }
      }
    }
    for (let j = 1; j <= 16; j++) check(poolBackwardWeightCode(j), `pooled backward weight ${j}`, 3, 1);
    for (let j = 1; j <= 13; j++) for (const ob of [1, 5, 8]) for (const pool of [2, 12]) check(sharedRegionCode(j, ob, pool), `shared ${ob}x${j} p${pool}`, 3, 1);
    for (const [tm, tnv] of [[8, 1], [16, 2]]) {
      for (const readA of ['scalar', 'shuffle', 'k4', 'mn4'] as const) {
        for (const readB of ['scalar', 'k4', 'mn4'] as const) check(blockedCode({ tm, tnv, readA, readB }), `matmul ${tm}x${4 * tnv} ${readA} ${readB}`, 2, 1);
      }
    }
    expect(built).toBeGreaterThan(300);
  });

  it('fills repeated statements at the placeholder\'s indentation and names what is missing', () => {
    const t = template('demo.wgsl', 'fn main() {\n  {{BODY}}\n  let x = {{X}};\n}\n//#fragment line\nlet a{{i}} = {{i}};\n');
    const body = [0, 1].map((i) => t.fragment('line', { i })).join('\n');
    expect(t.fill({ BODY: body, X: 3 })).toBe('fn main() {\n  let a0 = 0;\n  let a1 = 1;\n  let x = 3;\n}\n');
    expect(() => t.fill({ BODY: '' })).toThrow(/shaders\/demo\.wgsl: no value for \{\{X\}\}/);
    expect(() => t.fragment('other')).toThrow(/no fragment 'other'/);
  });

  it('keeps one kernel per name', () => {
    const a = kernel('test_kernel_once', () => ({ file: 'demo.wgsl', code: 'x' }));
    const b = kernel('test_kernel_once', () => ({ file: 'demo.wgsl', code: 'y' }));
    expect(b).toBe(a);
    expect(b.code).toBe('x');
  });
});

describe('uniforms by name, laid out from the WGSL struct', () => {
  const binary = template('binary.wgsl', readFileSync(repo('shaders/binary.wgsl'), 'utf8')).fill();

  it('places scalars and vec4 arrays as WGSL aligns them', () => {
    const layout = kernelInterface(binary, 'binary').uniforms!;
    const at = Object.fromEntries(layout.fields.map((f) => [f.name, f.slots]));
    // n, rank: 4 bytes each; the arrays align to 16, 8 u32 (two vec4) each.
    expect(at.n).toEqual([0]);
    expect(at.rank).toEqual([4]);
    expect(at.shape).toEqual([16, 20, 24, 28, 32, 36, 40, 44]);
    expect(at.aStrides[0]).toBe(48);
    expect(at.bStrides[0]).toBe(80);
    expect(layout.size).toBe(112);
  });

  it('writes each value as its field\'s scalar type', () => {
    const layout = kernelInterface(binary, 'binary').uniforms!;
    const view = new DataView(new ArrayBuffer(layout.size));
    const shape = [2, 3, 4, 5, 6, 7, 8, 9];
    writeUniforms(view, 0, layout, { n: 7, rank: 3, shape, aStrides: shape, bStrides: shape }, 'binary');
    expect(view.getUint32(0, true)).toBe(7);
    expect(view.getUint32(16 + 4 * 7, true)).toBe(9);
    const unary = kernelInterface(template('unary.wgsl', readFileSync(repo('shaders/unary.wgsl'), 'utf8')).fill(), 'unary').uniforms!;
    const v2 = new DataView(new ArrayBuffer(unary.size));
    writeUniforms(v2, 0, unary, { n: 5, alpha: 0.5, nan: NaN }, 'unary');
    expect(v2.getFloat32(4, true)).toBe(0.5);
    expect(Number.isNaN(v2.getFloat32(8, true))).toBe(true);
  });

  it('fails loudly, naming the kernel and the struct, on a missing or an extra name', () => {
    const layout = kernelInterface(binary, 'binary').uniforms;
    const shape = [1, 1, 1, 1, 1, 1, 1, 1];
    expect(() => checkUniformNames(layout, { n: 1, rank: 1, shape, aStrides: shape }, 'binary_add')).toThrow(/kernel 'binary_add'.*struct Params.*missing bStrides/);
    expect(() => checkUniformNames(layout, { n: 1, rank: 1, shape, aStrides: shape, bStrides: shape, pad0: 0 }, 'binary_add')).toThrow(/not in the struct: pad0/);
    expect(() => checkUniformNames(null, { n: 1 }, 'k')).toThrow(/declares no uniform block/);
    const view = new DataView(new ArrayBuffer(layout!.size));
    expect(() => writeUniforms(view, 0, layout!, { n: 1, rank: 1, shape: [1, 2], aStrides: shape, bStrides: shape }, 'binary_add')).toThrow(/shape has 8 elements/);
  });

  it('refuses bindings out of the convention', () => {
    const code = '@group(0) @binding(0) var<storage, read_write> out: array<f32>;\n@group(0) @binding(1) var<storage, read> x: array<f32>;\n@compute @workgroup_size(1) fn main() {}';
    expect(() => kernelInterface(code, 'bad')).toThrow(/kernel 'bad': bindings must be inputs, then outputs/);
  });
});
