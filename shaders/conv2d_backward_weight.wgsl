// Gradient of conv2d with respect to its weight.
//   gradOut    [N, Cout, outH, outW]
//   x          [N, Cin, H, W]
//   gradWeight [Cout, Cin/groups, kH, kW]
// One workgroup owns one weight element gradWeight[co, ci, kh, kw] and reduces
//   gradOut[n, co, oh, ow] * x[n, g*(Cin/groups) + ci, oh*strideH - padH + kh*dilH, ow*strideW - padW + kw*dilW]
// over all N*outH*outW output positions (g = co / (Cout/groups); padding taps add nothing).
// The reduction is long (N=128, outH*outW=6002 for the Chambon network) and there are few
// weights, so its 256 threads each stride over the positions (neighbouring threads read
// neighbouring ow, so the loads coalesce) and then combine their partial sums with a
// shared-memory tree. No float atomics are needed.
// Launch: one workgroup per weight element, folded into up to three grid dimensions.

struct Params {
  numWeights: u32,  // Cout * Cin/groups * kH * kW
  batch: i32,
  inC: i32,
  inH: i32,
  inW: i32,
  outC: i32,
  kH: i32,
  kW: i32,
  strideH: i32,
  strideW: i32,
  padH: i32,
  padW: i32,
  dilH: i32,
  dilW: i32,
  groups: i32,
  outH: i32,
  outW: i32,
}

const WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> gradOut: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> gradWeight: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  // Uniform across the workgroup, so the early return keeps the barriers below legal.
  let flat = wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y;
  if (flat >= u.numWeights) {
    return;
  }
  let w = i32(flat);
  let kw = w % u.kW;
  let kh = (w / u.kW) % u.kH;
  let cinG = u.inC / u.groups;
  let ci = (w / (u.kW * u.kH)) % cinG;
  let co = w / (u.kW * u.kH * cinG);
  let g = co / (u.outC / u.groups);
  let c = g * cinG + ci;
  let hOff = kh * u.dilH - u.padH;
  let wOff = kw * u.dilW - u.padW;

  let outPlane = u.outH * u.outW;
  let positions = u.batch * outPlane;
  var acc = 0.0;
  for (var p = i32(lid); p < positions; p += i32(WG)) {
    let n = p / outPlane;
    let rem = p - n * outPlane;
    let oh = rem / u.outW;
    let ow = rem - oh * u.outW;
    let ih = oh * u.strideH + hOff;
    let iw = ow * u.strideW + wOff;
    if (ih >= 0 && ih < u.inH && iw >= 0 && iw < u.inW) {
      acc += gradOut[(n * u.outC + co) * outPlane + rem] * x[((n * u.inC + c) * u.inH + ih) * u.inW + iw];
    }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      partial[lid] += partial[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    gradWeight[flat] = partial[0];
  }
}
