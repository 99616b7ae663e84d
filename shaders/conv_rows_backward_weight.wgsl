// Gradient of the row convolution (conv_rows_forward.wgsl) with respect to its weight, in two
// passes without atomics. Pass 1 (main): each invocation owns a tile of weights, COB output
// channels x one input channel i x KB = 4 * KV consecutive taps, and a chunk of rows, and
// writes the tile's partial sums over that chunk:
//   partial[chunk, o, i, k] = sum over rows r in the chunk, t < outW of
//     gradOut[n, o, r, t] * x[n, i, r, t + k - pad]
// Walking t, it keeps the KB inputs x[t + k0 .. t + k0 + KB - 1 - pad] in registers and slides
// them by one per step: one input load and COB gradient loads per COB * KB multiply-adds (the
// forward's blocking with the roles of t and k exchanged). The tiles with i = 0 and k0 = 0 also
// sum the gradient itself over the chunk: the bias's partial gradient, at no extra load.
// Pass 2 (sum_leading.wgsl) sums the chunks.
//
// With subgroups (the host's subgroup variant), the gradient values, which the invocations
// of a tile group share (same chunk, input channel and channel block; the tap block varies
// fastest and the host pads the tap blocks to a multiple of 4), are fetched four positions at a
// time: lane j of each aligned group of 4 lanes loads position t + j and subgroupShuffle hands it
// to the other three, a quarter of the gradient loads. Invocations past the end compute a copy
// and store nothing, so every lane reaches the shuffles.
//   gradOut [N, outC, R, outW];  x [N, inC, R, inW]
//   partial [chunks, outC * inC * K + outC]   (weights, then bias)
// Launch (main): chunks * inC * ceil(outC / COB) * ceil(K / KB) invocations in workgroups of 64,
// the tap block fastest, folded into up to three grid dimensions. The host (convRows.ts) picks
// COB and KV and repeats the statements written once each as fragments at the end of this file.

{{ENABLE}}
struct Params {
  total: u32,
  rows: i32,         // R, rows per sample
  inW: i32,
  outW: i32,
  inC: i32,
  outC: i32,
  taps: i32,         // K
  pad: i32,
  allRows: i32,      // N * R
  rowsPerChunk: i32,
  kBlocks: i32,
  oBlocks: i32,
  numWeights: i32,   // outC * inC * K
}

@group(0) @binding(0) var<storage, read> gradOut: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> partial: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

const KB: i32 = {{KB}};
const COB: i32 = {{COB}};

//#include row_input

fn gAt(row: i32, o: i32, t: i32) -> f32 {
  let v = gradOut[row + min(o, u.outC - 1) * u.rows * u.outW + min(t, u.outW - 1)];
  return select(0.0, v, o < u.outC && t < u.outW);
}

fn put(live: bool, base: i32, o: i32, i: i32, k: i32, v: f32) {
  if (live && o < u.outC && k < u.taps) {
    partial[base + (o * u.inC + i) * u.taps + k] = v;
  }
}

fn putBias(live: bool, base: i32, o: i32, v: f32) {
  if (live && o < u.outC) {
    partial[base + u.numWeights + o] = v;
  }
}

//#include grid

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>{{BUILTINS}}) {
  let flat = flatIndex(gid, nwg, 64u);
  let live = flat < u.total;
  let id = i32(min(flat, u.total - 1u));
  let kb = id % u.kBlocks;
  let ob = (id / u.kBlocks) % u.oBlocks;
  let i = (id / (u.kBlocks * u.oBlocks)) % u.inC;
  let chunk = id / (u.kBlocks * u.oBlocks * u.inC);
  let k0 = kb * KB;
  let o0 = ob * COB;
  let xPlane = u.rows * u.inW;
  let gPlane = u.rows * u.outW;
  {{DECLARE}}
  let rowEnd = min((chunk + 1) * u.rowsPerChunk, u.allRows);
  for (var row = chunk * u.rowsPerChunk; row < rowEnd; row++) {
    let n = row / u.rows;
    let r = row - n * u.rows;
    let xRow = (n * u.inC + i) * xPlane + r * u.inW;
    let gRow = n * u.outC * gPlane + r * u.outW;
    let s = k0 - u.pad;
    {{WINDOW}}
    {{POSITIONS}}
  }
  let base = chunk * (u.numWeights + u.outC);
  {{STORE}}
  if (i == 0 && kb == 0) {
    {{STORE_BIAS}}
  }
}

//#fragment lane_builtin
, @builtin(subgroup_invocation_id) subgroupLane: u32

//#fragment quad_lanes
let lane = i32(subgroupLane % 4u);
let quad = subgroupLane & ~3u;

//#fragment accumulator
var a{{c}}_{{v}} = vec4<f32>();

//#fragment bias_accumulator
var b{{c}} = 0.0;

//#fragment window
var x{{v}} = vec4<f32>(xAt(xRow, s + {{t0}}), xAt(xRow, s + {{t1}}), xAt(xRow, s + {{t2}}), xAt(xRow, s + {{t3}}));

//#fragment slide
x{{v}} = vec4<f32>(x{{v}}.yzw, {{next}});

//#fragment position_gradient
let g{{c}} = {{value}};

//#fragment mac
a{{c}}_{{v}} = fma(vec4<f32>(g{{c}}), x{{v}}, a{{c}}_{{v}});

//#fragment bias_sum
b{{c}} += g{{c}};

//#fragment positions
for (var t = 0; t < u.outW; t++) {
  {{MACS}}
  let next = xAt(xRow, s + t + KB);
  {{SLIDE}}
}

//#fragment positions_subgroups
// Positions past outW read gradient 0 (gAt's guard), so the loop may round up to 4. Lane j
// loads position t + j's gradients; subgroupShuffle hands them to the quad in step j.
for (var t = 0; t < u.outW; t += 4) {
  {{LOADS}}
  {{STEPS}}
}

//#fragment lane_gradient
let l{{c}} = gAt(gRow, o0 + {{c}}, t + lane);

//#fragment position_step
{
  {{MACS}}
  let next = xAt(xRow, s + t + {{j}} + KB);
  {{SLIDE}}
}

//#fragment put
put(live, base, o0 + {{c}}, i, k0 + {{k}}, {{acc}});

//#fragment put_bias
putBias(live, base, o0 + {{c}}, b{{c}});
