/**
 * Min/max envelope of a signal per pixel column: what a zoomed-out trace needs, whatever the
 * number of samples behind a pixel (an 8-h night at 100 Hz is 2.9 M samples per channel).
 */
export function columnEnvelope(x: Float32Array, start: number, samplesPerColumn: number, columns: number, out: Float32Array): void {
  for (let c = 0; c < columns; c++) {
    const a = Math.max(0, Math.floor(start + c * samplesPerColumn));
    const b = Math.min(x.length, Math.max(a + 1, Math.floor(start + (c + 1) * samplesPerColumn)));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = a; i < b; i++) {
      const v = x[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    out[2 * c] = lo;
    out[2 * c + 1] = hi;
  }
}

/** h:mm:ss of a time in seconds. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
