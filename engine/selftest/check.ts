/**
 * Result records for the WebGPU self-tests. Suites return checks rather than throwing, so the
 * app's gradient-check panel can show every comparison and the test harness can assert on all.
 */
export interface Check {
  name: string;
  ok: boolean;
  /** What was compared and the worst deviation found. */
  detail: string;
}

/**
 * Compares float arrays elementwise: |a - e| <= atol + rtol |e| everywhere (NaN only where
 * expected). Reports the worst ratio err / (atol + rtol |e|), <= 1 when within tolerance.
 */
export function compareArrays(name: string, actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): Check {
  if (actual.length !== expected.length) return { name, ok: false, detail: `length ${actual.length}, expected ${expected.length}` };
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    const err = Math.abs(a - e);
    const ratio = Number.isNaN(err) ? Infinity : err / (atol + rtol * Math.abs(e));
    if (ratio > worst) {
      worst = ratio;
      at = i;
    }
  }
  const ok = worst <= 1;
  const where = at >= 0 && actual.length ? ` (element ${at}: ${actual[at]} vs ${expected[at]})` : '';
  return { name, ok, detail: `worst err/(atol+rtol|ref|) = ${worst.toExponential(2)} at rtol ${rtol}, atol ${atol}${where}` };
}

export function expectTrue(name: string, ok: boolean, detail: string): Check {
  return { name, ok, detail };
}

/** Turns a thrown error into a failed check, so one broken case does not hide the rest. */
export async function guarded(name: string, fn: () => Promise<Check[]>): Promise<Check[]> {
  try {
    return await fn();
  } catch (err) {
    return [{ name, ok: false, detail: `threw: ${(err as Error).stack ?? String(err)}` }];
  }
}
