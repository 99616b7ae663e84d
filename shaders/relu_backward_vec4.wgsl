// ReLU backward four elements at a time: out[i] = grad[i] where x[i] > 0, else 0 (0 at x = 0,
// as PyTorch), for tensors whose length is a multiple of 4 (the host checks). Why a vec4
// variant of unary_backward.wgsl: one 16-byte load per operand instead of four scalar ones and a
// quarter of the invocations; on a software GPU each scalar load is a per-lane gather.
// Launch: n / 4 invocations in workgroups of 256, folded into up to three grid dimensions.

@group(0) @binding(0) var<storage, read> grad: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4<f32>>;
struct Params { n4: u32 }
@group(0) @binding(3) var<uniform> params: Params;

//#include grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg, 256u);
  if (i >= params.n4) { return; }
  out[i] = select(vec4<f32>(), grad[i], x[i] > vec4<f32>());
}
