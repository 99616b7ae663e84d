/** Minimal `--name value` / `--flag` parsing shared by the command-line entry points. */
export function parseArgs(argv: readonly string[], known: Record<string, 'value' | 'flag'>): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m || !(m[1] in known)) {
      throw new Error(`unknown argument '${arg}'; known: ${Object.keys(known).map((k) => `--${k}`).join(' ')}`);
    }
    const name = m[1];
    if (known[name] === 'flag') {
      out.set(name, 'true');
    } else if (m[2] !== undefined) {
      out.set(name, m[2]);
    } else {
      const value = argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      out.set(name, value);
    }
  }
  return out;
}
