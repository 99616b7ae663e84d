// Gradient of conv2d with respect to its weight.
//   gradOut    [N, Cout, outH, outW]
//   x          [N, Cin, H, W]
//   gradWeight [Cout, Cin/groups, kH, kW]
// Each weight element gradWeight[co, ci, kh, kw] is the sum over all N*outH*outW output
// positions of
//   gradOut[n, co, oh, ow] * x[n, g*(Cin/groups) + ci, oh*strideH - padH + kh*dilH, ow*strideW - padW + kw*dilW]
// (g = co / (Cout/groups); padding taps add nothing). No float atomics: a team of
// THREADS_PER_WEIGHT neighbouring threads owns one weight element. Each thread strides over the
// positions (neighbouring threads read neighbouring ow, so loads coalesce), then the team
// combines its partial sums with a shared-memory tree. The host picks the team size from the
// reduction length: the Chambon network's first conv has only 400 weights but 128*6002
// positions each (teams of 256, one workgroup per weight), while a small batch has few
// positions and many weights (small teams, many weights per workgroup).
// Launch: ceil(numWeights / (256 / THREADS_PER_WEIGHT)) workgroups of 256, folded into up to
// three grid dimensions.

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
/** A power of two from 1 to WG. */
override THREADS_PER_WEIGHT: u32 = 256u;

@group(0) @binding(0) var<storage, read> gradOut: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> gradWeight: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

var<workgroup> partial: array<f32, WG>;

//#include grid

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let group = flatIndex(wid, nwg, 1u);
  let lane = lid % THREADS_PER_WEIGHT;
  let weightIndex = group * (WG / THREADS_PER_WEIGHT) + lid / THREADS_PER_WEIGHT;

  var acc = 0.0;
  // Threads past the last weight still reach the barriers below, with nothing to add.
  if (weightIndex < u.numWeights) {
    let w = i32(weightIndex);
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
    for (var p = i32(lane); p < positions; p += i32(THREADS_PER_WEIGHT)) {
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
  }
  partial[lid] = acc;
  workgroupBarrier();
  // Tree within each team: lane i adds lane i + stride of the same team.
  for (var stride = THREADS_PER_WEIGHT / 2u; stride > 0u; stride = stride / 2u) {
    if (lane < stride) {
      partial[lid] += partial[lid + stride];
    }
    workgroupBarrier();
  }
  if (lane == 0u && weightIndex < u.numWeights) {
    gradWeight[weightIndex] = partial[lid];
  }
}
