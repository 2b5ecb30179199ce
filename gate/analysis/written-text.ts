import type { Call } from './call.js';
import { RUNS_COMMAND, SHELL_PATH } from './code-idioms.js';
import { report } from './context.js';
import { classifyPath } from './paths.js';
import { WARD_ADMIN_TEXT } from './programs/ward.js';
import { UNKNOWN } from './script.js';
import { judgeScriptWritten } from './script-written.js';

// Text a command line writes into files (echo, printf, cat, tee): judged where it lands, and kept for the
// commands after it in the same line that run or apply the file.

/** Output redirects that write a file (`>`, `>>`, `>|`). */
const WRITES_FILE = /^>>?$|^>\|$/;

/**
 * `echo 'system("/bin/sh")' > Gemfile`, `cat > package.json <<EOF ... /bin/sh`: text written into a file that
 * names a shell or runs commands is a command waiting for the program that reads the file. A script's own
 * `#!` line is left out.
 */
export function scanWrittenText(c: Call): void {
  const writes = c.cmd.redirects.some(
    (r) => r.op.includes('>') && !r.op.includes('&') && !/^\/dev\/(null|std(out|err)|tty)$/.test(r.target),
  );
  if (!writes && !(c.name === 'tee' && c.args.length > 0)) return;
  const text =
    c.name === 'echo' || c.name === 'printf'
      ? c.args.join(' ')
      : c.name === 'cat' || c.name === 'tee'
        ? (c.cmd.stdinText ??
          (c.cmd.pipeFrom ? (c.cmd.pipeFrom.stdinText ?? c.cmd.pipeFrom.argv.slice(1).join(' ')) : ''))
        : '';
  rememberWritten(c, text);
  for (const target of writeTargets(c)) judgeScriptWritten(c, target, shownText(c, text));
  const body = text.replace(/^#!\S*/gm, '');
  const shell = SHELL_PATH.exec(body);
  if (shell) report(c.ctx, 'exec.shell-arg', `${shell[1]} written into a file by ${c.name}`);
  const code = RUNS_COMMAND.exec(body);
  if (code) report(c.ctx, 'exec.interpreter-arg', `${code[0].trim()} written into a file by ${c.name}`);
  if (WARD_ADMIN_TEXT.test(body))
    report(c.ctx, 'evade.ward-admin', `Ward's admin command written into a file by ${c.name}`);
}

/** Keeps what echo, printf, cat or tee writes into a file, for a later `sh FILE`, `git apply FILE` in the same text. */
function rememberWritten(c: Call, text: string): void {
  const target = c.cmd.redirects.find((r) => WRITES_FILE.test(r.op) && r.fd !== '2')?.target;
  if (!target || target.includes(UNKNOWN) || text === '') return;
  const shown = shownText(c, text);
  const path = classifyPath(target, { workspace: c.ctx.workspace, cwd: c.cwd }).path;
  c.ctx.written ??= new Map();
  c.ctx.written.set(path, (c.ctx.written.get(path) ?? '') + shown.slice(0, 65_536));
}

/** printf and (in dash, or with -e) echo turn escapes into the characters they name. */
function shownText(c: Call, text: string): string {
  return c.name === 'printf' || c.name === 'echo'
    ? text.replace(/\\(n|t|\\)/g, (_m, e: string) => (e === 'n' ? '\n' : e === 't' ? '\t' : '\\'))
    : text;
}

/** The files a command writes its text into: redirects of its output, and `tee`'s operands. */
function writeTargets(c: Call): string[] {
  const out = c.cmd.redirects.filter((r) => WRITES_FILE.test(r.op) && r.fd !== '2').map((r) => r.target);
  if (c.name === 'tee') out.push(...c.args.filter((a) => !a.startsWith('-')));
  return out.filter((t) => t !== '' && !t.includes(UNKNOWN)).slice(0, 16);
}

/** What this command line wrote into `file` before (see rememberWritten), or undefined. */
export function writtenText(c: Call, file: string): string | undefined {
  if (!c.ctx.written) return undefined;
  return c.ctx.written.get(classifyPath(file, { workspace: c.ctx.workspace, cwd: c.cwd }).path);
}

/** What this command line wrote into `file`, or else the file's text now (the caller's reader), or undefined. */
export function writtenOrRead(c: Call, file: string): string | undefined {
  if (file.includes(UNKNOWN)) return undefined;
  return (
    writtenText(c, file) ??
    c.ctx.readScript?.(classifyPath(file, { workspace: c.ctx.workspace, cwd: c.cwd }).path)
  );
}
