// Batched matrix product out[b] = A[b] @ B[b] for a few outputs, with the strided operands of
// matmul_blocked.wgsl: A[i, p] = a[b * aBatch + i * aRow + p * aCol], B[p, j] = b[b * bBatch +
// p * bRow + j * bCol] (a transposed operand costs nothing; a batch stride 0 broadcasts). Each
// invocation owns one output element and walks k alone, so a handful of outputs still spreads
// over as many invocations as it can, and the kernel needs no compile per operand layout.
// Launch: batch * m * n invocations in workgroups of 64, folded into up to three grid
// dimensions.

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
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
}
@group(0) @binding(3) var<uniform> params: Params;

//#include grid

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let flat = flatIndex(gid, nwg, 64u);
  if (flat >= params.batch * params.m * params.n) {
    return;
  }
  let col = flat % params.n;
  let row = (flat / params.n) % params.m;
  let item = flat / (params.n * params.m);
  var ai = item * params.aBatch + row * params.aRow;
  var bi = item * params.bBatch + col * params.bCol;
  var acc = 0.0;
  for (var p = 0u; p < params.k; p++) {
    acc += a[ai] * b[bi];
    ai += params.aCol;
    bi += params.bRow;
  }
  out[flat] = acc;
}
