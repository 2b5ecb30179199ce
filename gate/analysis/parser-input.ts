/**
 * Shell text as the grammar (tree-sitter-bash) must see it to find what bash runs. Two of its lexing rules
 * differ from bash in ways an agent can use to hide a command; both rewrites below keep bash's meaning.
 */

/** The text with both rewrites. */
export function forParser(text: string): string {
  // In this order: an escaped `$` may itself start a line.
  return spaceLineStartBackslash(escapeBareDollars(text));
}

/**
 * A line that starts with a backslash (`\cat ~/.ssh/id_rsa`: the usual way past an alias, or a line
 * continuation `\` + newline) was read as part of the last word of the line before: `echo hi` + newline +
 * `\cat …` became `echo hi '\ncat' …` and the `cat` bash runs was never analysed. A blank at the start of a
 * line changes nothing to bash (in a quoted string or a here-document body it adds one space to the data).
 */
export function spaceLineStartBackslash(text: string): string {
  return text.includes('\\') ? text.replace(/\n\\/g, '\n \\') : text;
}

/**
 * A `$` that starts no expansion (followed by a blank, the end, or an operator) is a literal `$` to bash: `nice
 * $ ls` runs a program named `$`, and so does `$ "ls"`. tree-sitter-bash drops such a `$` (`nice ls`) or joins
 * it with a quoted word after a blank (as if it were `$"ls"`, a locale string, which runs `ls`), so the analysis
 * never saw the program bash runs.
 * Escaping it (`\$`, which bash reads as the same literal `$`, in double quotes as outside) keeps it a word.
 * Single-quoted and ANSI-C-quoted text is left as it is: there `\$` would be two characters.
 */
const BARE_AFTER = /[\s;|&)<>]/;

/** Bare `$` words escaped. */
export function escapeBareDollars(text: string): string {
  if (!text.includes('$')) return text;
  let out = '';
  let from = 0;
  let double = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      i++;
    } else if (ch === "'" && !double) {
      const end = text.indexOf("'", i + 1);
      if (end < 0) break;
      i = end;
    } else if (ch === '"') {
      double = !double;
    } else if (ch === '$') {
      const next = text[i + 1];
      if (next === "'" && !double) {
        i = ansiEnd(text, i + 2);
      } else if (next === '$') {
        i++;
      } else if (next === undefined || BARE_AFTER.test(next)) {
        out += `${text.slice(from, i)}\\$`;
        from = i + 1;
      }
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

/** The index of the quote closing a `$'…'` string whose text starts at `i` (backslash escapes inside). */
function ansiEnd(text: string, i: number): number {
  for (let j = i; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === "'") return j;
  }
  return text.length;
}
