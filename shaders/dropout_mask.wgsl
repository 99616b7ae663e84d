// Inverted-dropout mask: out[i] = scale (= 1 / (1 - p)) where hash(seed, i) >= threshold, else
// 0, with threshold = floor(p * 2^32) computed on the host. The hash is engine/random.ts's
// hashUint32 in 32-bit unsigned arithmetic (WGSL u32 multiplication wraps like Math.imul), and
// the keep test compares integers, so the mask is bit-identical to the CPU backend's.
// Each invocation owns one output element out[i]. Launch: n invocations in workgroups of 256,
// folded into up to three grid dimensions, guarded.

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
struct Params { n: u32, seed: u32, threshold: u32, scale: f32 }
@group(0) @binding(1) var<uniform> params: Params;

fn hashUint32(seed: u32, index: u32) -> u32 {
  var x = (index * 0x9e3779b9u) ^ seed;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

//#include grid

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg, 256u);
  if (i >= params.n) { return; }
  out[i] = select(0.0, params.scale, hashUint32(params.seed, i) >= params.threshold);
}
