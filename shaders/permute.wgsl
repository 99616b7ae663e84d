// Copy with dimensions reordered: out[i] = x[src(i)], where i is unravelled over the output
// shape and src adds up, per output dimension d, coord_d times the input stride of the input
// dimension that becomes output dimension d (rank <= 8 after merging adjacent dimensions that
// stay adjacent).
// Each invocation owns one output element out[i]. Launch: n invocations in workgroups of 256,
// folded into up to three grid dimensions; the flat index is rebuilt and guarded.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
struct Params {
  n: u32,
  rank: u32,
  shape: array<vec4<u32>, 2>,
  srcStrides: array<vec4<u32>, 2>,
}
@group(0) @binding(2) var<uniform> params: Params;

//#include grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg, 256u);
  if (i >= params.n) { return; }
  var rest = i;
  var src = 0u;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let size = params.shape[d / 4][d % 4];
    src += (rest % size) * params.srcStrides[d / 4][d % 4];
    rest = rest / size;
  }
  out[i] = x[src];
}
