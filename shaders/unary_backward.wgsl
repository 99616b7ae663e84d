// Backward of the activations whose derivative needs the forward input x:
//   OP 0 relu: out[i] = grad[i] where x[i] > 0, else 0 (0 at x = 0, as PyTorch)
//   OP 1 elu:  out[i] = grad[i] where x[i] > 0, else grad[i] * alpha * exp(x[i])
//   OP 2 softplus (alpha = beta): out[i] = grad[i] * sigmoid(beta * x[i]) = grad[i] * z / (z + 1)
//        with z = exp(beta * x[i]), and grad[i] where beta * x[i] > 20 (PyTorch's threshold)
// Each invocation owns one output element out[i]. Launch: n invocations in workgroups of 256,
// folded into up to three grid dimensions; the flat index is rebuilt and guarded.

@group(0) @binding(0) var<storage, read> grad: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
struct Params { n: u32, alpha: f32 }
@group(0) @binding(3) var<uniform> params: Params;

override OP: u32 = 0u;

//#include grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg, 256u);
  if (i >= params.n) { return; }
  let v = x[i];
  let g = grad[i];
  if (OP == 0u) {
    out[i] = select(0.0, g, v > 0.0);
  } else if (OP == 1u) {
    out[i] = select(g * params.alpha * exp(v), g, v > 0.0);
  } else {
    let z = exp(params.alpha * v);
    out[i] = select(g * z / (z + 1.0), g, params.alpha * v > 20.0);
  }
}
