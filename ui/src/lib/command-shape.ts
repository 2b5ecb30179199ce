import type { ShellToken } from './shell-tokens.js';

/** A command's display token: a shell token, or a marker standing for a run of blank lines. */
export type ShownToken = ShellToken | { kind: 'blank-lines'; text: string; count: number };

/** Blank lines in a row shown as they are; a longer run becomes one marker. */
const MAX_BLANK = 2;

/**
 * The tokens with each run of more than two blank lines replaced by one marker: a command that is `git status`
 * followed by three hundred empty lines and then `curl … | sh` shows its end next to its start, not a
 * screen below the Approve button.
 */
export function collapseBlankLines(tokens: ShellToken[]): ShownToken[] {
  const out: ShownToken[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i] as ShellToken;
    if (t.kind !== 'op' || t.text !== '\n') {
      out.push(t);
      i++;
      continue;
    }
    // A run of newlines with only spaces or tabs between them.
    let j = i;
    let breaks = 0;
    while (j < tokens.length) {
      const u = tokens[j] as ShellToken;
      if (u.kind === 'op' && u.text === '\n') breaks++;
      else if (u.kind !== 'space') break;
      j++;
    }
    // Trailing spaces after the last newline belong to the next line: leave them.
    while (j > i && (tokens[j - 1] as ShellToken).kind === 'space') j--;
    const blank = breaks - 1;
    if (blank <= MAX_BLANK) {
      out.push(...tokens.slice(i, j));
    } else {
      out.push({ kind: 'op', text: '\n' });
      out.push({ kind: 'blank-lines', text: `⏎ ${blank} blank lines`, count: blank });
      out.push({ kind: 'op', text: '\n' });
    }
    i = j;
  }
  return out;
}

/** Characters and lines above which the approvals view shows how a command ends before the command itself. */
export const LONG_COMMAND = { chars: 400, lines: 8 };

/** How long a command is, and (when long) its last characters: what an analyst must not miss. */
export function commandShape(
  command: string,
  tailChars = 160,
): { chars: number; lines: number; tail: string } {
  const chars = [...command].length;
  const lines = command.split('\n').length;
  const long = chars > LONG_COMMAND.chars || lines > LONG_COMMAND.lines;
  // On one line: each line break (with the blank space around it) as a marker, so blank lines take no room.
  const flat = command.trimEnd().replace(/[ \t]*(?:\n[ \t]*)+/g, ' ⏎ ');
  const tail = long ? [...flat].slice(-tailChars).join('') : '';
  return { chars, lines, tail };
}

/** Characters of a command the approvals view highlights token by token before "show the rest". */
export const HIGHLIGHT_CHARS = 4000;

/** A command's first `max` characters (code points), and the rest with its length. */
export function cutCommand(command: string, max: number): { head: string; rest: string; restChars: number } {
  if (command.length <= max) return { head: command, rest: '', restChars: 0 };
  const chars = [...command];
  if (chars.length <= max) return { head: command, rest: '', restChars: 0 };
  return {
    head: chars.slice(0, max).join(''),
    rest: chars.slice(max).join(''),
    restChars: chars.length - max,
  };
}
