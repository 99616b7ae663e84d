// Table lookup, for per-sample class weights: out[i] = table[index[i]], index holding class ids
// stored as floats. An index that is not an integer in [0, tableLength) yields NaN.
// Each invocation owns one output element out[i]. Launch: n invocations in workgroups of 256,
// folded into up to three grid dimensions, guarded.

@group(0) @binding(0) var<storage, read> table: array<f32>;
@group(0) @binding(1) var<storage, read> index: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
struct Params { n: u32, tableLength: u32, nan: f32 }
@group(0) @binding(3) var<uniform> params: Params;

//#include grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg, 256u);
  if (i >= params.n) { return; }
  let t = index[i];
  if (t >= 0.0 && t < f32(params.tableLength) && t == floor(t)) {
    out[i] = table[u32(t)];
  } else {
    out[i] = params.nan;
  }
}
