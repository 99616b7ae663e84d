// Elementwise arithmetic of two tensors with PyTorch broadcasting: out[i] = a[ia] OP b[ib]
// (OP override: 0 add, 1 sub, 2 mul, 3 div). The output index i is unravelled over the output
// shape; ia and ib follow from the inputs' broadcast strides (0 along a stretched dimension),
// so broadcasting never materialises a copy. When CONTIGUOUS is set both inputs have the
// output's shape and ia = ib = i.
// Shapes arrive with adjacent dimensions merged where both inputs allow it (rank <= 8).
// Each invocation owns one output element out[i]. Launch: n invocations in workgroups of 256,
// folded into up to three grid dimensions; the flat index is rebuilt and guarded.

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
struct Params {
  n: u32,
  rank: u32,
  shape: array<vec4<u32>, 2>,
  aStrides: array<vec4<u32>, 2>,
  bStrides: array<vec4<u32>, 2>,
}
@group(0) @binding(3) var<uniform> params: Params;

override OP: u32 = 0u;
override CONTIGUOUS: bool = false;

fn apply(x: f32, y: f32) -> f32 {
  switch OP {
    case 0u: { return x + y; }
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    default: { return x / y; }
  }
}

//#include grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg, 256u);
  if (i >= params.n) { return; }
  if (CONTIGUOUS) {
    out[i] = apply(a[i], b[i]);
    return;
  }
  var rest = i;
  var ia = 0u;
  var ib = 0u;
  // Innermost dimension first.
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let size = params.shape[d / 4][d % 4];
    let coord = rest % size;
    rest = rest / size;
    ia += coord * params.aStrides[d / 4][d % 4];
    ib += coord * params.bStrides[d / 4][d % 4];
  }
  out[i] = apply(a[ia], b[ib]);
}
