/**
 * WebGPU batched matrix multiply: a register-blocked kernel (shaders/matmul_blocked.wgsl, its
 * fragments repeated here per block size and operand layout), and the untiled one
 * (shaders/matmul_small.wgsl) for a few outputs.
 *
 * Measured on SwiftShader (2 cores), GFLOP/s: [1024,1024]x[1024,1024] 0.14-0.27 with the 16 x 16
 * shared-memory tile this replaced, 5.2 with 16 x 8 blocks (8 x 8: 4.0, 16 x 16: 5.8 but 1.4 s
 * to compile); the linear layer [128,320]x[320,5]^T 0.32 untiled, 1.1 with 8 x 4 blocks.
 */
import type { GpuContext, GpuStorage } from './kernel.ts';
import { LANES, grid2, joinLines, kernel, plainKernel, range, shaderLib, template, type Template } from './shaders.ts';
import blockedSource from '../../../shaders/matmul_blocked.wgsl?raw';
import matmulSmallWgsl from '../../../shaders/matmul_small.wgsl?raw';

const BLOCKED = template('matmul_blocked.wgsl', blockedSource);

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

/** Rows x vec4-columns of one invocation's block. */
interface MatmulBlock {
  tm: number;
  tnv: number;
}

/** 32 vec4 accumulators; 16 x 16 ran ~10% faster but took SwiftShader 1.4 s to compile. */
const LARGE_BLOCK: MatmulBlock = { tm: 16, tnv: 2 };

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


/** One operand's part of the kernel: its offsets, its loads per k step, its value per register, its k step. */
interface OperandCode {
  offsets: string[];
  loads: string[];
  /** The value A's row r (or B's 4 columns 4w..) holds at sub-step kk. */
  at: (i: number, kk: number) => string;
  step: string;
}

/** A's part for TM rows, `steps` k values per loop iteration. */
function operandA(t: Template, tm: number, read: OperandRead, steps: number): OperandCode {
  const rows = range(tm);
  const quads = range(tm / 4);
  const ks = range(steps);
  const index = (kk: number, vec4: boolean) => (kk ? t.fragment(vec4 ? 'a_index_vec4' : 'a_index', { kk }) : 'ak');
  switch (read) {
    case 'scalar':
      return {
        offsets: rows.map((r) => t.fragment('a_offset_scalar', { r })),
        loads: ks.flatMap((kk) => rows.map((r) => t.fragment('a_load_scalar', { r, kk, index: index(kk, false) }))),
        at: (r, kk) => `a${r}_${kk}`,
        step: t.fragment('a_step', { steps }),
      };
    case 'shuffle':
      return {
        offsets: quads.map((q) => t.fragment('a_offset_shuffle', { q, row: 4 * q })),
        loads: ks.flatMap((kk) => [
          ...quads.map((q) => t.fragment('a_load_own', { q, kk, index: index(kk, false) })),
          ...rows.map((r) => t.fragment('a_load_shuffle', { r, kk, q: Math.floor(r / 4), lane: r % 4 })),
        ]),
        at: (r, kk) => `a${r}_${kk}`,
        step: t.fragment('a_step', { steps }),
      };
    case 'k4':
      return {
        offsets: rows.map((r) => t.fragment('a_offset_k4', { r })),
        loads: rows.map((r) => t.fragment('a_load_k4', { r })),
        at: (r, kk) => `a${r}.${LANES[kk]}`,
        step: '1u',
      };
    case 'mn4':
      return {
        offsets: quads.map((q) => t.fragment('a_offset_mn4', { q, row: 4 * q })),
        loads: ks.flatMap((kk) => quads.map((q) => t.fragment('a_load_mn4', { q, kk, index: index(kk, true) }))),
        at: (r, kk) => `a${Math.floor(r / 4)}_${kk}.${LANES[r % 4]}`,
        step: t.fragment('a_step_vec4', { steps }),
      };
  }
}

/** B's part for 4 * TNV columns, `steps` k values per loop iteration. */
function operandB(t: Template, tnv: number, read: MatmulVariant['readB'], steps: number): OperandCode {
  const vecs = range(tnv);
  const cols = range(4 * tnv);
  const ks = range(steps);
  const four = (w: number) => ({ j0: 4 * w, j1: 4 * w + 1, j2: 4 * w + 2, j3: 4 * w + 3 });
  const index = (kk: number, vec4: boolean) => (kk ? t.fragment(vec4 ? 'b_index_vec4' : 'b_index', { kk }) : 'bk');
  switch (read) {
    case 'scalar':
      return {
        offsets: cols.map((j) => t.fragment('b_offset_scalar', { j })),
        loads: ks.flatMap((kk) => vecs.map((w) => t.fragment('b_load_scalar', { w, kk, ...four(w), index: index(kk, false) }))),
        at: (w, kk) => `b${w}_${kk}`,
        step: t.fragment('b_step', { steps }),
      };
    case 'mn4':
      return {
        offsets: vecs.map((w) => t.fragment('b_offset_mn4', { w, col: 4 * w })),
        loads: ks.flatMap((kk) => vecs.map((w) => t.fragment('b_load_mn4', { w, kk, index: index(kk, true) }))),
        at: (w, kk) => `b${w}_${kk}`,
        step: t.fragment('b_step_vec4', { steps }),
      };
    case 'k4':
      return {
        offsets: cols.map((j) => t.fragment('b_offset_k4', { j })),
        loads: cols.map((j) => t.fragment('b_load_k4', { j })),
        at: (w, kk) => t.fragment('b_value_k4', { ...four(w), l: LANES[kk] }),
        step: '1u',
      };
  }
}

/** The blocked kernel's WGSL for a TM x (4 * TNV) block read as `v` says. */
export function blockedCode(v: MatmulVariant): string {
  const t = BLOCKED;
  const { tm, tnv, readA, readB } = v;
  if ((readA === 'shuffle' || readA === 'mn4') && tm % 4 !== 0) throw new Error(`matmul: ${readA} A reads need a block of a multiple of 4 rows, not ${tm}`);
  const steps = readA === 'k4' || readB === 'k4' ? 4 : 1;
  const a = operandA(t, tm, readA, steps);
  const b = operandB(t, tnv, readB, steps);
  const blocks = grid2(tm, tnv);
  const macs = range(steps).flatMap((kk) => blocks.map(([r, w]) => t.fragment('mac', { r, w, a: a.at(r, kk), b: b.at(w, kk) })));
  const subgroups = readA === 'shuffle';
  return t.fill({
    ENABLE: subgroups ? shaderLib('subgroups') : '',
    LANE_BUILTIN: subgroups ? t.fragment('lane_builtin') : '',
    GUARD: t.fragment(subgroups ? 'guard_subgroups' : 'guard'),
    A_ELEMENT: readA === 'k4' || readA === 'mn4' ? 'vec4<f32>' : 'f32',
    B_ELEMENT: readB === 'scalar' ? 'f32' : 'vec4<f32>',
    TM: tm,
    TN: 4 * tnv,
    OFFSETS: joinLines([...a.offsets, ...b.offsets]),
    DECLARE: joinLines(blocks.map(([r, w]) => t.fragment('accumulator', { r, w }))),
    STEPS: steps,
    A_STEP: a.step,
    B_STEP: b.step,
    LOOP: joinLines([...a.loads, ...b.loads, ...macs]),
    STORE: joinLines(grid2(tm, 4 * tnv).map(([r, j]) => t.fragment('put', { r, j, value: `c${r}_${Math.floor(j / 4)}.${LANES[j % 4]}` }))),
  });
}

export function matmul(ctx: GpuContext, a: GpuStorage, b: GpuStorage, batchA: number, batchB: number, m: number, k: number, n: number, transA: boolean, transB: boolean): GpuStorage {
  const batch = Math.max(batchA, batchB);
  if ((batchA !== 1 && batchA !== batch) || (batchB !== 1 && batchB !== batch)) throw new Error(`matmul: batch sizes ${batchA} and ${batchB} do not broadcast`);
  if (a.length !== batchA * m * k || b.length !== batchB * k * n) throw new Error(`matmul: operand sizes ${a.length}, ${b.length} do not match [${batchA}, ${m}, ${k}] @ [${batchB}, ${k}, ${n}]`);
  const out = ctx.allocUninit(batch * m * n);
  const [aRow, aCol, bRow, bCol, aBatch, bBatch] = [transA ? 1 : k, transA ? m : 1, transB ? 1 : n, transB ? k : 1, batchA === 1 ? 0 : m * k, batchB === 1 ? 0 : k * n];
  const strides = { m, k, n, batch, aRow, aCol, bRow, bCol, aBatch, bBatch };
  const small = batch * m * n <= TINY_OUTPUT;
  if (small) {
    ctx.dispatch({
      kernel: plainKernel('matmul_small', 'matmul_small.wgsl', matmulSmallWgsl),
      inputs: [a, b],
      outputs: [out],
      uniforms: strides,
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
  ctx.dispatch({
    kernel: kernel(`matmul_blocked_${variantName(variant)}`, () => ({ file: BLOCKED.file, code: blockedCode(variant) })),
    inputs: [a, b],
    outputs: [out],
    uniforms: { ...strides, blocksM, blocksN, total },
    workgroups: ctx.grid(total, WORKGROUP_SIZE),
  });
  return out;
}
