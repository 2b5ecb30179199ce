/**
 * Printing text Ward did not write (commands and reasons a runner sent, names, server answers) in a
 * terminal. Control characters would act instead of show: `\r` or cursor movement overwrite what came
 * before, ESC sequences recolour, retitle or (OSC 52) write the clipboard, newlines forge extra lines,
 * bidi overrides reorder what is shown. Every such character is printed as a visible escape (`\x1b`,
 * `\u202e`), so an analyst sees exactly what would run.
 */

// C0 and C1 controls, DEL, and the invisible format characters that change how text around them reads:
// bidi embeddings/overrides/isolates and marks, zero-width characters, line/paragraph separators, BOM,
// the Arabic letter mark, soft hyphen, tag characters and other Cf characters; also unassigned code points
// and lone surrogates, which a terminal may draw as nothing.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/** `text` with every control, bidi and invisible format character shown as a visible escape. */
export function inert(text: unknown): string {
  return String(text).replace(UNSAFE, escapeOne);
}

/**
 * JSON for a terminal: still valid JSON (it parses to the same value), but the characters JSON.stringify
 * leaves raw (DEL, C1 controls, bidi and other format characters) are written as \u escapes too.
 */
export function inertJson(value: unknown, space?: number): string {
  // A raw newline in JSON.stringify's output is layout (inside strings it is already \n): it stays.
  return (JSON.stringify(value, null, space) ?? 'null').replace(UNSAFE, (ch) =>
    ch === '\n'
      ? ch
      : Array.from(
          { length: ch.length },
          (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`,
        ).join(''),
  );
}
