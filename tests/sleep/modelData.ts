/**
 * Deterministic inputs and labels for the Chambon model fixtures, computed identically by
 * tests/fixtures/scripts/make_torch_chambon.py: a 32-bit integer hash, values with 24 random
 * bits (exact in float32 and float64), so the fixtures need not store any input array.
 */
import { hashUint32 } from '../../engine/random.ts';

/** The same hash as the engine's dropout masks; the Python script writes it out too. */
export const hash32 = hashUint32;

export function labels(seed: number, n: number, nClasses: number): number[] {
  return Array.from({ length: n }, (_, i) => hash32(seed, i) % nClasses);
}

/** [n, nChannels, nTimes] noise whose amplitude grows with the class; channel c scaled by 1 / (1 + c). */
export function windows(seed: number, labelArr: readonly number[], nChannels: number, nTimes: number): Float64Array {
  const out = new Float64Array(labelArr.length * nChannels * nTimes);
  for (let w = 0; w < labelArr.length; w++) {
    for (let c = 0; c < nChannels; c++) {
      const amp = (0.5 + 0.25 * labelArr[w]) * (1 / (1 + c));
      const base = (w * nChannels + c) * nTimes;
      for (let t = 0; t < nTimes; t++) {
        const u = (hash32(seed, base + t) >>> 8) / 16777216 - 0.5;
        out[base + t] = u * 4 * amp;
      }
    }
  }
  return out;
}
