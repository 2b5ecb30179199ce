/**
 * Commands copied from documentation often carry its notation: a `$ ` prompt, `<placeholder>` words,
 * extended globs (`!(*.c)`), a list of alternatives left open (`name|version|`). The grammar rejects most of
 * them, and so does bash, which then runs nothing. Rewriting the notation into what it stands for (a prompt
 * into nothing, a placeholder into a value known only at run time, an extended glob into `*`) gives text
 * whose analysis covers every command bash could have run from the original: never less.
 */

/**
 * `$ cmd` (a shell prompt pasted with the command) without the prompt. Bash runs a program named `$`, so the
 * caller reports that as an unknown program as well as analysing `cmd`.
 */
export function withoutPrompt(text: string): string {
  return /^\$ +[A-Za-z_./~]/.test(text) && !text.includes('\n') ? text.replace(/^\$ +/, '') : text;
}

/** `<name>` ending a command: `< name >` with nothing to write to is a syntax error in bash. */
const PLACEHOLDER = /<([A-Za-z][\w.:/-]*)>(?=[ \t]*(?:$|\n|;|\)|`)|[ \t]+\|)/g;
/**
 * `!(…)`, `@(…)`, `+(…)`, `*(…)`, `?(…)`: extended globs, one level of nesting. Never one holding an expansion
 * (`$`, a backquote, `<(`/`>(`): with `shopt -s extglob` bash expands `$(…)` inside the pattern, and `*` would
 * hide the command it runs.
 */
const EXTGLOB = /[!@+*?]\((?:[^()\s$`<>\\]|\([^()\s$`<>\\]*\))*\)/g;

/**
 * The text with documentation notation rewritten, or null when there was none to rewrite. A command cut
 * short (an unterminated quote, a trailing backslash) is closed: bash stops at end of input inside a quote
 * and runs nothing of that command, so analysing its closed form can only find more.
 */
export function repairDocumentationSyntax(text: string): string | null {
  let repaired = text
    .replace(PLACEHOLDER, (m: string, name: string, at: number) =>
      // Before a backquote that opens a command (`cat <in>`cmd``) the `>` is a real redirect bash runs.
      /^[ \t]*`/.test(text.slice(at + m.length, at + m.length + 64)) && !insideBackquote(text, at)
        ? m
        : `"$DOC_${name.replace(/\W/g, '_')}"`,
    )
    .replace(EXTGLOB, '*')
    .replace(/(?<=[\w-])\|[ \t]*$/, '')
    .replace(/[ \t;]\\$/, (m) => m.slice(0, -1))
    // Forms bash accepts and the grammar does not: `for x do` (over "$@"), a `$` ending a backquoted command.
    .replace(/\bfor(\s+[A-Za-z_]\w*)(\s*;?\s*)do\b/g, 'for$1 in "$@";$2do')
    .replace(/\$`/g, '\\$`');
  const { quote, depth } = openAtEnd(repaired);
  if (quote) repaired += quote;
  if (depth > 0 && depth < 8) repaired += ')'.repeat(depth);
  return repaired === text ? null : repaired;
}

/** Whether offset `at` lies inside a backquoted command (an odd number of unescaped backquotes before it). */
function insideBackquote(text: string, at: number): boolean {
  let open = false;
  for (let i = 0; i < at; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '`') open = !open;
  }
  return open;
}

/** The quote (', ", `) left open at the end of the text, and how many `(` are left unclosed outside quotes. */
function openAtEnd(text: string): { quote: string | undefined; depth: number } {
  let quote: string | undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote === "'") {
      if (ch === "'") quote = undefined;
    } else if (ch === '\\') i++;
    else if (quote === undefined && (ch === "'" || ch === '"' || ch === '`')) quote = ch;
    else if (ch === quote) quote = undefined;
    else if (quote === undefined && ch === '(') depth++;
    else if (quote === undefined && ch === ')') depth = Math.max(0, depth - 1);
  }
  return { quote, depth };
}
