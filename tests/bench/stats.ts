/** Order statistics for timing samples (linear interpolation between ranks, as numpy's default). */
export interface Spread {
  n: number;
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function spread(samplesMs: readonly number[]): Spread {
  const s = [...samplesMs].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    n: s.length,
    medianMs: round(quantile(s, 0.5)),
    p10Ms: round(quantile(s, 0.1)),
    p90Ms: round(quantile(s, 0.9)),
    minMs: round(s[0] ?? NaN),
    maxMs: round(s[s.length - 1] ?? NaN),
    meanMs: round(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)),
  };
}

/** The unrounded median (figures derived from it, such as GFLOP/s, are computed before rounding). */
export function median(samples: readonly number[]): number {
  return quantile([...samples].sort((a, b) => a - b), 0.5);
}
