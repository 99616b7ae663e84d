// Batched matrix product out[b] = A[b] @ B[b], with A [m, k] and B [k, n] read through strides
// so a transposed operand costs nothing: A[i, p] = a[b * aBatch + i * aRow + p * aCol],
// B[p, j] = b[b * bBatch + p * bRow + j * bCol] (aBatch = 0 broadcasts a batch of one).
// Tiled: a 16 x 16 workgroup owns one 16 x 16 tile of out[b]; each invocation owns one output
// element out[b, row, col]. The k dimension is walked 16 at a time: the workgroup stages a
// tile of A and a tile of B in workgroup memory (one element per invocation), synchronises,
// and every invocation accumulates its dot-product slice from there, so each global value is
// read once per tile instead of once per output.
// Launch: batch * tilesM * tilesN workgroups, folded into up to three grid dimensions; the flat
// workgroup index is rebuilt and guarded (it is uniform across the workgroup, as barriers need).

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
  tilesM: u32,
  tilesN: u32,
}
@group(0) @binding(3) var<uniform> params: Params;

const TILE: u32 = 16u;
var<workgroup> tileA: array<array<f32, 16>, 16>;
var<workgroup> tileB: array<array<f32, 16>, 16>;

@compute @workgroup_size(16, 16)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let w = wid.x + (wid.y + wid.z * nwg.y) * nwg.x;
  let tilesPerItem = params.tilesM * params.tilesN;
  if (w >= tilesPerItem * params.batch) { return; }
  let item = w / tilesPerItem;
  let t = w % tilesPerItem;
  let row = (t / params.tilesN) * TILE + lid.y;
  let col = (t % params.tilesN) * TILE + lid.x;
  let aBase = item * params.aBatch;
  let bBase = item * params.bBatch;
  var acc = 0.0;
  for (var k0 = 0u; k0 < params.k; k0 += TILE) {
    // This invocation stages A[row, k0 + lid.x] and B[k0 + lid.y, col] (0 past the edges).
    let ak = k0 + lid.x;
    var av = 0.0;
    if (row < params.m && ak < params.k) {
      av = a[aBase + row * params.aRow + ak * params.aCol];
    }
    tileA[lid.y][lid.x] = av;
    let bk = k0 + lid.y;
    var bv = 0.0;
    if (bk < params.k && col < params.n) {
      bv = b[bBase + bk * params.bRow + col * params.bCol];
    }
    tileB[lid.y][lid.x] = bv;
    workgroupBarrier();
    for (var q = 0u; q < TILE; q++) {
      acc += tileA[lid.y][q] * tileB[q][lid.x];
    }
    workgroupBarrier();
  }
  if (row < params.m && col < params.n) {
    out[item * params.m * params.n + row * params.n + col] = acc;
  }
}
