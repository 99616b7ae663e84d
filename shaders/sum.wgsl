// Sum over some axes: out[o] = sum over r of x[keptOffset(o) + reducedOffset(r)].
// The input's dimensions are split into kept ones (unravelling the output index o) and reduced
// ones (unravelling r < redCount), each with its input strides (rank <= 8 each, adjacent
// dimensions merged).
// Two entry points:
//   main:          one invocation owns one output element out[o] and loops over r (short sums).
//                  Launch: outCount invocations in workgroups of 256, grid-folded and guarded.
//   mainWorkgroup: one workgroup of 64 owns one output element out[o]; its invocations take
//                  every 64th r, then add their partial sums in a shared-memory tree (long sums,
//                  and better float32 accuracy). Launch: outCount workgroups, grid-folded.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
struct Params {
  outCount: u32,
  redCount: u32,
  keptRank: u32,
  redRank: u32,
  keptShape: array<vec4<u32>, 2>,
  keptStrides: array<vec4<u32>, 2>,
  redShape: array<vec4<u32>, 2>,
  redStrides: array<vec4<u32>, 2>,
}
@group(0) @binding(2) var<uniform> params: Params;

fn keptOffset(o: u32) -> u32 {
  var rest = o;
  var off = 0u;
  for (var d = i32(params.keptRank) - 1; d >= 0; d--) {
    let size = params.keptShape[d / 4][d % 4];
    off += (rest % size) * params.keptStrides[d / 4][d % 4];
    rest = rest / size;
  }
  return off;
}

fn reducedOffset(r: u32) -> u32 {
  var rest = r;
  var off = 0u;
  for (var d = i32(params.redRank) - 1; d >= 0; d--) {
    let size = params.redShape[d / 4][d % 4];
    off += (rest % size) * params.redStrides[d / 4][d % 4];
    rest = rest / size;
  }
  return off;
}

//#include grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = flatIndex(gid, nwg, 256u);
  if (o >= params.outCount) { return; }
  let base = keptOffset(o);
  var acc = 0.0;
  for (var r = 0u; r < params.redCount; r++) {
    acc += x[base + reducedOffset(r)];
  }
  out[o] = acc;
}

const WG: u32 = 64u;
var<workgroup> partial: array<f32, 64>;

@compute @workgroup_size(64)
fn mainWorkgroup(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let o = flatIndex(wid, nwg, 1u);
  if (o >= params.outCount) { return; }
  let base = keptOffset(o);
  var acc = 0.0;
  for (var r = lid.x; r < params.redCount; r += WG) {
    acc += x[base + reducedOffset(r)];
  }
  partial[lid.x] = acc;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (lid.x < stride) {
      partial[lid.x] += partial[lid.x + stride];
    }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    out[o] = partial[0];
  }
}
