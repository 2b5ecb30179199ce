import type { SimpleCommand } from './script.js';

/**
 * Characters that mean nothing to the shell: no quoting, expansion, globbing, assignment, redirection,
 * comment, grouping or home-directory tilde. A word made only of them is its own value. `@` and `%` are
 * plain to bash too, but tree-sitter-bash rejects some words with them (`a@b` as a command), and the
 * fast path must agree with the parser, not with bash.
 */
const PLAIN_WORDS = /^[A-Za-z0-9_./:+,-]+(?: [A-Za-z0-9_./:+,-]+)*$/;

/** Words the grammar treats as syntax or as special commands anywhere near the start of a command. */
const SYNTAX = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'case',
  'esac',
  'for',
  'select',
  'while',
  'until',
  'do',
  'done',
  'in',
  'function',
  'time',
  'coproc',
  'declare',
  'typeset',
  'export',
  'readonly',
  'local',
  'unset',
  'unsetenv',
]);

/**
 * One simple command of plain words (`npm test`, `git status -s`, `/bin/true`) without the WASM parser:
 * exactly what collectCommands gives for it after a tree-sitter parse (checked against the parser on the
 * evaluation set and generated words in plain-command.test.ts). Anything else returns null and is parsed.
 */
export function plainCommand(text: string): SimpleCommand | null {
  if (text.length > 4096 || !PLAIN_WORDS.test(text)) return null;
  const argv = text.split(' ');
  if (argv.some((w) => SYNTAX.has(w))) return null;
  return { argv, raw: [...argv], assigns: [], redirects: [], inLoop: false, substituted: false };
}
