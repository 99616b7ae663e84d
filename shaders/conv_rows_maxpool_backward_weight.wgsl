// Gradient of the fused row convolution + ReLU + max pool (conv2dReluMaxPool2d, forward in
// conv_rows_forward.wgsl's pool variant) with respect to the weight and the bias, from the pooled
// gradient. A window passes its gradient to its winner only, and the ReLU only where the pooled
// value is positive (the forward marks the other windows' winner -1), so with a the winner's
// position in its row and g' = gradOut where a >= 0, else 0:
//   partial[chunk, o, i, k] = sum over rows in the chunk, windows w of g'[n, o, r, w] * x[n, i, r, a + k - pad]
//   partial[chunk, numWeights + o] = sum of g'[n, o, r, w]   (the bias; tiles with i = 0, k0 = 0)
// one product per window instead of one per convolution output (a twelfth, for Chambon's pool
// of 12). The winner moves with the window, so the inputs are loaded per window (no sliding
// reuse as in conv_rows_backward_weight.wgsl), and loads are what costs: each group of 4
// consecutive invocations shares (o, i, chunk) and covers 4 * J consecutive taps with the lanes
// interleaved (lane l owns taps k0 + 4j + l, j < J, J accumulators), so the 4 lanes load 4
// adjacent inputs and need the same gradient and winner. sum_leading.wgsl then sums the chunks.
// Padding taps read 0; taps past K are computed and not stored. The host (convRowsPool.ts)
// picks J and repeats the fragments at the end of this file once per tap. This is the kernel for devices without subgroups; with them,
// conv_rows_maxpool_backward_weight_shared.wgsl loads each input once for all output channels.
//   gradOut, argmax [N, outC, R, pooledW]   argmax = r * outW + a as a float, or -1
//   x [N, inC, R, inW];  partial [chunks, outC * inC * K + outC]
// Launch: chunks * inC * outC * kGroups * 4 invocations in workgroups of 64 (kGroups =
// ceil(K / (4 * J))), the lane fastest, then the tap group, folded into up to three grid dimensions.

struct Params {
  total: u32,
  rows: i32,         // R
  inW: i32,
  outW: i32,         // the convolution's output length (argmax's row stride)
  inC: i32,
  outC: i32,
  taps: i32,         // K
  pad: i32,
  allRows: i32,      // N * R
  rowsPerChunk: i32,
  kGroups: i32,
  pooledW: i32,
  numWeights: i32,   // outC * inC * K
}

@group(0) @binding(0) var<storage, read> gradOut: array<f32>;
@group(0) @binding(1) var<storage, read> argmax: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> partial: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

const J: i32 = {{J}};

//#include row_input

//#include grid

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let flat = flatIndex(gid, nwg, 64u);
  if (flat >= u.total) {
    return;
  }
  let id = i32(flat);
  let lane = id % 4;
  let group = id / 4;
  let kq = group % u.kGroups;
  let o = (group / u.kGroups) % u.outC;
  let i = (group / (u.kGroups * u.outC)) % u.inC;
  let chunk = group / (u.kGroups * u.outC * u.inC);
  let k0 = kq * 4 * J + lane;
  {{DECLARE}}
  var gb = 0.0;
  let first = chunk * u.rowsPerChunk;
  let last = min(first + u.rowsPerChunk, u.allRows);
  for (var row = first; row < last; row++) {
    let n = row / u.rows;
    let r = row - n * u.rows;
    let gRow = ((n * u.outC + o) * u.rows + r) * u.pooledW;
    let xRow = ((n * u.inC + i) * u.rows + r) * u.inW;
    let rowStart = r * u.outW;
    for (var w = 0; w < u.pooledW; w++) {
      let at = argmax[gRow + w];
      let g = select(0.0, gradOut[gRow + w], at >= 0.0);
      let s = i32(at) - rowStart + k0 - u.pad;
      {{MACS}}
      gb += g;
    }
  }
  let stride = u.numWeights + u.outC;
  let base = chunk * stride + (o * u.inC + i) * u.taps;
  {{STORE}}
  if (i == 0 && kq == 0 && lane == 0) {
    partial[chunk * stride + u.numWeights + o] = gb;
  }
}

fn put(base: i32, k: i32, v: f32) {
  if (k < u.taps) {
    partial[base + k] = v;
  }
}

//#fragment accumulator
var a{{k}} = 0.0;

//#fragment mac
a{{k}} = fma(g, xAt(xRow, s + {{offset}}), a{{k}});

//#fragment put
put(base, k0 + {{offset}}, a{{k}});
