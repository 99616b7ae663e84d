// 2-D convolution forward, PyTorch's torch.nn.functional.conv2d (a cross-correlation: the
// kernel is not flipped).
//   x      [N, Cin, H, W]
//   weight [Cout, Cin/groups, kH, kW]
//   bias   [Cout], read only when u.hasBias == 1 (otherwise any buffer is bound in its place)
//   out    [N, Cout, outH, outW]
// Each invocation owns one output element out[n, co, oh, ow] and computes
//   bias[co] + sum over ci < Cin/groups, kh < kH, kw < kW of
//     weight[co, ci, kh, kw] * x[n, g*(Cin/groups) + ci, oh*strideH - padH + kh*dilH, ow*strideW - padW + kw*dilW]
// where g = co / (Cout/groups) is co's group; taps that land in the zero padding add nothing.
// Launch: N*Cout*outH*outW invocations in workgroups of 256, folded into up to three grid
// dimensions (65,535 workgroups per dimension at most); the flat id is rebuilt below.

struct Params {
  total: u32,     // N * Cout * outH * outW
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
  hasBias: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> weight: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

//#include grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let flat = flatIndex(gid, nwg, 256u);
  if (flat >= u.total) {
    return;
  }
  let i = i32(flat);
  let ow = i % u.outW;
  let oh = (i / u.outW) % u.outH;
  let co = (i / (u.outW * u.outH)) % u.outC;
  let n = i / (u.outW * u.outH * u.outC);

  let cinG = u.inC / u.groups;
  let g = co / (u.outC / u.groups);
  let ih0 = oh * u.strideH - u.padH;
  let iw0 = ow * u.strideW - u.padW;

  var acc = 0.0;
  for (var ci = 0; ci < cinG; ci++) {
    let xPlane = (n * u.inC + g * cinG + ci) * u.inH;
    let wPlane = (co * cinG + ci) * u.kH;
    for (var kh = 0; kh < u.kH; kh++) {
      let ih = ih0 + kh * u.dilH;
      if (ih < 0 || ih >= u.inH) {
        continue;
      }
      let xRow = (xPlane + ih) * u.inW;
      let wRow = (wPlane + kh) * u.kW;
      for (var kw = 0; kw < u.kW; kw++) {
        let iw = iw0 + kw * u.dilW;
        if (iw >= 0 && iw < u.inW) {
          acc += x[xRow + iw] * weight[wRow + kw];
        }
      }
    }
  }
  if (u.hasBias != 0u) {
    acc += bias[co];
  }
  out[flat] = acc;
}
