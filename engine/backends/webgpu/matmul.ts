/**
 * WebGPU batched matrix multiply: a register-blocked kernel (shaders/matmul_blocked.wgsl, its
 * unrolled statements generated here per block size and operand layout), and the untiled one
 * (shaders/matmul_small.wgsl) for a few outputs.
 *
 * Measured on SwiftShader (2 cores), GFLOP/s: [1024,1024]x[1024,1024] 0.14-0.27 with the 16 x 16
 * shared-memory tile this replaced, 5.2 with 16 x 8 blocks (8 x 8: 4.0, 16 x 16: 5.8 but 1.4 s
 * to compile); the linear layer [128,320]x[320,5]^T 0.32 untiled, 1.1 with 8 x 4 blocks.
 */
import type { GpuContext, GpuStorage } from './kernel.ts';
import { u32 } from './util.ts';
import blockedTemplate from '../../../shaders/matmul_blocked.wgsl?raw';
import matmulSmallWgsl from '../../../shaders/matmul_small.wgsl?raw';

/**
 * Outputs up to TINY_OUTPUT take the untiled kernel: a few blocks would leave a GPU idle and
 * save nothing measurable (4x4x4: 0.02 ms either way), and it needs no compile per layout.
 */
const TINY_OUTPUT = 256;
/**
 * Up to SMALL_OUTPUT outputs, 8 x 4 blocks: 4x the invocations of 16 x 8 (a GPU wants them), as
 * fast on SwiftShader for these sizes, and a fifth of the compile time (0.1 s against 0.5 s).
 */
const SMALL_OUTPUT = 8192;
const SMALL_BLOCK: MatmulBlock = { tm: 8, tnv: 1 };
const WORKGROUP_SIZE = 64;
const LANES = ['x', 'y', 'z', 'w'];

/** Rows x vec4-columns of one invocation's block. */
interface MatmulBlock {
  tm: number;
  tnv: number;
}

/** 32 vec4 accumulators; 16 x 16 ran ~10% faster but took SwiftShader 1.4 s to compile. */
const LARGE_BLOCK: MatmulBlock = { tm: 16, tnv: 2 };

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`matmul template: no value for {{${key}}}`);
    return String(values[key]);
  });
}

/**
 * How each operand is read. 'scalar': one f32 load per value. 'shuffle' (A only): lane j of a
 * quad loads rows j, j + 4, ... and subgroupShuffle shares them. 'k4': the operand is
 * contiguous along k, loaded as vec4s of 4 consecutive k (the loop steps k by 4). 'mn4': it is
 * contiguous along m (A) or n (B), loaded as vec4s of 4 rows or columns.
 */
type OperandRead = 'scalar' | 'shuffle' | 'k4' | 'mn4';

interface MatmulVariant extends MatmulBlock {
  readA: OperandRead;
  readB: Exclude<OperandRead, 'shuffle'>;
}

function variantName(v: MatmulVariant): string {
  return `${v.tm}x${4 * v.tnv}_a${v.readA}_b${v.readB}`;
}

/** The blocked kernel's WGSL for a TM x (4 * TNV) block read as `v` says. */
function blockedCode(v: MatmulVariant): string {
  const { tm, tnv, readA, readB } = v;
  if (readA === 'shuffle' || readA === 'mn4') {
    if (tm % 4 !== 0) throw new Error(`matmul: ${readA} A reads need a block of a multiple of 4 rows, not ${tm}`);
  }
  const steps = readA === 'k4' || readB === 'k4' ? 4 : 1;
  const rows = Array.from({ length: tm }, (_, r) => r);
  const vecs = Array.from({ length: tnv }, (_, j) => j);
  const cols = Array.from({ length: 4 * tnv }, (_, j) => j);
  const quads = Array.from({ length: tm / 4 }, (_, q) => q);
  const ks = Array.from({ length: steps }, (_, kk) => kk);
  const offsets: string[] = [];
  const loop: string[] = [];
  let aStep: string;
  let bStep: string;
  // A's value for row r at sub-step kk, as a vec4 splat; B's 4 columns 4v.. at kk.
  let aAt: (r: number, kk: number) => string;
  let bAt: (v: number, kk: number) => string;
  switch (readA) {
    case 'scalar':
      for (const r of rows) offsets.push(`let ar${r} = aBase + min(row0 + ${r}u, lastRow) * params.aRow;`);
      for (const kk of ks) for (const r of rows) loop.push(`let a${r}_${kk} = a[ar${r} + ak${kk ? ` + ${kk}u * params.aCol` : ''}];`);
      aAt = (r, kk) => `a${r}_${kk}`;
      aStep = `${steps}u * params.aCol`;
      break;
    case 'shuffle':
      for (const q of quads) offsets.push(`let ar${q} = aBase + min(row0 + lane + ${4 * q}u, lastRow) * params.aRow;`);
      for (const kk of ks) {
        for (const q of quads) loop.push(`let own${q}_${kk} = a[ar${q} + ak${kk ? ` + ${kk}u * params.aCol` : ''}];`);
        for (const r of rows) loop.push(`let a${r}_${kk} = subgroupShuffle(own${Math.floor(r / 4)}_${kk}, quad + ${r % 4}u);`);
      }
      aAt = (r, kk) => `a${r}_${kk}`;
      aStep = `${steps}u * params.aCol`;
      break;
    case 'k4':
      for (const r of rows) offsets.push(`let ar${r} = (aBase + min(row0 + ${r}u, lastRow) * params.aRow) / 4u;`);
      for (const r of rows) loop.push(`let a${r} = a[ar${r} + ak];`);
      aAt = (r, kk) => `a${r}.${LANES[kk]}`;
      aStep = '1u';
      break;
    case 'mn4':
      for (const q of quads) offsets.push(`let ar${q} = (aBase + min(row0 + ${4 * q}u, params.m - 4u)) / 4u;`);
      for (const kk of ks) for (const q of quads) loop.push(`let a${q}_${kk} = a[ar${q} + ak${kk ? ` + ${kk}u * (params.aCol / 4u)` : ''}];`);
      aAt = (r, kk) => `a${Math.floor(r / 4)}_${kk}.${LANES[r % 4]}`;
      aStep = `${steps}u * (params.aCol / 4u)`;
      break;
  }
  switch (readB) {
    case 'scalar':
      for (const j of cols) offsets.push(`let bc${j} = bBase + min(col0 + ${j}u, lastCol) * params.bCol;`);
      for (const kk of ks) for (const w of vecs) loop.push(`let b${w}_${kk} = vec4<f32>(${[0, 1, 2, 3].map((l) => `b[bc${4 * w + l} + bk${kk ? ` + ${kk}u * params.bRow` : ''}]`).join(', ')});`);
      bAt = (w, kk) => `b${w}_${kk}`;
      bStep = `${steps}u * params.bRow`;
      break;
    case 'mn4':
      for (const w of vecs) offsets.push(`let bc${w} = (bBase + min(col0 + ${4 * w}u, params.n - 4u)) / 4u;`);
      for (const kk of ks) for (const w of vecs) loop.push(`let b${w}_${kk} = b[bc${w} + bk${kk ? ` + ${kk}u * (params.bRow / 4u)` : ''}];`);
      bAt = (w, kk) => `b${w}_${kk}`;
      bStep = `${steps}u * (params.bRow / 4u)`;
      break;
    case 'k4':
      for (const j of cols) offsets.push(`let bc${j} = (bBase + min(col0 + ${j}u, lastCol) * params.bCol) / 4u;`);
      for (const j of cols) loop.push(`let bj${j} = b[bc${j} + bk];`);
      bAt = (w, kk) => `vec4<f32>(${[0, 1, 2, 3].map((l) => `bj${4 * w + l}.${LANES[kk]}`).join(', ')})`;
      bStep = '1u';
      break;
  }
  for (const kk of ks) for (const r of rows) for (const w of vecs) loop.push(`c${r}_${w} = fma(vec4<f32>(${aAt(r, kk)}), ${bAt(w, kk)}, c${r}_${w});`);
  const declare = rows.flatMap((r) => vecs.map((w) => `var c${r}_${w} = vec4<f32>();`));
  const store = rows.flatMap((r) => cols.map((j) => `put(live, row0 + ${r}u, col0 + ${j}u, outBase, c${r}_${Math.floor(j / 4)}.${LANES[j % 4]});`));
  const subgroups = readA === 'shuffle';
  return fill(blockedTemplate, {
    ENABLE: subgroups ? 'enable subgroups;\n// The quad shuffles read lanes of the same rows, which the uniformity analysis cannot see.\ndiagnostic(off, subgroup_uniformity);' : '',
    LANE_BUILTIN: subgroups ? ', @builtin(subgroup_invocation_id) subgroupLane: u32' : '',
    GUARD: subgroups ? 'let live = flat < params.total;\n  let lane = subgroupLane % 4u;\n  let quad = subgroupLane & ~3u;' : 'if (flat >= params.total) { return; }\n  let live = true;',
    A_ELEMENT: readA === 'k4' || readA === 'mn4' ? 'vec4<f32>' : 'f32',
    B_ELEMENT: readB === 'scalar' ? 'f32' : 'vec4<f32>',
    TM: tm,
    TN: 4 * tnv,
    OFFSETS: offsets.join('\n  '),
    DECLARE: declare.join('\n  '),
    STEPS: steps,
    A_STEP: aStep,
    B_STEP: bStep,
    LOOP: loop.join('\n    '),
    STORE: store.join('\n  '),
  });
}

const codeCache = new Map<string, string>();
function cached(key: string, make: () => string): string {
  let code = codeCache.get(key);
  if (code === undefined) codeCache.set(key, (code = make()));
  return code;
}

export function matmul(ctx: GpuContext, a: GpuStorage, b: GpuStorage, batchA: number, batchB: number, m: number, k: number, n: number, transA: boolean, transB: boolean): GpuStorage {
  const batch = Math.max(batchA, batchB);
  if ((batchA !== 1 && batchA !== batch) || (batchB !== 1 && batchB !== batch)) throw new Error(`matmul: batch sizes ${batchA} and ${batchB} do not broadcast`);
  if (a.length !== batchA * m * k || b.length !== batchB * k * n) throw new Error(`matmul: operand sizes ${a.length}, ${b.length} do not match [${batchA}, ${m}, ${k}] @ [${batchB}, ${k}, ${n}]`);
  const out = ctx.allocUninit(batch * m * n);
  const [aRow, aCol, bRow, bCol, aBatch, bBatch] = [transA ? 1 : k, transA ? m : 1, transB ? 1 : n, transB ? k : 1, batchA === 1 ? 0 : m * k, batchB === 1 ? 0 : k * n];
  const strides = [aRow, aCol, bRow, bCol, aBatch, bBatch].map(u32);
  const small = batch * m * n <= TINY_OUTPUT;
  if (small) {
    ctx.dispatch({
      key: 'matmul_small',
      code: matmulSmallWgsl,
      inputs: [a, b],
      outputs: [out],
      uniforms: [u32(m), u32(k), u32(n), u32(batch), ...strides],
      workgroups: ctx.grid(batch * m * n, WORKGROUP_SIZE),
    });
    return out;
  }
  const block = batch * m * n <= SMALL_OUTPUT ? SMALL_BLOCK : LARGE_BLOCK;
  // vec4 reads need 16-byte aligned starts: every stride but the contiguous one a multiple of 4.
  const aligned = (...xs: number[]) => xs.every((x) => x % 4 === 0);
  const readA: OperandRead =
    aCol === 1 && aligned(k, aRow, aBatch) ? 'k4' : aRow === 1 && block.tm % 4 === 0 && aligned(m, aCol, aBatch) ? 'mn4' : ctx.hasSubgroups && block.tm % 4 === 0 ? 'shuffle' : 'scalar';
  const readB: MatmulVariant['readB'] = bRow === 1 && aligned(k, bCol, bBatch) ? 'k4' : bCol === 1 && aligned(n, bRow, bBatch) ? 'mn4' : 'scalar';
  const variant: MatmulVariant = { ...block, readA, readB };
  const blocksM = Math.ceil(m / block.tm);
  // With shuffles, quads hold 4 column blocks of the same rows.
  const blocksN = variant.readA === 'shuffle' ? Math.ceil(n / (4 * block.tnv) / 4) * 4 : Math.ceil(n / (4 * block.tnv));
  const total = batch * blocksM * blocksN;
  const name = variantName(variant);
  ctx.dispatch({
    key: `matmul_blocked_${name}`,
    code: cached(name, () => blockedCode(variant)),
    inputs: [a, b],
    outputs: [out],
    uniforms: [u32(m), u32(k), u32(n), u32(batch), ...strides, u32(blocksM), u32(blocksN), u32(total)],
    workgroups: ctx.grid(total, WORKGROUP_SIZE),
  });
  return out;
}
