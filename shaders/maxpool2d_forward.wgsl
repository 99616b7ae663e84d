// 2-D max pooling forward, PyTorch's torch.nn.functional.max_pool2d without dilation, floor or
// ceil mode (the host picks outH and outW; a window hanging past the input is clipped).
//   x      [planes, H, W]          planes = N * C
//   out    [planes, outH, outW]
//   argmax [planes, outH, outW]    flat index ih * W + iw of the winner within its input plane,
//                                  stored as a float (exact up to 2^24)
// Each invocation owns one output element out[plane, oh, ow] and scans its window
// rows oh*strideH - padH .. + kH-1, columns ow*strideW - padW .. + kW-1, in row-major order.
// Padding counts as -infinity, so it never wins; ties keep the first index in scan order; a NaN
// wins (the last NaN in scan order, as PyTorch's `val > max || isnan(val)`), where the GPU
// compiler keeps NaN semantics at all. If every value is -inf the first in-bounds element is
// reported.
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
@group(0) @binding(2) var<storage, read_write> argmax: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

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
  let h0 = max(hStart, 0);
  let w0 = max(wStart, 0);
  let h1 = min(hStart + u.kH, u.inH);
  let w1 = min(wStart + u.kW, u.inW);
  let base = plane * u.inH * u.inW;

  // Starting from the first in-bounds element is what PyTorch's scan from -inf reaches after
  // one step, and needs no infinite constant (WGSL rejects those).
  var bestIdx = h0 * u.inW + w0;
  var best = x[base + bestIdx];
  for (var ih = h0; ih < h1; ih++) {
    for (var iw = w0; iw < w1; iw++) {
      let idx = ih * u.inW + iw;
      let v = x[base + idx];
      if (v > best || v != v) {
        best = v;
        bestIdx = idx;
      }
    }
  }
  out[flat] = best;
  argmax[flat] = f32(bestIdx);
}
