// One SGD step in place, PyTorch 1.13's _single_tensor_sgd per element:
//   d = grad (negated when MAXIMIZE) + weightDecay * param
//   with momentum: buf = d on the first step, else momentum * buf + (1 - dampening) * d;
//                  d = d + momentum * buf (NESTEROV) or buf
//   param = param - lr * d
// Without momentum (HAS_MOMENTUM false) the momentum binding is a placeholder, never read.
// Each invocation owns one parameter element param[i] (and buf[i]). Launch: n invocations in
// workgroups of 256, folded into up to three grid dimensions, guarded.

@group(0) @binding(0) var<storage, read> grad: array<f32>;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read_write> buf: array<f32>;
struct Params { n: u32, lr: f32, momentum: f32, dampeningKeep: f32, weightDecay: f32 }
@group(0) @binding(3) var<uniform> params: Params;

override HAS_MOMENTUM: bool = false;
override FIRST_STEP: bool = false;
override NESTEROV: bool = false;
override MAXIMIZE: bool = false;

//#include grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg, 256u);
  if (i >= params.n) { return; }
  let p = param[i];
  var d = select(grad[i], -grad[i], MAXIMIZE);
  if (params.weightDecay != 0.0) {
    d = d + params.weightDecay * p;
  }
  if (HAS_MOMENTUM) {
    var b = d;
    if (!FIRST_STEP) {
      b = buf[i] * params.momentum + params.dampeningKeep * d;
    }
    buf[i] = b;
    d = select(b, d + params.momentum * b, NESTEROV);
  }
  param[i] = p + -params.lr * d;
}
