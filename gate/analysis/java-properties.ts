/**
 * A Java .properties file (gradle.properties, gradle-wrapper.properties, maven-wrapper.properties) as Java reads
 * it: `key=value`, `key: value` or `key value`, a line ending in `\` continued on the next (its leading blanks
 * dropped), `#` and `!` comments, and the escapes (`\:`, `\=`, `\uXXXX`) read: `https\://x` is `https://x`.
 */

/** The most lines read: a file past them is read that far. */
const MAX_LINES = 4096;

const readEscapes = (s: string) =>
  s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) =>
    e.length === 5
      ? String.fromCharCode(Number.parseInt(e.slice(1), 16))
      : ({ t: '\t', n: '\n', r: '\r', f: '\f' }[e] ?? e),
  );

/** The properties of the text, the last of a key winning as in Java. */
export function readProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r?\n|\r/).slice(0, MAX_LINES);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // An odd number of backslashes at the end continues the line.
    while (/(?:^|[^\\])(?:\\\\)*\\$/.test(line) && i + 1 < lines.length)
      line = line.slice(0, -1) + (lines[++i] ?? '').replace(/^[ \t\f]+/, '');
    const m = /^((?:[^\\:=\s]|\\.)*)\s*[:=]?\s*(.*)$/s.exec(line);
    if (m) out.set(readEscapes(m[1] ?? ''), readEscapes(m[2] ?? ''));
  }
  return out;
}
