/**
 * String values in JavaScript, Perl and Ruby code, as far as a token scan can tell them: literals with their
 * escapes and interpolations, concatenations, names set to a string earlier, lists. Not a parser: what it cannot
 * tell is a value known only at run time.
 */

export type CodeLanguage = 'js' | 'perl' | 'ruby';

/** A piece of a value: text as written, or a shell expansion that stands for what is known only at run time. */
export type Segment = { lit: string } | { shell: string };

/** Names set to a string earlier in the code (`const url = '…'`, `my $u = "…"`, `URL = '…'`). */
export type Names = Map<string, Segment[]>;

const UNKNOWN_VALUE: Segment = { shell: '$UNKNOWN' };
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' };
const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };

/** The environment variable or home directory an expression reads, as the shell writes it. */
function environmentOf(expr: string): string | undefined {
  const env =
    /^(?:process\.env\.(\w+)|process\.env\[\s*['"](\w+)['"]\s*\]|(?:Deno\.env\.get|ENV\.fetch)\(\s*['"](\w+)['"][^)]*\)|Bun\.env\.(\w+)|ENV\[\s*['"](\w+)['"]\s*\]|\$ENV\{\s*['"]?(\w+)['"]?\s*\})$/.exec(
      expr,
    );
  const name = env?.slice(1).find((g) => g !== undefined);
  if (name) return `\${${name}}`;
  if (/^(?:(?:os|require\(\s*['"](?:node:)?os['"]\s*\))\.)?homedir\(\)$|^Dir\.home$/.test(expr))
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, not a template
    return '${HOME}';
  return undefined;
}

/** What an expression inside a string or a concatenation stands for. */
function expand(expr: string, names: Names): Segment[] {
  const e = expr.trim();
  const env = environmentOf(e);
  if (env) return [{ shell: env }];
  const name = /^\$?\{?(\w+)\}?$/.exec(e)?.[1];
  return (name !== undefined && names.get(name)) || [UNKNOWN_VALUE];
}

/** The end (after the closing delimiter) of a balanced run opened at `i`, within a bound. */
function balancedEnd(code: string, i: number, open: string, close: string): number | undefined {
  let depth = 0;
  for (let j = i; j < code.length && j < i + 4096; j++) {
    const ch = code[j];
    if (ch === '\\') j++;
    else if (ch === open && open !== close) depth++;
    else if (ch === close && (open === close ? j > i : --depth === 0)) return j + 1;
  }
  return undefined;
}

/** An interpolation starting at `j` of a string that interpolates: its expression and where it ends. */
function interpolationAt(
  code: string,
  j: number,
  lang: CodeLanguage,
): { expr: string; end: number } | undefined {
  const open = lang === 'js' ? '${' : lang === 'ruby' ? '#{' : undefined;
  if (open !== undefined) {
    if (!code.startsWith(open, j)) return undefined;
    const end = balancedEnd(code, j + 1, '{', '}');
    return end === undefined ? undefined : { expr: code.slice(j + 2, end - 1), end };
  }
  const m = /^[$@](?:\{\w+\}|\w+(?:\{[^}\n]{0,64}\}|\[[^\]\n]{0,64}\])?)/.exec(code.slice(j, j + 160));
  return m ? { expr: m[0], end: j + m[0].length } : undefined;
}

/**
 * A string literal starting at `i`: quoted (`'…'`, `"…"`, backticks), or Perl's `q{…}`/`qq{…}`/`qx{…}` and
 * Ruby's `%(…)`/`%q{…}`/`%Q[…]`/`%x(…)`; its pieces and where it ends.
 */
export function literalAt(
  code: string,
  i: number,
  lang: CodeLanguage,
  names: Names,
): { segs: Segment[]; end: number } | undefined {
  let start = i;
  let close = code[i] ?? '';
  // Perl's and Ruby's backticks interpolate as their double quotes do.
  let interpolates = close === '`' || (close === '"' && lang !== 'js');
  let raw = close === "'" && lang !== 'js';
  if (close !== "'" && close !== '"' && close !== '`') {
    const m =
      lang === 'perl'
        ? /^(q[qx]?)\s*([^\w\s])/.exec(code.slice(i, i + 8))
        : lang === 'ruby'
          ? /^%([qQx]?)([([{<|!/])/.exec(code.slice(i, i + 4))
          : null;
    if (!m) return undefined;
    start = i + m[0].length - 1;
    const open = m[2] ?? '';
    close = PAIRS[open] ?? open;
    interpolates = m[1] !== 'q';
    raw = !interpolates;
  }
  const open = code[start] ?? '';
  const segs: Segment[] = [];
  let lit = '';
  let depth = 0;
  for (let j = start + 1; j < code.length && j < start + 4096; j++) {
    const ch = code[j] ?? '';
    if (ch === '\\') {
      const n = code[j + 1] ?? '';
      lit += raw && n !== close && n !== '\\' ? `\\${n}` : (ESCAPES[n] ?? n);
      j++;
    } else if (ch === close && depth === 0) {
      if (lit) segs.push({ lit });
      return { segs, end: j + 1 };
    } else if (interpolates && interpolationAt(code, j, lang)) {
      const at = interpolationAt(code, j, lang);
      if (!at) continue;
      if (lit) segs.push({ lit });
      lit = '';
      segs.push(...expand(at.expr, names));
      j = at.end - 1;
    } else if (ch === '\n' && lang === 'js' && close !== '`') {
      return undefined;
    } else {
      if (open !== close && ch === open) depth++;
      else if (open !== close && ch === close) depth--;
      lit += ch;
    }
  }
  return undefined;
}

/** `text` cut at `sep` where it stands outside quotes and brackets (at most 64 pieces). */
export function splitTop(text: string, sep: RegExp): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let from = 0;
  for (let j = 0; j < text.length && out.length < 64; j++) {
    const ch = text[j] ?? '';
    if (quote) {
      if (ch === '\\') j++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (depth === 0) {
      const m = sep.exec(text.slice(j, j + 8));
      if (m?.index === 0) {
        out.push(text.slice(from, j));
        from = j + m[0].length;
        j = from - 1;
      }
    }
  }
  out.push(text.slice(from));
  return out.map((p) => p.trim()).filter((p) => p !== '');
}

/** What a string expression stands for: literals and names joined by the language's concatenation. */
export function stringValue(expr: string, lang: CodeLanguage, names: Names): Segment[] {
  const parts = splitTop(expr, lang === 'perl' ? /^\s*\.(?!\.)\s*/ : /^\s*\+\s*/);
  if (parts.length === 0) return [UNKNOWN_VALUE];
  return parts.flatMap((p) => {
    const l = literalAt(p, 0, lang, names);
    return l && l.end === p.length ? l.segs : expand(p, names);
  });
}

/** The values of a list: `[a, b]`, Perl's `qw(a b)`, or plain comma-separated arguments. */
export function listValues(expr: string, lang: CodeLanguage, names: Names): Segment[][] {
  const e = expr.trim();
  const qw = /^qw\s*([^\w\s])([\s\S]*)$/.exec(e);
  if (qw && lang === 'perl') {
    const words = (qw[2] ?? '').slice(0, -1).split(/\s+/);
    return words.filter((w) => w !== '').map((w) => [{ lit: w }]);
  }
  const inner = /^\[([\s\S]*)\]$/.exec(e)?.[1] ?? e;
  return splitTop(inner, /^,/).map((p) =>
    p.startsWith('...') ? [UNKNOWN_VALUE] : stringValue(p, lang, names),
  );
}

/** Names set to a string: `const x = '…'`, `let`, `var`, Perl's `my $x = "…"`, Ruby's `x = '…'`. */
export function namesIn(code: string, lang: CodeLanguage): Names {
  const names: Names = new Map();
  const re =
    lang === 'js'
      ? /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*/g
      : lang === 'perl'
        ? /\b(?:my|our|local)\s+\$(\w+)\s*=\s*/g
        : /^[ \t]*([A-Za-z_]\w*)\s*=\s*(?!=)/gm;
  for (const m of code.matchAll(re)) {
    const name = m[1] ?? '';
    if (names.has(name) || names.size >= 256) continue;
    const at = (m.index ?? 0) + m[0].length;
    const l = literalAt(code, at, lang, names);
    if (l && /^\s*(?:[;,)\n]|$)/.test(code.slice(l.end, l.end + 2))) names.set(name, l.segs);
  }
  return names;
}

/** The text inside the parentheses opened at `i`, when they close within the bound. */
export function parenthesised(code: string, i: number): string | undefined {
  const end = balancedEnd(code, i, '(', ')');
  return end === undefined ? undefined : code.slice(i + 1, end - 1);
}

/**
 * Literals joined by `+` or `.`, and lists of literals joined (`'.cl' + 'aude'`, `['child', 'process'].join('_')`),
 * folded into one literal, so that a name put together is read as the name it makes.
 */
export function foldLiterals(code: string): string {
  let out = code;
  for (let round = 0; round < 8; round++) {
    const next = out
      .replace(/(['"])([^'"\\\n$#]*)\1\s*[+.]\s*(['"])([^'"\\\n$#]*)\3/g, (_m, _q, a, _r, b) => `'${a}${b}'`)
      .replace(
        /\[\s*((?:(['"])[^'"\\\n]*\2\s*,\s*)*(['"])[^'"\\\n]*\3)\s*,?\s*\]\s*\.join\(\s*(['"])([^'"\\\n]*)\4\s*\)/g,
        (_m, items: string, _a, _b, _c, sep: string) =>
          `'${[...items.matchAll(/(['"])([^'"\\\n]*)\1/g)].map((x) => x[2]).join(sep)}'`,
      );
    if (next === out) break;
    out = next;
  }
  return out;
}
