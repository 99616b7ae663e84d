/**
 * One seeded generator for everything random in hypnograd: weight init, shuffling, dropout.
 * xoshiro128** (32-bit arithmetic, so the same stream in every JS engine), seeded through
 * splitmix32. Its whole state is four uint32s, so a checkpoint can store and restore it.
 */
export type GeneratorState = [number, number, number, number];

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

export class Generator {
  private s: Uint32Array = new Uint32Array(4);

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  manualSeed(seed: number): this {
    const next = splitmix32(seed);
    for (let i = 0; i < 4; i++) this.s[i] = next();
    return this;
  }

  /** A uniformly distributed uint32. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** Standard normal (Box-Muller; one draw per call keeps the stream simple to reason about). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n). */
  randint(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** A random permutation of 0..n-1 (Fisher-Yates), like torch.randperm. */
  randperm(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.randint(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  getState(): GeneratorState {
    return [this.s[0], this.s[1], this.s[2], this.s[3]];
  }

  setState(state: GeneratorState): void {
    this.s.set(state);
  }
}

const defaultGen = new Generator(0);

/** The process-wide generator, as torch's default generator. */
export function defaultGenerator(): Generator {
  return defaultGen;
}

/** Seeds the default generator (torch.manual_seed). */
export function manualSeed(seed: number): void {
  defaultGen.manualSeed(seed);
}

/**
 * Counter-based hash used for dropout masks: element i of a mask drawn with `seed` keeps its
 * value when hash(seed, i) / 2^32 >= p. Written with 32-bit multiplies only, so the WGSL kernel
 * computes bit-identical masks and the CPU and WebGPU backends agree.
 */
export function hashUint32(seed: number, index: number): number {
  let x = (Math.imul(index >>> 0, 0x9e3779b9) ^ (seed >>> 0)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}
