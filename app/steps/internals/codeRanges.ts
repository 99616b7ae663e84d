/** Which lines of an op's source file to highlight for an autograd op. */

function enclosingFunction(lines: string[], at: number): [number, number] {
  let first = at;
  while (first > 0 && !/^(export )?(async )?function /.test(lines[first])) first--;
  // Keep the doc comment just above the function.
  while (first > 0 && /^( \*|\/\*\*|\/\/)/.test(lines[first - 1])) first--;
  let last = at;
  while (last < lines.length - 1 && lines[last] !== '}') last++;
  return [first, last];
}

/**
 * Line ranges [first, last] (0-based, inclusive) to highlight for the autograd op `op`: the
 * top-level function that records its node (`record('op', ...)`), or else the exported function
 * named `op` together with the helpers it calls that record a node (conv2d -> convCore, where
 * the op name is passed as a variable). Empty when nothing is found.
 */
export function functionRanges(source: string, op: string): [number, number][] {
  const lines = source.split('\n');
  const quoted = `'${op}'`;
  const direct = lines.findIndex((l, i) => l.includes(`record(${quoted}`) || (l.trim().startsWith(quoted) && /record\($/.test(lines[i - 1]?.trim() ?? '')));
  if (direct >= 0) return [enclosingFunction(lines, direct)];
  const named = lines.findIndex((l) => new RegExp(`^export (async )?function ${op}\\b`).test(l));
  if (named < 0) return [];
  const main = enclosingFunction(lines, named);
  const body = lines.slice(main[0], main[1] + 1).join('\n');
  const ranges: [number, number][] = [main];
  lines.forEach((l, i) => {
    const m = /^(?:export )?(?:async )?function (\w+)/.exec(l);
    if (!m || m[1] === op || !new RegExp(`\\b${m[1]}\\(`).test(body)) return;
    const r = enclosingFunction(lines, i);
    if (lines.slice(r[0], r[1] + 1).some((x) => x.includes('record('))) ranges.push(r);
  });
  return ranges.sort((a, b) => a[0] - b[0]);
}
