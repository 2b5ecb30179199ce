/**
 * A git configuration file read as git reads it (git-config(1), "CONFIGURATION FILE"): `[section]`,
 * `[section "subsection"]` and the old `[section.subsection]`; `name = value` or a bare `name` (true); values
 * with double quotes, the escapes `\n \t \b \\ \"`, a backslash at the end of a line continuing it, and `#` or
 * `;` starting a comment outside quotes. Section and key names are case-insensitive (lowercased here), a
 * subsection is not. A line git would refuse makes the whole file unreadable (undefined): git then refuses the
 * file and runs nothing, and the gate cannot tell how a reader that differs from git would take it.
 */

export interface GitConfigEntry {
  /** `section[.subsection].name`, the section and name lowercased. */
  key: string;
  value: string;
}

const SECTION = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\\n]|\\.)*)")?\s*\]/;
const NAME = /^([A-Za-z][A-Za-z0-9-]*)\s*(=|$|[#;])/;

/** The value that starts at `text[at]`, and where the line after it starts; undefined for a bad value. */
function valueAt(text: string, at: number): { value: string; next: number } | undefined {
  let out = '';
  let quoted = false;
  let spaces = ''; // whitespace held back outside quotes: kept only when more of the value follows
  let started = false;
  for (let i = at; i <= text.length; i++) {
    const ch = text[i];
    if (ch === undefined || ch === '\n') {
      if (quoted) return undefined;
      return { value: out, next: i + 1 };
    }
    if (!quoted && (ch === '#' || ch === ';')) {
      const end = text.indexOf('\n', i);
      return { value: out, next: end < 0 ? text.length + 1 : end + 1 };
    }
    if (!quoted && (ch === ' ' || ch === '\t')) {
      if (started) spaces += ch;
      continue;
    }
    out += spaces;
    spaces = '';
    if (ch === '\\') {
      const e = text[++i];
      if (e === '\n') continue;
      const map: Record<string, string> = { n: '\n', t: '\t', b: '\b', '\\': '\\', '"': '"' };
      if (e === undefined || !(e in map)) return undefined;
      out += map[e];
      started = true;
      continue;
    }
    if (ch === '"') {
      quoted = !quoted;
      started = true;
      continue;
    }
    if (ch === '\r' && text[i + 1] === '\n') continue;
    out += ch;
    started = true;
  }
  return { value: out, next: text.length + 1 };
}

/** The entries of a config file, in order; undefined when git would refuse it (see above). */
export function parseGitConfig(text: string): GitConfigEntry[] | undefined {
  const out: GitConfigEntry[] = [];
  let section: string | undefined;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    while (i < text.length && /[ \t\r\n]/.test(text[i] as string)) i++;
    if (i >= text.length) break;
    const rest = text.slice(i, text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i));
    if (rest.startsWith('#') || rest.startsWith(';')) {
      i += rest.length + 1;
      continue;
    }
    if (rest.startsWith('[')) {
      const m = SECTION.exec(rest);
      if (!m) return undefined;
      const [name = '', ...old] = (m[1] as string).split('.');
      const sub =
        m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : old.length > 0 ? old.join('.') : undefined;
      if (m[2] !== undefined && old.length > 0) return undefined;
      section =
        sub === undefined
          ? name.toLowerCase()
          : `${name.toLowerCase()}.${m[2] !== undefined ? sub : sub.toLowerCase()}`;
      // A key may follow the header on the same line (`[core] pager = x`).
      i += m[0].length;
      continue;
    }
    const m = NAME.exec(rest);
    if (!m) return undefined;
    // Before any section git takes a name alone (a key no part of git reads).
    const name = (m[1] as string).toLowerCase();
    const key = section === undefined ? name : `${section}.${name}`;
    if (m[2] !== '=') {
      out.push({ key, value: 'true' });
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    const v = valueAt(text, i + m[0].length);
    if (!v) return undefined;
    out.push({ key, value: v.value });
    i = v.next;
  }
  return out;
}
