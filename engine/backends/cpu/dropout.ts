/** CPU dropout mask from the counter-based hash the WGSL kernel uses too, so both agree bit for bit. */
import type { Storage } from '../../backend.ts';
import { hashUint32 } from '../../random.ts';

export function dropoutMask(length: number, p: number, seed: number): Storage {
  const out = new Float64Array(length);
  // p = 1 drops everything; the threshold below cannot express that (a hash of 2^32-1 would survive with scale 1/0).
  if (p >= 1) return out;
  const scale = 1 / (1 - p);
  // Compare in uint32 space so float32 on the GPU makes exactly the same decision.
  const threshold = Math.min(Math.floor(p * 4294967296), 4294967295);
  for (let i = 0; i < length; i++) out[i] = hashUint32(seed, i) >= threshold ? scale : 0;
  return out;
}
