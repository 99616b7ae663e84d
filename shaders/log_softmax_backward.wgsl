// Backward of log-softmax along the middle axis of [outer, dim, inner], given its output y:
//   out[o, c, i] = grad[o, c, i] - exp(y[o, c, i]) * (sum over c' of grad[o, c', i])
// Each invocation owns one row (o, i): all `dim` outputs out[o, :, i]. Launch: outer * inner
// invocations in workgroups of 256, folded into up to three grid dimensions, guarded.

@group(0) @binding(0) var<storage, read> grad: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
struct Params { rows: u32, dim: u32, inner: u32 }
@group(0) @binding(3) var<uniform> params: Params;

//#include grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = flatIndex(gid, nwg, 256u);
  if (row >= params.rows) { return; }
  let o = row / params.inner;
  let i = row % params.inner;
  let base = o * params.dim * params.inner + i;
  var s = 0.0;
  for (var c = 0u; c < params.dim; c++) {
    s += grad[base + c * params.inner];
  }
  for (var c = 0u; c < params.dim; c++) {
    let k = base + c * params.inner;
    out[k] = grad[k] - exp(y[k]) * s;
  }
}
