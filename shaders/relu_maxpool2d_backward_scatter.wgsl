// Gradient of max pooling over a ReLU, back to the ReLU's input, when windows do not overlap
// (the fused conv2dReluMaxPool2d's input gradient runs the dense convolution gradient on it).
// Each window's gradient goes to its winner, and through the ReLU only where the pooled value
// (the ReLU of the winner) is positive: the fused forward marks the other windows' winner -1.
// Every other element stays 0 (the host zero-fills).
//   gradOut, argmax [planes, outH, outW]   argmax = flat index ih * W + iw (a float), or -1
//   gradInput       [planes, H, W]
// Each invocation owns one window: two loads and at most one store.
// Launch: planes * outH * outW invocations in workgroups of 64, folded into up to three grid
// dimensions.

struct Params {
  total: u32,     // planes * outH * outW
  outPlane: u32,  // outH * outW
  inPlane: u32,   // H * W
}

@group(0) @binding(0) var<storage, read> gradOut: array<f32>;
@group(0) @binding(1) var<storage, read> argmax: array<f32>;
@group(0) @binding(2) var<storage, read_write> gradInput: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let rowLen = nwg.x * 64u;
  let flat = gid.x + gid.y * rowLen + gid.z * rowLen * nwg.y;
  if (flat >= u.total) {
    return;
  }
  let at = argmax[flat];
  if (at >= 0.0) {
    gradInput[(flat / u.outPlane) * u.inPlane + u32(at)] = gradOut[flat];
  }
}
