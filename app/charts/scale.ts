/** Axis scales and "nice" ticks for the chart helpers. */

export interface Scale {
  (v: number): number;
  ticks: number[];
  format: (v: number) => string;
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  return (r >= 5 ? 10 : r >= 2 ? 5 : r >= 1 ? 2 : 1) * mag;
}

export function linearScale(lo: number, hi: number, from: number, to: number, tickCount = 5): Scale {
  if (!(hi > lo)) hi = lo + 1;
  const step = niceStep(hi - lo, tickCount);
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  const f = ((v: number) => from + ((v - lo) / (hi - lo)) * (to - from)) as Scale;
  f.ticks = ticks;
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  f.format = (v) => v.toFixed(Math.min(digits, 4));
  return f;
}

export function logScale(lo: number, hi: number, from: number, to: number): Scale {
  lo = Math.max(lo, 1e-30);
  if (!(hi > lo)) hi = lo * 10;
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const f = ((v: number) => from + ((Math.log10(Math.max(v, 10 ** a)) - a) / (b - a || 1)) * (to - from)) as Scale;
  const every = Math.max(1, Math.ceil((b - a) / 6));
  f.ticks = [];
  for (let e = a; e <= b; e += every) f.ticks.push(10 ** e);
  f.format = (v) => {
    const e = Math.round(Math.log10(v));
    return e >= -2 && e <= 3 ? String(Number(v.toPrecision(3))) : `1e${e}`;
  };
  return f;
}

/** Extent of finite values (positive only when `positive`). */
export function extent(values: Iterable<number>, positive = false): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (positive && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}
