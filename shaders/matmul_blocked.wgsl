// Batched matrix product out[b] = A[b] @ B[b], register-blocked, with the strided operands of
// matmul_small.wgsl (a transposed operand costs nothing): A[i, p] = a[b * aBatch + i * aRow +
// p * aCol], B[p, j] = b[b * bBatch + p * bRow + j * bCol] (a batch stride 0 broadcasts).
//
// Why register blocking: on a software GPU (SwiftShader) a storage load costs about as much as
// a dozen multiply-adds per lane, and workgroup memory and barriers cost more than that, so the
// 16 x 16 shared-memory tile this replaced ran at a fortieth of the adapter's FMA peak. Here one
// invocation computes a TM x TN block of out[b] (TN = 4 * TNV, rows of vec4 accumulators) and
// walks k alone: each step loads one A column slice (TM values) and one B row slice (TN values)
// and does TM * TN multiply-adds with fma(), which SwiftShader runs as one operation. No
// workgroup memory, no barriers. Rows and columns past the edges are clamped for the loads
// (they compute copies of the last row or column) and skipped for the stores, so the k loop has
// no branches. The host (engine/backends/webgpu/matmul.ts) picks the block size and the way of
// reading each operand (OperandRead there) and repeats the fragments at the end of this file:
// - k4: the operand is contiguous along k and 16-byte aligned (k and the other strides
//   multiples of 4): it is bound as vec4s, one load brings 4 consecutive k, and the loop steps
//   k by 4 (a vec4 load costs about what a scalar one does: 4x fewer loads);
// - mn4: contiguous along m (A) or n (B) and aligned: one vec4 load brings 4 rows / columns;
// - shuffle (A only, with subgroups, when neither applies): the 4 lanes of each quad own 4
//   consecutive column blocks of the same rows; lane j loads rows j, j + 4, ... and
//   subgroupShuffle hands each to the quad, a quarter of the A loads. Every lane must then run
//   the loop (no early return: lanes past the end compute a clamped copy and store nothing);
// - scalar: one f32 load per value.
// 1024^3 on SwiftShader: 5.2 GFLOP/s with k4 A and mn4 B, 4.2 with shuffled A.
// Launch: batch * blocksM * blocksN invocations in workgroups of 64 (column block fastest),
// folded into up to three grid dimensions.
{{ENABLE}}
@group(0) @binding(0) var<storage, read> a: array<{{A_ELEMENT}}>;
@group(0) @binding(1) var<storage, read> b: array<{{B_ELEMENT}}>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
struct Params {
  m: u32,
  k: u32,
  n: u32,
  batch: u32,
  aRow: u32,
  aCol: u32,
  bRow: u32,
  bCol: u32,
  aBatch: u32,
  bBatch: u32,
  blocksM: u32,
  blocksN: u32,
  total: u32,
}
@group(0) @binding(3) var<uniform> params: Params;

fn put(live: bool, row: u32, col: u32, base: u32, v: f32) {
  if (live && row < params.m && col < params.n) {
    out[base + row * params.n + col] = v;
  }
}

//#include grid

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>{{LANE_BUILTIN}}) {
  let flat = flatIndex(gid, nwg, 64u);
  {{GUARD}}
  let blockN = flat % params.blocksN;
  let rest = flat / params.blocksN;
  // Lanes past the end (subgroup variant) compute a clamped copy of the last item's block.
  let item = min(rest / params.blocksM, params.batch - 1u);
  let row0 = (rest % params.blocksM) * {{TM}}u;
  let col0 = blockN * {{TN}}u;
  let lastRow = params.m - 1u;
  let lastCol = params.n - 1u;
  let aBase = item * params.aBatch;
  let bBase = item * params.bBatch;
  {{OFFSETS}}
  {{DECLARE}}
  var ak = 0u;
  var bk = 0u;
  for (var p = 0u; p < params.k; p += {{STEPS}}u) {
    {{LOOP}}
    ak += {{A_STEP}};
    bk += {{B_STEP}};
  }
  let outBase = item * params.m * params.n;
  {{STORE}}
}

//#fragment lane_builtin
, @builtin(subgroup_invocation_id) subgroupLane: u32

//#fragment guard
if (flat >= params.total) { return; }
let live = true;

//#fragment guard_subgroups
let live = flat < params.total;
let lane = subgroupLane % 4u;
let quad = subgroupLane & ~3u;

//#fragment accumulator
var c{{r}}_{{w}} = vec4<f32>();

//#fragment mac
c{{r}}_{{w}} = fma(vec4<f32>({{a}}), {{b}}, c{{r}}_{{w}});

//#fragment put
put(live, row0 + {{r}}u, col0 + {{j}}u, outBase, {{value}});

//#fragment a_offset_scalar
let ar{{r}} = aBase + min(row0 + {{r}}u, lastRow) * params.aRow;

//#fragment a_offset_shuffle
let ar{{q}} = aBase + min(row0 + lane + {{row}}u, lastRow) * params.aRow;

//#fragment a_offset_k4
let ar{{r}} = (aBase + min(row0 + {{r}}u, lastRow) * params.aRow) / 4u;

//#fragment a_offset_mn4
let ar{{q}} = (aBase + min(row0 + {{row}}u, params.m - 4u)) / 4u;

//#fragment a_load_scalar
let a{{r}}_{{kk}} = a[ar{{r}} + {{index}}];

//#fragment a_load_own
let own{{q}}_{{kk}} = a[ar{{q}} + {{index}}];

//#fragment a_load_shuffle
let a{{r}}_{{kk}} = subgroupShuffle(own{{q}}_{{kk}}, quad + {{lane}}u);

//#fragment a_load_k4
let a{{r}} = a[ar{{r}} + ak];

//#fragment a_load_mn4
let a{{q}}_{{kk}} = a[ar{{q}} + {{index}}];

//#fragment a_index
ak + {{kk}}u * params.aCol

//#fragment a_index_vec4
ak + {{kk}}u * (params.aCol / 4u)

//#fragment a_step
{{steps}}u * params.aCol

//#fragment a_step_vec4
{{steps}}u * (params.aCol / 4u)

//#fragment b_offset_scalar
let bc{{j}} = bBase + min(col0 + {{j}}u, lastCol) * params.bCol;

//#fragment b_offset_mn4
let bc{{w}} = (bBase + min(col0 + {{col}}u, params.n - 4u)) / 4u;

//#fragment b_offset_k4
let bc{{j}} = (bBase + min(col0 + {{j}}u, lastCol) * params.bCol) / 4u;

//#fragment b_load_scalar
let b{{w}}_{{kk}} = vec4<f32>(b[bc{{j0}} + {{index}}], b[bc{{j1}} + {{index}}], b[bc{{j2}} + {{index}}], b[bc{{j3}} + {{index}}]);

//#fragment b_load_mn4
let b{{w}}_{{kk}} = b[bc{{w}} + {{index}}];

//#fragment b_load_k4
let bj{{j}} = b[bc{{j}} + bk];

//#fragment b_value_k4
vec4<f32>(bj{{j0}}.{{l}}, bj{{j1}}.{{l}}, bj{{j2}}.{{l}}, bj{{j3}}.{{l}})

//#fragment b_index
bk + {{kk}}u * params.bRow

//#fragment b_index_vec4
bk + {{kk}}u * (params.bRow / 4u)

//#fragment b_step
{{steps}}u * params.bRow

//#fragment b_step_vec4
{{steps}}u * (params.bRow / 4u)
