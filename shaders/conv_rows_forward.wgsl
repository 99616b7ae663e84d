// Row convolution: conv2d when every output row reads one input row (kH = 1, padH = 0,
// strideH = 1) or when the kernel spans the whole height (the host then folds H into the
// channels), with stride 1, dilation 1 and one group along the row. The same kernel computes
// the gradient with respect to the input, which is this correlation with the kernel flipped,
// in and out channels swapped and padding K - 1 - pad; the host passes the weight strides.
//   x      [N, inC, R, inW]      R rows per sample
//   weight read as weight[wBase + o * wOut + i * wIn + k * wTap]
//   out    [N, outC, R, outW]    out[n, o, r, t] = bias[o] + sum_i sum_k w(o, i, k) * x[n, i, r, t + k - pad]
// then ReLU when u.relu == 1. Padding taps read 0.
//
// Register blocking (why: a load is costly next to a multiply-add, on a GPU for bandwidth, on
// a software GPU because each one is a per-lane gather): one invocation computes COB output
// channels x TW = 4 * TV consecutive outputs. Over the taps k it keeps the TW inputs it needs
// in registers (vec4s) and slides them by one per tap, so each tap costs one input load and
// COB weight loads for COB * TW multiply-adds. The host (convRows.ts) picks COB and TV and
// repeats the statements written once each as fragments at the end of this file.
//
// With subgroups (the host's subgroup variant), the weights, which every invocation of a workgroup shares,
// are fetched four taps at a time: lane j of each subgroup loads tap k + j and
// subgroupBroadcast hands it to the others, a quarter of the weight loads. That needs uniform
// control flow (no early return: invocations past the end compute a copy and store nothing) and
// one output-channel block per workgroup (the grid's z). Subgroups have at least 4 lanes.
// Inputs are shared too, within each quad of lanes (the host pads the t-blocks of a row to a
// multiple of 4, so a quad holds 4 consecutive blocks of one row): the input a lane slides in
// next is its right neighbour's current first input (subgroupShuffle), and the quad's last lane
// gets its 4 from one load spread over the quad, a quarter of the input loads.
// Fused max pooling (the host's pool variant, for conv2dReluMaxPool2d): the row is cut into
// windows of POOL outputs with stride POOL, TW is a multiple of POOL, and instead of its TW
// outputs an invocation writes each window's max of (conv + bias) through the ReLU, and the
// window's winner as a flat index r * outW + t into the convolution's output plane (as a float,
// like maxpool2d_forward.wgsl: first max wins ties, a NaN wins). relu(max) = max(relu), and the
// winner of the ReLU'd window only matters where the max is positive, so this equals the three
// ops. Where it is not (0 or NaN), no gradient passes and the winner is written as -1, which
// saves the backward a load of the pooled value. Without a gradient to come (withArgmax = 0) the
// winners are not written. The full convolution output is never written.
//   pooled, argmax [N, outC, R, pooledW]
// Launch: N * R * ceil(outW / TW) invocations in workgroups of 64 (t-block fastest, folded into
// x and y) times ceil(outC / COB) in z.

{{ENABLE}}
struct Params {
  total: u32,
  rows: i32,      // R, rows per sample
  inW: i32,
  outW: i32,
  inC: i32,
  outC: i32,
  taps: i32,      // K
  pad: i32,
  wOut: i32,
  wIn: i32,
  wTap: i32,
  wBase: i32,
  oBlocks: i32,
  tBlocks: i32,
  hasBias: u32,
  relu: u32,
  pooledW: i32,   // windows per row (pool variant only)
  withArgmax: u32, // write the winners (pool variant; 0 when no gradient is wanted)
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> weight: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
{{OUTPUTS}}

const TW: i32 = {{TW}};
const COB: i32 = {{COB}};

//#include row_input

fn wAt(o: i32, i: i32, k: i32) -> f32 {
  let v = weight[u.wBase + min(o, u.outC - 1) * u.wOut + i * u.wIn + k * u.wTap];
  return select(0.0, v, o < u.outC);
}

fn put(live: bool, base: i32, o: i32, t: i32, b: f32, v: f32) {
  if (live && o < u.outC && t < u.outW) {
    var r = v + b;
    if (u.relu != 0u) {
      r = max(r, 0.0);
    }
    out[base + o * u.rows * u.outW + t] = r;
  }
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>{{BUILTINS}}) {
  let flat = gid.x + gid.y * nwg.x * 64u;
  let live = flat < u.total;
  let id = i32(min(flat, u.total - 1u));
  let tb = id % u.tBlocks;
  let ob = i32(wid.z);
  let row = id / u.tBlocks;
  let n = row / u.rows;
  let r = row - n * u.rows;
  let t0 = tb * TW;
  let o0 = ob * COB;
  let plane = u.rows * u.inW;
  {{DECLARE}}
  for (var i = 0; i < u.inC; i++) {
    let xRow = (n * u.inC + i) * plane + r * u.inW;
    let s = t0 - u.pad;
    {{WINDOW}}
    {{TAPS}}
  }
  {{STORE}}
}

//#fragment plain_outputs
@group(0) @binding(4) var<uniform> u: Params;

//#fragment pool_outputs
@group(0) @binding(4) var<storage, read_write> argmax: array<f32>;
@group(0) @binding(5) var<uniform> u: Params;

// relu(best) keeps a NaN (PyTorch's relu and max pool both propagate it); a window
// that passes no gradient (best not positive) gets winner -1.
fn putPool(live: bool, base: i32, o: i32, w: i32, best: f32, at: i32) {
  if (live && o < u.outC && w < u.pooledW) {
    let i = base + o * u.rows * u.pooledW + w;
    out[i] = select(best, 0.0, best <= 0.0);
    if (u.withArgmax != 0u) {
      argmax[i] = select(-1.0, f32(at), best > 0.0);
    }
  }
}

//#fragment lane_builtin
, @builtin(subgroup_invocation_id) subgroupLane: u32

//#fragment quad_lanes
let lane = i32(subgroupLane % 4u);
let quad = subgroupLane & ~3u;

//#fragment accumulator
var a{{c}}_{{v}} = vec4<f32>();

//#fragment window
var x{{v}} = vec4<f32>(xAt(xRow, s + {{t0}}), xAt(xRow, s + {{t1}}), xAt(xRow, s + {{t2}}), xAt(xRow, s + {{t3}}));

//#fragment slide
x{{v}} = vec4<f32>(x{{v}}.yzw, {{next}});

//#fragment tap_weight
let w{{c}} = {{value}};

//#fragment mac
a{{c}}_{{v}} = fma(vec4<f32>(w{{c}}), x{{v}}, a{{c}}_{{v}});

//#fragment taps
for (var k = 0; k < u.taps; k++) {
  {{MACS}}
  let next = xAt(xRow, s + k + TW);
  {{SLIDE}}
}

//#fragment taps_subgroups
// Taps past the kernel's end get weight 0 (wAt's guard on k), so the loop may round up to 4.
// Lane j loads tap k + j's weights; subgroupBroadcast hands tap k + j to every lane in step j.
// The input a lane slides in next is its right neighbour's current first one, and the quad's
// last lane takes its 4 from one load q spread over the quad.
for (var k = 0; k < u.taps; k += 4) {
  {{LOADS}}
  let q = xAt(xRow, s + (4 - lane) * TW + k + lane);
  {{STEPS}}
}

//#fragment lane_weight
let l{{c}} = select(0.0, wAt(o0 + {{c}}, i, min(k + lane, u.taps - 1)), k + lane < u.taps);

//#fragment tap_step
{
  {{MACS}}
  let next = select(subgroupShuffle(x0.x, subgroupLane + 1u), subgroupShuffle(q, quad + {{j}}u), lane == 3);
  {{SLIDE}}
}

//#fragment plain_store
let outBase = n * u.outC * u.rows * u.outW + r * u.outW;
{{STORES}}

//#fragment channel_bias
let b{{c}} = select(0.0, bias[min(o0 + {{c}}, u.outC - 1)], u.hasBias != 0u && o0 + {{c}} < u.outC);

//#fragment put
put(live, outBase, o0 + {{c}}, t0 + {{t}}, b{{c}}, {{acc}});

//#fragment pool_store
let poolBase = n * u.outC * u.rows * u.pooledW + r * u.pooledW;
let rowOffset = r * u.outW;
{{STORES}}

//#fragment pool_window
// Each window's max of (conv + bias), in order, so ties keep the first (as maxpool2d_forward).
{
  var best = {{first}} + b{{c}};
  var at = t0 + {{firstAt}};
  {{COMPARES}}
  putPool(live, poolBase, o0 + {{c}}, tb * {{windowsPerBlock}} + {{q}}, best, rowOffset + at);
}

//#fragment pool_compare
let v{{t}} = {{acc}} + b{{c}};
let w{{t}} = v{{t}} > best || v{{t}} != v{{t}};
best = select(best, v{{t}}, w{{t}});
at = select(at, t0 + {{t}}, w{{t}});
