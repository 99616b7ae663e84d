// Gradient of the fused row convolution + ReLU + max pool with respect to the weight and the bias
// (as conv_rows_maxpool_backward_weight.wgsl computes it), the subgroup variant that loads each
// input once for all output channels. Loads are what cost here (on a software GPU one costs
// about a dozen multiply-adds), and every output channel's winner of window w lies in the same
// POOL positions, so the inputs all of them need, x[w * POOL - pad + k0 ... + 4 * J + POOL - 2]
// for the taps k0 .. k0 + 4J - 1, form one region of R * 4 values. Each group of 4 lanes loads
// it once per window (lane l holds region[4m + l], m < R), and for output channel o with winner
// offset d = a - w * POOL (the same on all 4 lanes) lane l's tap k0 + 4j + l needs region[d + 4j + l]:
// lane (d + l) % 4's register j + (d + l) / 4, handed over by subgroupShuffle. The source lane
// picks that register among E + 1 neighbours (select), since its receiver's offset decides it.
// Each group covers OB output channels and 4 * J taps of one input channel: OB * J accumulators
// per lane. The gradients and winners of the OB channels are loaded once per window too (lane l
// loads channels l and l + 4) and shuffled round. Windows that pass no gradient have winner -1.
//   gradOut, argmax [N, outC, R, pooledW]   argmax = r * outW + a as a float, or -1
//   x [N, inC, R, inW];  partial [chunks, outC * inC * K + outC]   (weights, then bias)
// Launch: chunks * inC * oBlocks * kGroups * 4 invocations in workgroups of 64, the lane
// fastest, then the tap group, then the channel block. The host (convRowsPool.ts) picks J, OB,
// R and POOL and repeats the fragments at the end of this file.

//#include subgroups

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
  oBlocks: i32,
}

@group(0) @binding(0) var<storage, read> gradOut: array<f32>;
@group(0) @binding(1) var<storage, read> argmax: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> partial: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

const J: i32 = {{J}};
const OB: i32 = {{OB}};
const POOL: i32 = {{POOL}};

//#include row_input

fn put(base: i32, o: i32, k: i32, v: f32) {
  if (o < u.outC && k < u.taps) {
    partial[base + o * u.inC * u.taps + k] = v;
  }
}

//#include grid

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(subgroup_invocation_id) subgroupLane: u32) {
  let flat = flatIndex(gid, nwg, 64u);
  if (flat >= u.total) {
    return;
  }
  let id = i32(flat);
  let lane = id % 4;
  let quad = subgroupLane & ~3u;
  let group = id / 4;
  let kq = group % u.kGroups;
  let ob = (group / u.kGroups) % u.oBlocks;
  let i = (group / (u.kGroups * u.oBlocks)) % u.inC;
  let chunk = group / (u.kGroups * u.oBlocks * u.inC);
  let k0 = kq * 4 * J;
  let o0 = ob * OB;
  let oA = o0 + lane;
  let oB = o0 + lane + 4;
  {{DECLARE}}
  let first = chunk * u.rowsPerChunk;
  let last = min(first + u.rowsPerChunk, u.allRows);
  for (var row = first; row < last; row++) {
    let n = row / u.rows;
    let r = row - n * u.rows;
    let xRow = ((n * u.inC + i) * u.rows + r) * u.inW;
    let rowStart = r * u.outW;
    let gRowA = ((n * u.outC + min(oA, u.outC - 1)) * u.rows + r) * u.pooledW;
    let gRowB = ((n * u.outC + min(oB, u.outC - 1)) * u.rows + r) * u.pooledW;
    for (var w = 0; w < u.pooledW; w++) {
      let rb = w * POOL - u.pad + k0 + lane;
      {{REGION}}
      let atA = argmax[gRowA + w];
      let gA = select(0.0, gradOut[gRowA + w], atA >= 0.0 && oA < u.outC);
      let dA = clamp(i32(atA) - rowStart - w * POOL, 0, POOL - 1);
      let atB = argmax[gRowB + w];
      let gB = select(0.0, gradOut[gRowB + w], atB >= 0.0 && oB < u.outC);
      let dB = clamp(i32(atB) - rowStart - w * POOL, 0, POOL - 1);
      {{CHANNELS}}
    }
  }
  let base = chunk * (u.numWeights + u.outC) + i * u.taps;
  {{STORE}}
  if (i == 0 && kq == 0 && lane == 0) {
    {{STORE_BIAS}}
  }
}

//#fragment accumulator
var a{{c}}_{{k}} = 0.0;

//#fragment bias_accumulator
var gb{{c}} = 0.0;

//#fragment region
let x{{m}} = xAt(xRow, rb + {{offset}});

//#fragment channel
{
  let g = subgroupShuffle(g{{from}}, quad + {{lane}}u);
  let d = subgroupShuffle(d{{from}}, quad + {{lane}}u);
  let src = quad + u32((d + lane) & 3);
  let e = (d + ((lane - d) & 3)) >> 2u;
  {{MACS}}
  gb{{c}} += g;
}

//#fragment mac
a{{c}}_{{k}} = fma(g, subgroupShuffle({{region}}, src), a{{c}}_{{k}});

//#fragment pick
select({{value}}, x{{m}}, e == {{t}})

//#fragment put
put(base, o0 + {{c}}, k0 + lane + {{offset}}, a{{c}}_{{k}});

//#fragment put_bias
if (o0 + {{c}} < u.outC) { partial[chunk * (u.numWeights + u.outC) + u.numWeights + o0 + {{c}}] = gb{{c}}; }
