/**
 * Text safe to show in a CSV cell or a PDF: control characters (tab and line breaks included) become visible
 * escapes (an agent-written command cannot move the cursor, hide text or break a row), and a leading
 * = + - @ is quoted so a spreadsheet never evaluates it as a formula. That guards the cell's start only: a
 * `;` inside it is a field boundary in some spreadsheet locales, so the CSV writer (`csvCell`) quotes any
 * cell holding one.
 */
/**
 * A cell a spreadsheet may read as a formula: = + - @ first, also after spaces (some spreadsheets trim them) and
 * in their full-width forms (＝ ＋ － ＠, which East Asian input methods type and some spreadsheets accept).
 */
const FORMULA_START = /^[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/u;

export function inert(value: unknown, opts: { csv?: boolean } = {}): string {
  const s = value === null || value === undefined ? '' : String(value);
  // Controls, every format character (bidi, zero-width, tag characters), unassigned and lone surrogates: a
  // command with `cu<U+200B>rl` read as `curl` in a spreadsheet before (only controls and bidi were escaped).
  const shown = s.replace(/[\p{Cc}\p{Cf}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]/gu, (c) => {
    const code = c.codePointAt(0) ?? 0;
    if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return opts.csv && FORMULA_START.test(shown) ? `'${shown}` : shown;
}

/** Milliseconds as a short human duration, or "n/a". */
export function duration(ms: number | null): string {
  if (ms === null) return 'n/a';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  const m = s / 60;
  return m < 120 ? `${m.toFixed(1)} min` : `${(m / 60).toFixed(1)} h`;
}

/** A ratio as a percentage with one decimal, or "n/a" when the denominator is 0. */
export function pct(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)} %`;
}
