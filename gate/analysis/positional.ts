/**
 * `sh -c SCRIPT NAME ARG…` runs SCRIPT with `$0` = NAME and `$1…` = ARG…: the words after the script are its
 * positional parameters (`find -exec sh -c 'cat "$1"' _ {} \;` hands each file found as `$1`). Bound here as
 * text before the script is analysed, so what the script does with them is judged on the real values.
 * Inside single quotes nothing is expanded, as in the shell; a value is escaped for the double quotes it
 * lands in (or wrapped in some when it stands bare). `for f; do` loops over them as `for f in "$@"; do`.
 */
export function bindPositional(script: string, params: readonly string[]): string {
  if (params.length === 0) return script;
  // `for f; do` (no `in`) loops over the positional parameters: spelled out, its list is bound below.
  script = script.replace(/\bfor\s+([A-Za-z_]\w*)(?:\s*;\s*|\s+)do\b/g, 'for $1 in "$@"; do');
  if (!script.includes('$')) return script;
  // A script that moves its parameters (`shift`, `set …`) or defines functions (whose `$1` are their own)
  // is analysed with the parameters unknown: bound as text, `set -- x "$0"; shift; eval "$1"` read as `eval ""`.
  if (/(?:^|[\s;&|(){}])(?:shift|set|function)(?=$|[\s;&|)])|\w\s*\(\s*\)/.test(script)) return script;
  const all = params.slice(1);
  let out = '';
  let quote: "'" | '"' | '' = '';
  for (let i = 0; i < script.length; i++) {
    const ch = script[i] as string;
    if (quote !== "'" && ch === '\\') {
      out += ch + (script[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === "'" && quote !== '"') quote = quote === "'" ? '' : "'";
    else if (ch === '"' && quote !== "'") quote = quote === '"' ? '' : '"';
    if (ch !== '$' || quote === "'") {
      out += ch;
      continue;
    }
    const m = /^\$(?:\{(\d+|[@*#])\}|(\d|[@*#]))/.exec(script.slice(i));
    if (!m) {
      out += ch;
      continue;
    }
    const name = (m[1] ?? m[2]) as string;
    let value: string;
    if (name === '#') value = String(all.length);
    else if (name === '@' || name === '*') value = all.join(' ');
    else value = params[Number(name)] ?? '';
    out += quote === '"' ? escapeInDoubleQuotes(value) : `"${escapeInDoubleQuotes(value)}"`;
    i += m[0].length - 1;
  }
  return out;
}

function escapeInDoubleQuotes(v: string): string {
  return v.replace(/["\\$`]/g, (c) => `\\${c}`);
}
