// log-softmax along the middle axis of x viewed as [outer, dim, inner]:
//   out[o, c, i] = x[o, c, i] - (max + log(sum over c' of exp(x[o, c', i] - max)))
// with max the largest x[o, :, i] (the log-sum-exp trick keeps exp from overflowing).
// Each invocation owns one row (o, i): all `dim` outputs out[o, :, i]. Launch: outer * inner
// invocations in workgroups of 256, folded into up to three grid dimensions, guarded.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
struct Params { rows: u32, dim: u32, inner: u32 }
@group(0) @binding(2) var<uniform> params: Params;

//#include grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = flatIndex(gid, nwg, 256u);
  if (row >= params.rows) { return; }
  let o = row / params.inner;
  let i = row % params.inner;
  let base = o * params.dim * params.inner + i;
  var m = x[base];
  for (var c = 1u; c < params.dim; c++) {
    m = max(m, x[base + c * params.inner]);
  }
  var s = 0.0;
  for (var c = 0u; c < params.dim; c++) {
    s += exp(x[base + c * params.inner] - m);
  }
  let lse = m + log(s);
  for (var c = 0u; c < params.dim; c++) {
    out[base + c * params.inner] = x[base + c * params.inner] - lse;
  }
}
