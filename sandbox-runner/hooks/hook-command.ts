/**
 * The command Ward writes into an agent's settings for its hook. All three agents run the tool when a hook
 * exits with anything but 2 (killed by SIGKILL or the OOM killer, node crashed or missing, the ward file gone
 * or emptied) or prints broken JSON. So `ward hook` runs under a POSIX-sh wrapper that lets the tool run only
 * on a deliberate answer: exit 0 with a JSON object on stdout (`ward hook` prints `{}` when it has no
 * objection). Anything else blocks with exit 2. The ward command goes after the script as its arguments, so
 * the script is the same text for every install and the ward command stays readable in the settings file.
 */

/** $0 of the wrapper: names it in its messages and marks the command as Ward's wrapped hook. */
const WRAPPER_NAME = 'ward-hook';

const WRAPPER_SCRIPT = [
  'a=$("$@"); s=$?',
  'case $s$a in 0{*}) printf "%s\\n" "$a"; exit 0;; esac',
  '[ $s = 2 ] || echo "Ward: the hook gave no answer (exit status $s); the tool call is blocked" >&2',
  'exit 2',
].join('; ');

const WRAPPER_PREFIX = `/bin/sh -c ${shellQuote(WRAPPER_SCRIPT)} ${WRAPPER_NAME} `;

/** One word for a POSIX shell: as is when it cannot be misread, else single-quoted. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The hook command for an agent: `ward` (shell words, e.g. `/usr/local/bin/ward` or `node '/opt/my ward/bin/ward.mjs'`)
 * with `hook <agent>` and `args`, wrapped so that any failure of it blocks the tool call.
 */
export function wardHookCommand(ward: string, agent: string, args: readonly string[] = []): string {
  return `${WRAPPER_PREFIX}${ward} hook ${agent}${args.map((a) => ` ${shellQuote(a)}`).join('')}`;
}

/** Whether a settings command is Ward's hook for `agent`, old (bare) or wrapped, whatever path Ward is at. */
export function isWardHookCommand(command: string, agent: string): boolean {
  return new RegExp(`(^|[\\s/'"])ward(\\.mjs)?['"]?\\s+hook\\s+${agent}\\b`).test(command);
}

/** Whether Ward's hook command runs under the current wrapper (an older install fails open when killed). */
export function isWrappedHookCommand(command: string): boolean {
  return command.startsWith(WRAPPER_PREFIX);
}

/** The program a hook command starts first (unquoted): under the wrapper, the ward command's first word. */
export function hookProgram(command: string): string {
  const rest = isWrappedHookCommand(command) ? command.slice(WRAPPER_PREFIX.length) : command.trim();
  const quoted = /^'((?:[^']|'\\'')*)'/.exec(rest);
  if (quoted) return (quoted[1] ?? '').replaceAll(`'\\''`, "'");
  return rest.split(/\s+/)[0] ?? '';
}
