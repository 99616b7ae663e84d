// One Adam / AdamW step in place, PyTorch 1.13's _single_tensor_adam(w) per element:
//   g = grad (negated when MAXIMIZE)
//   AdamW (DECOUPLED): param = param * (1 - lr * weightDecay); Adam: g = g + weightDecay * param
//   m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g^2
//   AMSGRAD: vMax = max(vMax, v), used in place of v below
//   param = param - stepSize * m / (sqrt(v) / sqrt(1 - beta2^t) + eps), stepSize = lr / (1 - beta1^t)
// The bias corrections are computed once on the host in float64. Without AMSGRAD the vMax
// binding is a placeholder, never read.
// Each invocation owns one parameter element param[i] (and m[i], v[i], vMax[i]). Launch: n
// invocations in workgroups of 256, folded into up to three grid dimensions, guarded.

@group(0) @binding(0) var<storage, read> grad: array<f32>;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read_write> expAvg: array<f32>;
@group(0) @binding(3) var<storage, read_write> expAvgSq: array<f32>;
@group(0) @binding(4) var<storage, read_write> maxExpAvgSq: array<f32>;
struct Params {
  n: u32,
  beta1: f32,
  beta2: f32,
  oneMinusBeta1: f32,
  oneMinusBeta2: f32,
  weightDecay: f32,
  decay: f32,
  stepSize: f32,
  biasCorrection2Sqrt: f32,
  eps: f32,
}
@group(0) @binding(5) var<uniform> params: Params;

override AMSGRAD: bool = false;
override MAXIMIZE: bool = false;
override DECOUPLED: bool = false;

//#include grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg, 256u);
  if (i >= params.n) { return; }
  var p = param[i];
  var g = select(grad[i], -grad[i], MAXIMIZE);
  if (DECOUPLED) {
    p = p * params.decay;
  } else if (params.weightDecay != 0.0) {
    g = g + params.weightDecay * p;
  }
  let m = expAvg[i] * params.beta1 + params.oneMinusBeta1 * g;
  let v = expAvgSq[i] * params.beta2 + params.oneMinusBeta2 * g * g;
  expAvg[i] = m;
  expAvgSq[i] = v;
  var second = v;
  if (AMSGRAD) {
    second = max(maxExpAvgSq[i], v);
    maxExpAvgSq[i] = second;
  }
  let denom = sqrt(second) / params.biasCorrection2Sqrt + params.eps;
  param[i] = p + -params.stepSize * (m / denom);
}
