// Elementwise function of one tensor: out[i] = f(x[i]), with f picked by the OP override
// (0 neg, 1 exp, 2 log, 3 sqrt, 4 abs, 5 square, 6 reciprocal, 7 relu, 8 elu, 9 pow,
// 10 softplus) and alpha the ELU scale, the power's exponent or softplus's beta.
// softplus is log(1 + exp(beta * v)) / beta, and v where beta * v > 20 (PyTorch's threshold;
// there the two agree in float32, and exp would soon overflow).
// Each invocation owns one output element out[i]. Launch: n invocations in workgroups of 256,
// folded into up to three grid dimensions (65,535 workgroups per dimension at most); the flat
// index is rebuilt from the grid and guarded against the padding.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
struct Params { n: u32, alpha: f32, nan: f32 }
@group(0) @binding(2) var<uniform> params: Params;

override OP: u32 = 0u;

// PyTorch's pow for negative bases: defined for integer exponents, NaN otherwise.
// (WGSL's pow is only defined for a positive base. NaN comes from the host: a constant NaN
// is not a valid WGSL expression.)
fn signedPow(v: f32, e: f32) -> f32 {
  if (e == 0.0) { return 1.0; }
  let m = pow(abs(v), e);
  if (v >= 0.0) { return m; }
  if (e != floor(e)) { return params.nan; }
  let odd = (e * 0.5) != floor(e * 0.5);
  return select(m, -m, odd);
}

fn apply(v: f32, alpha: f32) -> f32 {
  switch OP {
    case 0u: { return -v; }
    case 1u: { return exp(v); }
    case 2u: { return log(v); }
    case 3u: { return sqrt(v); }
    case 4u: { return abs(v); }
    case 5u: { return v * v; }
    case 6u: { return 1.0 / v; }
    case 7u: { return select(0.0, v, v > 0.0); }
    case 8u: { return select(alpha * (exp(v) - 1.0), v, v > 0.0); }
    case 10u: { return select(log(1.0 + exp(alpha * v)) / alpha, v, alpha * v > 20.0); }
    default: { return signedPow(v, alpha); }
  }
}

//#include grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg, 256u);
  if (i >= params.n) { return; }
  out[i] = apply(x[i], params.alpha);
}
