/**
 * The fast path of conv2d for convolutions along rows (the Chambon network's temporal and
 * spatial convolutions): stride 1, dilation 1 and one group along the row, and either kH = 1
 * with no vertical padding or stride (every output row reads one input row), or a kernel as
 * tall as the input with no vertical padding (H folds into the channels: a [C, H, W] input is a
 * [C * H, 1, W] one). Forward, gradient of the input (the same kernel, flipped) and gradient of
 * the weight; shapes outside the path return null and take the general kernels (conv.ts).
 *
 * The WGSL (shaders/conv_rows_*.wgsl) is register-blocked; this file generates its unrolled
 * statements for the block sizes chosen per shape (see the shaders' headers for why).
 */
import type { Conv2dParams } from '../../backend.ts';
import type { GpuContext, GpuStorage } from './kernel.ts';
import { i32, u32 } from './util.ts';
import forwardTemplate from '../../../shaders/conv_rows_forward.wgsl?raw';
import backwardWeightTemplate from '../../../shaders/conv_rows_backward_weight.wgsl?raw';
import sumLeadingSource from '../../../shaders/sum_leading.wgsl?raw';

/** A conv2d seen as a 1-D correlation of each of `rows` rows per sample. */
export interface RowConv {
  batch: number;
  rows: number;
  inW: number;
  outW: number;
  inC: number;
  outC: number;
  taps: number;
  pad: number;
}

/** Matches @workgroup_size in the row shaders. */
export const WORKGROUP_SIZE = 64;
const LANES = ['x', 'y', 'z', 'w'];

export function rowConv(p: Conv2dParams): RowConv | null {
  if (p.groups !== 1 || p.strideW !== 1 || p.dilW !== 1) return null;
  const base = { batch: p.batch, inW: p.inW, outW: p.outW, outC: p.outChannels, taps: p.kW, pad: p.padW };
  if (p.kH === 1 && p.padH === 0 && p.strideH === 1) return { ...base, rows: p.inH, inC: p.inChannels };
  if (p.kH === p.inH && p.padH === 0 && p.dilH === 1) return { ...base, rows: 1, inC: p.inChannels * p.kH };
  return null;
}

/** Output channels per invocation: the next power of two of outC, at most 8. */
function channelBlock(outC: number): number {
  let c = 1;
  while (c < outC && c < 8) c *= 2;
  return c;
}

/** Unrolled statements shared by both templates: accumulators, the sliding window, its slide. */
function blockCode(cob: number, tv: number): { declare: string; window: string; slide: string } {
  const lines = (f: (c: number, v: number) => string, cs: number, vs: number) =>
    Array.from({ length: cs * vs }, (_, j) => f(Math.floor(j / vs), j % vs)).join('\n  ');
  const declare = lines((c, v) => `var a${c}_${v} = vec4<f32>();`, cob, tv);
  const window = Array.from({ length: tv }, (_, v) => `var x${v} = vec4<f32>(${[0, 1, 2, 3].map((l) => `xAt(xRow, s + ${4 * v + l})`).join(', ')});`).join('\n    ');
  const slide = Array.from({ length: tv }, (_, v) => `x${v} = vec4<f32>(x${v}.yzw, ${v + 1 < tv ? `x${v + 1}.x` : 'next'});`).join('\n      ');
  return { declare, window, slide };
}

export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    if (!(k in values)) throw new Error(`row conv template: no value for {{${k}}}`);
    return String(values[k]);
  });
}

/** `pool`: the fused max-pool variant's window length (a divisor of 4 * tv), or 0 for plain outputs. */
function forwardCode(cob: number, tv: number, subgroups: boolean, pool = 0): string {
  const { declare, window, slide } = blockCode(cob, tv);
  const macs = (w: (c: number) => string) => {
    const lines: string[] = [];
    for (let c = 0; c < cob; c++) lines.push(`let w${c} = ${w(c)};`);
    for (let c = 0; c < cob; c++) for (let v = 0; v < tv; v++) lines.push(`a${c}_${v} = fma(vec4<f32>(w${c}), x${v}, a${c}_${v});`);
    return lines;
  };
  let taps: string;
  if (!subgroups) {
    taps = [
      'for (var k = 0; k < u.taps; k++) {',
      ...macs((c) => `wAt(o0 + ${c}, i, k)`).map((l) => `  ${l}`),
      '  let next = xAt(xRow, s + k + TW);',
      `  ${slide}`,
      '}',
    ].join('\n    ');
  } else {
    // Taps past the kernel's end get weight 0 (wAt's guard on k), so the loop may round up to 4.
    // Inputs too are shared within each quad of lanes (4 consecutive blocks of one row): the
    // input a lane slides in next is its right neighbour's current first one, and the quad's
    // last lane takes its 4 from one load spread over the quad (a quarter of the input loads).
    const body: string[] = [];
    for (let c = 0; c < cob; c++) body.push(`let l${c} = select(0.0, wAt(o0 + ${c}, i, min(k + lane, u.taps - 1)), k + lane < u.taps);`);
    body.push('let q = xAt(xRow, s + (4 - lane) * TW + k + lane);');
    for (let j = 0; j < 4; j++) {
      body.push('{');
      body.push(...macs((c) => `subgroupBroadcast(l${c}, ${j}u)`).map((l) => `  ${l}`));
      body.push(`  let next = select(subgroupShuffle(x0.x, subgroupLane + 1u), subgroupShuffle(q, quad + ${j}u), lane == 3);`);
      body.push(`  ${slide}`);
      body.push('}');
    }
    taps = ['for (var k = 0; k < u.taps; k += 4) {', ...body.map((l) => `  ${l}`), '}'].join('\n    ');
  }
  const store: string[] = [];
  const acc = (c: number, j: number) => `a${c}_${Math.floor(j / 4)}.${LANES[j % 4]}`;
  for (let c = 0; c < cob; c++) {
    store.push(`let b${c} = select(0.0, bias[min(o0 + ${c}, u.outC - 1)], u.hasBias != 0u && o0 + ${c} < u.outC);`);
    if (!pool) {
      for (let j = 0; j < 4 * tv; j++) store.push(`put(live, outBase, o0 + ${c}, t0 + ${j}, b${c}, ${acc(c, j)});`);
      continue;
    }
    // Each window's max of (conv + bias), in order, so ties keep the first (as maxpool2d_forward).
    for (let q = 0; q < (4 * tv) / pool; q++) {
      const first = q * pool;
      store.push(`{`, `  var best = ${acc(c, first)} + b${c};`, `  var at = t0 + ${first};`);
      for (let j = first + 1; j < first + pool; j++) {
        store.push(`  let v${j} = ${acc(c, j)} + b${c};`, `  let w${j} = v${j} > best || v${j} != v${j};`, `  best = select(best, v${j}, w${j});`, `  at = select(at, t0 + ${j}, w${j});`);
      }
      store.push(`  putPool(live, poolBase, o0 + ${c}, tb * ${(4 * tv) / pool} + ${q}, best, rowOffset + at);`, `}`);
    }
  }
  // The shuffles' source lanes share the quad, which the uniformity analysis cannot see.
  const enable = subgroups ? 'enable subgroups;\ndiagnostic(off, subgroup_uniformity);\n' : '';
  const laneDecl = subgroups ? `\n  let lane = i32(subgroupLane % 4u);\n  let quad = subgroupLane & ~3u;` : '';
  const outputBindings = pool
    ? [
        '@group(0) @binding(4) var<storage, read_write> argmax: array<f32>;',
        '@group(0) @binding(5) var<uniform> u: Params;',
        '',
        '// relu(best) keeps a NaN (PyTorch\'s relu and max pool both propagate it); a window',
        '// that passes no gradient (best not positive) gets winner -1.',
        'fn putPool(live: bool, base: i32, o: i32, w: i32, best: f32, at: i32) {',
        '  if (live && o < u.outC && w < u.pooledW) {',
        '    let i = base + o * u.rows * u.pooledW + w;',
        '    out[i] = select(best, 0.0, best <= 0.0);',
        '    if (u.withArgmax != 0u) {',
        '      argmax[i] = select(-1.0, f32(at), best > 0.0);',
        '    }',
        '  }',
        '}',
      ].join('\n')
    : '@group(0) @binding(4) var<uniform> u: Params;';
  const storeBase = pool
    ? 'let poolBase = n * u.outC * u.rows * u.pooledW + r * u.pooledW;\n  let rowOffset = r * u.outW;'
    : 'let outBase = n * u.outC * u.rows * u.outW + r * u.outW;';
  return fill(forwardTemplate, {
    BUILTINS: subgroups ? ', @builtin(subgroup_invocation_id) subgroupLane: u32' : '',
    ENABLE: enable,
    OUTPUT_BINDINGS: outputBindings,
    TW: 4 * tv,
    COB: cob,
    DECLARE: declare + laneDecl,
    WINDOW: window,
    TAPS: taps,
    STORE_BASE: storeBase,
    STORE: store.join('\n  '),
  });
}

function backwardWeightCode(cob: number, kv: number, subgroups: boolean): string {
  const { declare, window, slide } = blockCode(cob, kv);
  const macs = (g: (c: number) => string) => {
    const lines: string[] = [];
    for (let c = 0; c < cob; c++) lines.push(`let g${c} = ${g(c)};`);
    for (let c = 0; c < cob; c++) for (let v = 0; v < kv; v++) lines.push(`a${c}_${v} = fma(vec4<f32>(g${c}), x${v}, a${c}_${v});`);
    for (let c = 0; c < cob; c++) lines.push(`b${c} += g${c};`);
    return lines;
  };
  let positions: string;
  if (!subgroups) {
    positions = [
      'for (var t = 0; t < u.outW; t++) {',
      ...macs((c) => `gAt(gRow, o0 + ${c}, t)`).map((l) => `  ${l}`),
      '  let next = xAt(xRow, s + t + KB);',
      `  ${slide}`,
      '}',
    ].join('\n    ');
  } else {
    // Positions past outW read gradient 0 (gAt's guard), so the loop may round up to 4.
    const body: string[] = [];
    for (let c = 0; c < cob; c++) body.push(`let l${c} = gAt(gRow, o0 + ${c}, t + lane);`);
    for (let j = 0; j < 4; j++) {
      body.push('{');
      body.push(...macs((c) => `subgroupShuffle(l${c}, quad + ${j}u)`).map((l) => `  ${l}`));
      body.push(`  let next = xAt(xRow, s + t + ${j} + KB);`);
      body.push(`  ${slide}`);
      body.push('}');
    }
    positions = ['for (var t = 0; t < u.outW; t += 4) {', ...body.map((l) => `  ${l}`), '}'].join('\n    ');
  }
  const store: string[] = [];
  for (let c = 0; c < cob; c++) for (let v = 0; v < kv; v++) for (let l = 0; l < 4; l++) store.push(`put(live, base, o0 + ${c}, i, k0 + ${4 * v + l}, a${c}_${v}.${LANES[l]});`);
  const storeBias = Array.from({ length: cob }, (_, c) => `putBias(live, base, o0 + ${c}, b${c});`).join('\n    ');
  const declareBias = Array.from({ length: cob }, (_, c) => `var b${c} = 0.0;`).join('\n  ');
  // The shuffles' source lanes share the chunk, which the uniformity analysis cannot see.
  const enable = subgroups ? 'enable subgroups;\ndiagnostic(off, subgroup_uniformity);\n' : '';
  const lanes = subgroups ? '\n  let lane = i32(subgroupLane % 4u);\n  let quad = subgroupLane & ~3u;' : '';
  return fill(backwardWeightTemplate, {
    ENABLE: enable,
    BUILTINS: subgroups ? ', @builtin(subgroup_invocation_id) subgroupLane: u32' : '',
    KB: 4 * kv,
    COB: cob,
    DECLARE: `${declare}\n  ${declareBias}${lanes}`,
    WINDOW: window,
    POSITIONS: positions,
    STORE: store.join('\n  '),
    STORE_BIAS: storeBias,
  });
}

const codeCache = new Map<string, string>();
export function cached(key: string, make: () => string): string {
  let code = codeCache.get(key);
  if (code === undefined) codeCache.set(key, (code = make()));
  return code;
}

export interface Correlation {
  x: GpuStorage;
  weight: GpuStorage;
  bias: GpuStorage | null;
  batch: number;
  rows: number;
  inW: number;
  outW: number;
  inC: number;
  outC: number;
  taps: number;
  pad: number;
  /** weight(o, i, k) = weight[wBase + o * wOut + i * wIn + k * wTap] */
  wOut: number;
  wIn: number;
  wTap: number;
  wBase: number;
  relu: boolean;
}

/** Max pooling fused into the forward: windows of `size` outputs with stride `size`, `windows` per row. */
export interface RowPool {
  size: number;
  windows: number;
  /** Write the winners (for a backward to come). */
  withArgmax?: boolean;
}

export function correlate(ctx: GpuContext, c: Correlation, pool: RowPool | null = null): { out: GpuStorage; argmax: GpuStorage | null } {
  const cob = channelBlock(c.outC);
  // 8 channels x 16 outputs per invocation measured fastest on SwiftShader (8 x 8: 293 ms over
  // Chambon's three 8-channel passes at batch 128, 8 x 16: 276 ms; 8 x 32 fails to compile).
  // One channel (Chambon's first input gradient) has few multiply-adds per tap to hide the tap's
  // weight broadcast and input shuffles; 24 outputs ran it in about 0.8x the time of 16, but
  // SwiftShader then took 11 s to compile it (20 outputs: 1 s; 16: 0.3 s; 28 and 32 crash its
  // compiler), so it stays at 16. Pooled, the block is whole windows: TW = 4 * tv a multiple of
  // the window.
  const tv = pool ? pooledBlock(pool.size)! : cob >= 8 ? 4 : Math.min(4, Math.max(2, 8 / cob));
  const tw = 4 * tv;
  const subgroups = ctx.hasSubgroups;
  const perRow = pool ? Math.ceil((pool.windows * pool.size) / tw) : Math.ceil(c.outW / tw);
  // With subgroups, quads of lanes share inputs, so they must hold 4 blocks of one row.
  const tBlocks = subgroups ? Math.ceil(perRow / 4) * 4 : perRow;
  const oBlocks = Math.ceil(c.outC / cob);
  const total = c.batch * c.rows * tBlocks;
  const outLength = c.batch * c.outC * c.rows * (pool ? pool.windows : c.outW);
  const out = ctx.allocUninit(outLength);
  // Without winners to write, a one-element buffer fills the binding.
  const argmax = pool ? ctx.allocUninit(pool.withArgmax === false ? 1 : outLength) : null;
  const [gx, gy, gz] = ctx.grid(total, WORKGROUP_SIZE);
  if (gz !== 1) throw new Error(`conv rows: ${total} invocations per channel block exceed a two-dimensional grid`);
  const variant = `${cob}x${tv}${subgroups ? '_subgroups' : ''}`;
  ctx.dispatch({
    key: pool ? `conv_rows_relu_maxpool${pool.size}_${variant}` : `conv_rows_forward_${variant}`,
    code: cached(`f${cob}x${tv}${subgroups}p${pool?.size ?? 0}`, () => forwardCode(cob, tv, subgroups, pool?.size ?? 0)),
    inputs: [c.x, c.weight, c.bias ?? c.weight],
    outputs: argmax ? [out, argmax] : [out],
    uniforms: [
      u32(total),
      ...[c.rows, c.inW, c.outW, c.inC, c.outC, c.taps, c.pad, c.wOut, c.wIn, c.wTap, c.wBase, oBlocks, tBlocks].map(i32),
      u32(c.bias ? 1 : 0),
      u32(c.relu ? 1 : 0),
      i32(pool?.windows ?? 0),
      u32(pool?.withArgmax === false ? 0 : 1),
    ],
    workgroups: [gx, gy, oBlocks],
  });
  return { out, argmax };
}

/** vec4s of outputs per invocation for windows of `size`: whole windows, at most 16 outputs; null if none fits. */
export function pooledBlock(size: number): number | null {
  for (const tv of [4, 3, 2, 1]) if ((4 * tv) % size === 0) return tv;
  return null;
}

/** The forward as a correlation: the weight read as stored, [outC, inC, K]. */
export function forwardCorrelation(r: RowConv, x: GpuStorage, weight: GpuStorage, bias: GpuStorage | null, relu: boolean): Correlation {
  return { ...r, x, weight, bias, wOut: r.inC * r.taps, wIn: r.taps, wTap: 1, wBase: 0, relu };
}

export function rowConvForward(ctx: GpuContext, r: RowConv, x: GpuStorage, weight: GpuStorage, bias: GpuStorage | null, relu = false): GpuStorage {
  return correlate(ctx, forwardCorrelation(r, x, weight, bias, relu)).out;
}

/** The input's gradient: the correlation of gradOut with the flipped kernel, channels swapped. */
export function rowConvBackwardInput(ctx: GpuContext, r: RowConv, gradOut: GpuStorage, weight: GpuStorage): GpuStorage {
  return correlate(ctx, {
    x: gradOut,
    weight,
    bias: null,
    batch: r.batch,
    rows: r.rows,
    inW: r.outW,
    outW: r.inW,
    inC: r.outC,
    outC: r.inC,
    taps: r.taps,
    pad: r.taps - 1 - r.pad,
    wOut: r.taps,
    wIn: r.inC * r.taps,
    wTap: -1,
    wBase: r.taps - 1,
    relu: false,
  }).out;
}

/** The weight's gradient, and the bias's when `withBias` (both from one pass over gradOut). */
export function rowConvBackwardWeight(ctx: GpuContext, r: RowConv, gradOut: GpuStorage, x: GpuStorage, withBias: boolean): { weight: GpuStorage; bias: GpuStorage | null } {
  const cob = channelBlock(r.outC);
  const kv = Math.min(Math.ceil(r.taps / 4), cob >= 8 ? 2 : 4);
  // With subgroups, groups of 4 neighbouring invocations must share everything but the tap
  // block, so the tap blocks are padded to a multiple of 4: worth it for long kernels only.
  const subgroups = ctx.hasSubgroups && r.taps >= 16 * kv;
  const kBlocks = subgroups ? Math.ceil(r.taps / (16 * kv)) * 4 : Math.ceil(r.taps / (4 * kv));
  const oBlocks = Math.ceil(r.outC / cob);
  const tiles = r.inC * oBlocks * kBlocks;
  const allRows = r.batch * r.rows;
  const { rowsPerChunk, chunks } = rowChunks(allRows, r.outW, tiles, 512);
  const numWeights = r.outC * r.inC * r.taps;
  const total = chunks * tiles;
  const stride = numWeights + r.outC;
  const partial = ctx.allocUninit(chunks * stride);
  ctx.dispatch({
    key: `conv_rows_backward_weight_${cob}x${kv}${subgroups ? '_subgroups' : ''}`,
    code: cached(`w${cob}x${kv}${subgroups}`, () => backwardWeightCode(cob, kv, subgroups)),
    inputs: [gradOut, x],
    outputs: [partial],
    uniforms: [u32(total), ...[r.rows, r.inW, r.outW, r.inC, r.outC, r.taps, r.pad, allRows, rowsPerChunk, kBlocks, oBlocks, numWeights].map(i32)],
    workgroups: ctx.grid(total, WORKGROUP_SIZE),
  });
  const out = sumPartials(ctx, partial, chunks, stride, numWeights, withBias ? r.outC : 0);
  ctx.release(partial);
  return out;
}

/**
 * Rows per chunk for a weight gradient's partial sums: about 2,048 positions per invocation, but
 * halved until chunks * tiles reaches `minInvocations` (enough to fill the device).
 */
export function rowChunks(allRows: number, positionsPerRow: number, tiles: number, minInvocations: number): { rowsPerChunk: number; chunks: number } {
  let rowsPerChunk = Math.max(1, Math.min(allRows, Math.ceil(2048 / positionsPerRow)));
  while (rowsPerChunk > 1 && Math.ceil(allRows / rowsPerChunk) * tiles < minInvocations) rowsPerChunk = Math.ceil(rowsPerChunk / 2);
  return { rowsPerChunk, chunks: Math.ceil(allRows / rowsPerChunk) };
}

/** Sums [chunks, stride] partials over the chunks: the first numWeights, then numBias more (if any). */
export function sumPartials(ctx: GpuContext, partial: GpuStorage, chunks: number, stride: number, numWeights: number, numBias: number): { weight: GpuStorage; bias: GpuStorage | null } {
  const sumChunks = (offset: number, n: number): GpuStorage => {
    const out = ctx.allocUninit(n);
    ctx.dispatch({
      key: 'sum_leading',
      code: sumLeadingSource,
      inputs: [partial],
      outputs: [out],
      uniforms: [u32(n), u32(chunks), u32(stride), u32(offset)],
      workgroups: ctx.grid(n, WORKGROUP_SIZE),
    });
    return out;
  };
  return { weight: sumChunks(0, numWeights), bias: numBias ? sumChunks(numWeights, numBias) : null };
}
