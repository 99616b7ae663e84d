// Backward of gather_class: out is [n, c], zero except out[i, index[i]] = grad[i].
// An index that is not an integer in [0, c) puts NaN in the whole row (see gather_class.wgsl).
// Each invocation owns one output element out[i, j] (so the output needs no separate clear).
// Launch: n * c invocations in workgroups of 256, folded into up to three grid dimensions,
// guarded.

@group(0) @binding(0) var<storage, read> grad: array<f32>;
@group(0) @binding(1) var<storage, read> index: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
struct Params { n: u32, c: u32, nan: f32 }
@group(0) @binding(3) var<uniform> params: Params;

//#include grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let k = flatIndex(gid, nwg, 256u);
  if (k >= params.n * params.c) { return; }
  let i = k / params.c;
  let j = k % params.c;
  let t = index[i];
  if (t >= 0.0 && t < f32(params.c) && t == floor(t)) {
    out[k] = select(0.0, grad[i], u32(t) == j);
  } else {
    out[k] = params.nan;
  }
}
