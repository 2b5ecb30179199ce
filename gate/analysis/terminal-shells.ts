import type { SimpleCommand } from './simple-command.js';

// Programs that, given arguments, still start a shell reading the terminal: what is typed into it later
// reaches no hook (Codex's write_stdin runs no PreToolUse hook: `script -q /dev/null`, then typing
// `curl … | sh` into it, ran unseen behind Ward's hook).

/** tmux subcommands that open a shell when no command is given after them. */
const TMUX_SHELL_VERBS = /^(new|new-session|neww|new-window|splitw|split-window|a|at|attach|attach-session)$/;
/** tmux options of those verbs that take a value (the value is not the command). */
const TMUX_VALUE_OPTIONS = /^-[cefFlnstxyLS]$/;

/**
 * `script [options] [file]` without -c/--command (its shell is $SHELL, interactive), or `tmux new|attach …`
 * without a command: an interactive shell despite the arguments. `screen` and bare `tmux`/`script` are judged
 * where the other shells are.
 */
export function startsTerminalShell(name: string, args: readonly string[]): boolean {
  if (name === 'script')
    return (
      args.length > 0 &&
      !args.some((a) => /^-[a-zA-Z]*c|^--command\b|^-[a-zA-Z]*[hV]$|^--(help|version)$/.test(a))
    );
  if (name !== 'tmux') return false;
  const verb = args.findIndex((a) => !a.startsWith('-'));
  if (verb < 0 || !TMUX_SHELL_VERBS.test(args[verb] ?? '')) return false;
  // Any word after the verb that is not an option or an option's value is the command tmux runs instead.
  for (let i = verb + 1; i < args.length; i++) {
    const a = args[i] ?? '';
    if (TMUX_VALUE_OPTIONS.test(a)) i++;
    else if (!a.startsWith('-')) return false;
  }
  return true;
}

/** `cat` (or `cat -`) with no file and no input of its own: it hands the terminal's input to the next stage. */
export function copiesTerminal(cmd: SimpleCommand | undefined): boolean {
  if (!cmd || cmd.pipeFrom || cmd.stdinText !== undefined || cmd.redirects.some((r) => r.op.startsWith('<')))
    return false;
  const [head = '', ...args] = cmd.argv;
  return head.replace(/^.*\//, '') === 'cat' && args.every((a) => a === '-' || /^-[a-zA-Z]+$/.test(a));
}
