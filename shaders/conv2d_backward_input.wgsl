// Gradient of conv2d with respect to its input (a transposed convolution), as a gather: no
// atomics, every input element is written by exactly one invocation.
//   gradOut   [N, Cout, outH, outW]
//   weight    [Cout, Cin/groups, kH, kW]
//   gradInput [N, Cin, H, W]
// Each invocation owns one input element gradInput[n, ci, ih, iw] and sums
//   gradOut[n, co, oh, ow] * weight[co, ci - g*(Cin/groups), kh, kw]
// over the output positions whose window used it: oh*strideH - padH + kh*dilH == ih and
// ow*strideW - padW + kw*dilW == iw, for every co of ci's group g = ci / (Cin/groups).
// Launch: N*Cin*H*W invocations in workgroups of 256, folded into up to three grid dimensions.

struct Params {
  total: u32,     // N * Cin * H * W
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

@group(0) @binding(0) var<storage, read> gradOut: array<f32>;
@group(0) @binding(1) var<storage, read> weight: array<f32>;
@group(0) @binding(2) var<storage, read_write> gradInput: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

//#include grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let flat = flatIndex(gid, nwg, 256u);
  if (flat >= u.total) {
    return;
  }
  let i = i32(flat);
  let iw = i % u.inW;
  let ih = (i / u.inW) % u.inH;
  let ci = (i / (u.inW * u.inH)) % u.inC;
  let n = i / (u.inW * u.inH * u.inC);

  let cinG = u.inC / u.groups;
  let coutG = u.outC / u.groups;
  let g = ci / cinG;
  let ciInGroup = ci - g * cinG;
  let outPlane = u.outH * u.outW;
  let wChannelStride = cinG * u.kH * u.kW;

  var acc = 0.0;
  for (var kh = 0; kh < u.kH; kh++) {
    // th = oh * strideH for the output row whose tap kh reads row ih; it only shrinks with kh.
    let th = ih + u.padH - kh * u.dilH;
    if (th < 0) {
      break;
    }
    if (th % u.strideH != 0) {
      continue;
    }
    let oh = th / u.strideH;
    if (oh >= u.outH) {
      continue;
    }
    for (var kw = 0; kw < u.kW; kw++) {
      let tw = iw + u.padW - kw * u.dilW;
      if (tw < 0) {
        break;
      }
      if (tw % u.strideW != 0) {
        continue;
      }
      let ow = tw / u.strideW;
      if (ow >= u.outW) {
        continue;
      }
      var gIdx = (n * u.outC + g * coutG) * outPlane + oh * u.outW + ow;
      var wIdx = ((g * coutG) * cinG + ciInGroup) * u.kH * u.kW + kh * u.kW + kw;
      for (var c = 0; c < coutG; c++) {
        acc += gradOut[gIdx] * weight[wIdx];
        gIdx += outPlane;
        wIdx += wChannelStride;
      }
    }
  }
  gradInput[flat] = acc;
}
