/** Subjects and nights from Sleep-EDF file names (SC4ssN...: subject ss, night N). */

export interface SleepEdfName {
  /** First 6 characters, shared by a PSG and its hypnogram (SC4001E0-PSG / SC4001EC-Hypnogram). */
  key: string;
  subject: number;
  night: number;
}

export function parseSleepEdfName(file: string): SleepEdfName | null {
  const base = file.replace(/^.*[\\/]/, '');
  const m = /^(S[CT][4-7](\d\d)(\d))/i.exec(base);
  return m ? { key: m[1].toUpperCase(), subject: Number(m[2]), night: Number(m[3]) } : null;
}

/** Parses "0-2, 5" into [0, 1, 2, 5]; throws with `what` in the message on bad text. */
export function parseNumberList(text: string, what: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) throw new Error(`${what}: '${part}' is not a number or a range like 0-9`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new Error(`${what}: range '${part}' runs backwards`);
    for (let i = lo; i <= hi; i++) if (!out.includes(i)) out.push(i);
  }
  return out;
}

/** [0,1,2,5] -> "0-2, 5". */
export function formatNumberList(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
