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
// no branches. The host generates the unrolled statements ({{...}}) per block size and per way
// of reading each operand (OperandRead in engine/backends/webgpu/matmul.ts):
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

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>{{LANE_BUILTIN}}) {
  let rowLen = nwg.x * 64u;
  let flat = gid.x + gid.y * rowLen + gid.z * rowLen * nwg.y;
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
