/** One piece of agent text: plain text, or a control/invisible character shown as a visible marker. */
export type InertSegment = { kind: 'text'; text: string } | { kind: 'ctrl'; text: string; title: string };

// Everything but tab and newline that is not plain visible text: controls (C0, DEL, C1), every format
// character (bidi embeddings, overrides, isolates and marks: Trojan Source; zero-width characters; musical,
// shorthand and hieroglyph format controls), every default-ignorable code point (variation selectors, Hangul
// fillers, tag characters: invisible ASCII smuggling), unassigned code points (a font may draw them as
// nothing), lone surrogates, line/paragraph separators, and spaces other than U+0020 and the braille blank:
// they look like a space but the shell reads them as part of a word, and a wall of them pushes what follows
// out of view. The set is Unicode's properties, not a hand list: a list missed U+1D173 and U+FFF0.
const SPECIAL =
  /(?![\t\n ])[\p{Cc}\p{Cf}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\p{Zs}\p{Default_Ignorable_Code_Point}\u2800]/gu;

const NAMED: Record<string, string> = {
  '\u001b': 'escape (ANSI sequence)',
  '\r': 'carriage return',
  '\u0000': 'NUL',
  '\u0007': 'bell',
  '\u0008': 'backspace',
  '\u202a': 'left-to-right embedding',
  '\u202b': 'right-to-left embedding',
  '\u202c': 'pop directional formatting',
  '\u202d': 'left-to-right override',
  '\u202e': 'right-to-left override',
  '\u2066': 'left-to-right isolate',
  '\u2067': 'right-to-left isolate',
  '\u2068': 'first strong isolate',
  '\u2069': 'pop directional isolate',
  '\u200b': 'zero width space',
  '\u200c': 'zero width non-joiner',
  '\u200d': 'zero width joiner',
  '\u200e': 'left-to-right mark',
  '\u200f': 'right-to-left mark',
  '\ufeff': 'byte order mark',
  '\u00a0': 'no-break space',
};

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');

/** The visible marker for one special character: `\x1b`, `\r`, `U+202E`. */
export function markerFor(ch: string): string {
  if (ch === '\r') return '\\r';
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || cp === 0x7f) return `\\x${hex(cp, 2).toLowerCase()}`;
  return `U+${hex(cp, 4)}`;
}

/**
 * Splits attacker-controlled text into plain runs and visible markers for every control, bidi and
 * invisible character. Rendered as text (never HTML), the result shows exactly what the agent sent and
 * cannot reorder, hide or colour anything.
 */
export function inertSegments(text: string): InertSegment[] {
  const out: InertSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(SPECIAL)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ kind: 'text', text: text.slice(last, at) });
    const ch = m[0];
    const marker = markerFor(ch);
    out.push({ kind: 'ctrl', text: marker, title: NAMED[ch] ?? `invisible or control character ${marker}` });
    last = at + ch.length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** The same text as one string with markers in place (titles, copy, plain contexts such as `title=`). */
export function inertString(text: string): string {
  return inertSegments(text)
    .map((s) => s.text)
    .join('');
}

/** Whether the text holds anything `inertSegments` would mark (worth a warning badge). */
export function hasHiddenCharacters(text: string): boolean {
  SPECIAL.lastIndex = 0;
  const found = SPECIAL.test(text);
  SPECIAL.lastIndex = 0;
  return found;
}
