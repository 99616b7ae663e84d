// 2-D average pooling forward, PyTorch's torch.nn.functional.avg_pool2d with
// count_include_pad = True (its default) and no divisor override; floor or ceil mode (the host
// picks outH and outW; a ceil-mode window hanging past the padded input is clipped there).
//   x   [planes, H, W]          planes = N * C
//   out [planes, outH, outW]
// Each invocation owns one output element out[plane, oh, ow]: the sum of its window's
// in-bounds values divided by the window's size including the zero padding, where the window
// (rows oh*strideH - padH .. + kH-1, likewise columns) is first clipped to the padded input
// [-pad, size + pad), as PyTorch does.
// Launch: planes*outH*outW invocations in workgroups of 256, folded into up to three grid
// dimensions.

struct Params {
  total: u32,     // planes * outH * outW
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

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

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
  let plane = i / (u.outW * u.outH);

  let hStart = oh * u.strideH - u.padH;
  let wStart = ow * u.strideW - u.padW;
  let hEnd = min(hStart + u.kH, u.inH + u.padH);
  let wEnd = min(wStart + u.kW, u.inW + u.padW);
  let divisor = f32((hEnd - hStart) * (wEnd - wStart));
  let h0 = max(hStart, 0);
  let w0 = max(wStart, 0);
  let h1 = min(hEnd, u.inH);
  let w1 = min(wEnd, u.inW);
  let base = plane * u.inH * u.inW;

  var acc = 0.0;
  for (var ih = h0; ih < h1; ih++) {
    for (var iw = w0; iw < w1; iw++) {
      acc += x[base + ih * u.inW + iw];
    }
  }
  out[flat] = acc / divisor;
}
