// Picks one class score per sample (the heart of nll_loss): x is [n, c], index holds n class
// ids stored as floats, and out[i] = x[i, index[i]].
// A GPU kernel cannot throw, so an index that is not an integer in [0, c) yields NaN, which
// poisons the loss visibly instead of reading a neighbour's score.
// Each invocation owns one output element out[i]. Launch: n invocations in workgroups of 256,
// folded into up to three grid dimensions, guarded.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> index: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
struct Params { n: u32, c: u32, nan: f32 }
@group(0) @binding(3) var<uniform> params: Params;

//#include grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg, 256u);
  if (i >= params.n) { return; }
  let t = index[i];
  if (t >= 0.0 && t < f32(params.c) && t == floor(t)) {
    out[i] = x[i * params.c + u32(t)];
  } else {
    out[i] = params.nan;
  }
}
