// Gradient of max pooling when windows do not overlap (stride >= kernel): every input element
// is in at most one window, so each window's gradient can be written straight to its winner,
// into a zero-filled gradInput, without atomics and without a gather over windows.
//   gradOut   [planes, outH, outW]
//   argmax    [planes, outH, outW]   flat index ih * W + iw of each window's winner (a float)
//   gradInput [planes, H, W]         zero-filled by the host; only winners are written
// A negative winner writes nothing: the fused conv + ReLU + max pool (conv_rows_forward.wgsl's
// pool variant) marks a window whose max is not positive, which the ReLU stops, with -1.
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

//#include grid

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let flat = flatIndex(gid, nwg, 64u);
  if (flat >= u.total) {
    return;
  }
  let at = argmax[flat];
  if (at >= 0.0) {
    gradInput[(flat / u.outPlane) * u.inPlane + u32(at)] = gradOut[flat];
  }
}
