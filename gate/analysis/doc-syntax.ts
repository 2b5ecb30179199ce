/**
 * Commands copied from documentation often carry its notation: a `$ ` prompt, `<placeholder>` words,
 * extended globs (`!(*.c)`), a list of alternatives left open (`name|version|`). The grammar rejects most of
 * them, and so does bash, which then runs nothing. Rewriting the notation into what it stands for (a prompt
 * into nothing, a placeholder into a value known only at run time, an extended glob into `*`) gives text
 * whose analysis covers every command bash could have run from the original: never less.
 */

/** `$ cmd` (a shell prompt pasted with the command): bash would run a program named `$`, which fails. */
export function withoutPrompt(text: string): string {
  return /^\$ +[A-Za-z_./~]/.test(text) && !text.includes('\n') ? text.replace(/^\$ +/, '') : text;
}

/** `<name>` ending a command: `< name >` with nothing to write to is a syntax error in bash. */
const PLACEHOLDER = /<([A-Za-z][\w.:/-]*)>(?=[ \t]*(?:$|\n|;|\)|`)|[ \t]+\|)/g;
/** `!(…)`, `@(…)`, `+(…)`, `*(…)`, `?(…)`: extended globs, one level of nesting. */
const EXTGLOB = /[!@+*?]\((?:[^()\s]|\([^()\s]*\))*\)/g;

/** The text with documentation notation rewritten, or null when there was none to rewrite. */
export function repairDocumentationSyntax(text: string): string | null {
  const repaired = text
    .replace(PLACEHOLDER, (_m, name: string) => `"$DOC_${name.replace(/\W/g, '_')}"`)
    .replace(EXTGLOB, '*')
    .replace(/(?<=[\w-])\|[ \t]*$/, '');
  return repaired === text ? null : repaired;
}
