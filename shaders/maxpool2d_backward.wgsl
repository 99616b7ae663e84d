// Gradient of max pooling, as a gather: no atomics, every input element is written by exactly
// one invocation.
//   gradOut   [planes, outH, outW]
//   argmax    [planes, outH, outW]   winner's flat index ih * W + iw in its plane, as float
//   gradInput [planes, H, W]
// Each invocation owns one input element gradInput[plane, ih, iw] and sums gradOut over the
// output windows that contain (ih, iw) and whose argmax is (ih, iw). With overlapping windows
// (stride < kernel) one element can win several windows and collects all their gradients.
// Launch: planes*H*W invocations in workgroups of 256, folded into up to three grid dimensions.

struct Params {
  total: u32,     // planes * H * W
  inH: i32,
  inW: i32,
  kH: i32,
  kW: i32,
  strideH: i32,
  strideW: i32,
  padH: i32,
  padW: i32,
  outH: i32,
  outW: i32,
}

@group(0) @binding(0) var<storage, read> gradOut: array<f32>;
@group(0) @binding(1) var<storage, read> argmax: array<f32>;
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
  let plane = i / (u.inW * u.inH);
  let selfIdx = f32(ih * u.inW + iw);

  // Windows oh with oh*strideH - padH <= ih < oh*strideH - padH + kH.
  let ph = ih + u.padH;
  let pw = iw + u.padW;
  let ohStart = select((ph - u.kH) / u.strideH + 1, 0, ph < u.kH);
  let ohEnd = min(ph / u.strideH + 1, u.outH);
  let owStart = select((pw - u.kW) / u.strideW + 1, 0, pw < u.kW);
  let owEnd = min(pw / u.strideW + 1, u.outW);

  let outBase = plane * u.outH * u.outW;
  var acc = 0.0;
  for (var oh = ohStart; oh < ohEnd; oh++) {
    for (var ow = owStart; ow < owEnd; ow++) {
      let o = outBase + oh * u.outW + ow;
      if (argmax[o] == selfIdx) {
        acc += gradOut[o];
      }
    }
  }
  gradInput[flat] = acc;
}
