/**
 * The command lines of a tox.ini: `commands`, `commands_pre`, `commands_post` (one command a line, a line's
 * continuations indented under it), and the templates tox fills in to install (`install_command`,
 * `list_dependencies_command`). tox splits each into words and runs it without a shell, so reading it as a
 * shell line reads at least what it runs (`bash -c '…'` is a shell again).
 */
import { logicalLines } from './make-commands.js';

const COMMAND_KEY = /^(?:commands(?:_pre|_post)?|install_command|list_dependencies_command)$/;
const KEY = /^([\w.-]+)[ \t]*[=:][ \t]*(.*)$/;

/** A line as the shell gets it: tox's `{posargs}`, `{envpython}`, `{[testenv]commands}` are unknown words. */
function toxToShell(line: string): string {
  return line
    .trim()
    .replace(/\{[^{}\n]*\}/g, `\${TOX_VALUE}`)
    .replace(/^[-!]+\s*/, '');
}

/** The commands of tox.ini text, whole or a piece of it. */
export function toxCommands(text: string): string[] {
  const out: string[] = [];
  let inCommands = false;
  for (const line of logicalLines(text)) {
    if (/^\s*(?:[#;]|$)/.test(line)) continue;
    if (/^\[/.test(line)) {
      inCommands = false;
      continue;
    }
    const key = /^\S/.test(line) ? KEY.exec(line) : null;
    if (key) {
      inCommands = COMMAND_KEY.test(key[1] ?? '');
      if (inCommands && key[2]?.trim()) out.push(toxToShell(key[2]));
      continue;
    }
    if (inCommands) out.push(toxToShell(line));
  }
  return out.filter((c) => c !== '');
}
