/**
 * The synthetic batch every browser peer trains on: the same values in hypnograd and TF.js
 * (a seeded generator), 2 x 3000 samples per window, labels cycling through the 5 stages.
 * Timing does not depend on the values; sharing them keeps the two losses comparable in size.
 */
export const N_CHANNELS = 2;
export const N_TIMES = 3000;
export const N_CLASSES = 5;
/** Class weights of the tutorial's kind (rare N1 weighted up, common N2 down). */
export const CLASS_WEIGHTS = [0.72, 2.61, 0.39, 1.43, 1.08];
export const CHAMBON_PARAMETERS = 5227;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard-normal windows [batch, 2, 3000], row-major. */
export function syntheticWindows(batch: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(batch * N_CHANNELS * N_TIMES);
  for (let i = 0; i < out.length; i += 2) {
    const u = Math.max(rand(), 1e-12);
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * rand();
    out[i] = r * Math.cos(th);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(th);
  }
  return out;
}

export function syntheticLabels(batch: number): Int32Array {
  const y = new Int32Array(batch);
  for (let i = 0; i < batch; i++) y[i] = (i * 7 + 3) % N_CLASSES;
  return y;
}
