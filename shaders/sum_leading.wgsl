// Sum over the leading axis of a column range: out[j] = sum over c < count of
// x[c * stride + offset + j], for j < n (x viewed as [count, stride]).
// Used to combine per-chunk partial sums (conv_rows_backward_weight.wgsl) in a fixed order.
// Each invocation owns one out[j]; neighbouring invocations read neighbouring elements.
// Launch: n invocations in workgroups of 64, folded into up to three grid dimensions.

struct Params {
  n: u32,
  count: u32,
  stride: u32,
  offset: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

//#include grid

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let j = flatIndex(gid, nwg, 64u);
  if (j >= u.n) {
    return;
  }
  var acc = 0.0;
  for (var c = 0u; c < u.count; c++) {
    acc += x[c * u.stride + u.offset + j];
  }
  out[j] = acc;
}
