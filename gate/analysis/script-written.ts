import { posix } from 'node:path';
import { TAXONOMY } from '../taxonomy/rules.js';
import { scanPathArguments } from './argument-scan.js';
import { type Call, operands } from './call.js';
import { report } from './context.js';
import { classifyPath } from './paths.js';
import { UNKNOWN } from './script.js';
import {
  type CodeKind,
  commandsOf,
  isProgramCode,
  leastRisk,
  type ScriptKind,
  SHELL_SHEBANG,
  scriptKind,
  shebangCode,
  UNJUDGED,
} from './script-kinds.js';

/** The findings a written script shows at most in its detail. */
const SHOWN = 3;

/** The most commands of one script judged (a runner that hands over more asks: the rest is unread). */
export const MAX_JUDGED = 256;

/** The findings these commands of a script would raise typed, but those that only say "cannot tell". */
function scriptFindings(c: Call, commands: string[], least = 0): Map<string, number> {
  const found = new Map<string, number>();
  for (const command of commands.slice(0, MAX_JUDGED))
    for (const f of c.trial(command))
      if (!UNJUDGED.has(f.rule) && TAXONOMY[f.rule].risk >= least)
        found.set(`${f.rule}: ${f.detail}`, TAXONOMY[f.rule].risk);
  return found;
}

/** Reports the commands a write puts into a script of `kind` at `target`, when they would ask typed. */
function reportWritten(c: Call, target: string, kind: ScriptKind, commands: string[]): void {
  const found = scriptFindings(c, commands, leastRisk(kind));
  if (found.size === 0) return;
  const top = Math.max(...found.values());
  if (top < 0.4) return;
  const detail = `${target} (${kind}) by ${c.name}: ${shownFindings(found)}`;
  report(c.ctx, top >= 0.7 ? 'exec.script-written' : 'exec.script-written-ask', detail);
}

/** The most risky findings first, at most SHOWN of them, and how many more. */
export function shownFindings(found: Map<string, number>): string {
  const shown = [...found]
    .sort((a, b) => b[1] - a[1])
    .slice(0, SHOWN)
    .map(([k]) => k);
  return `${shown.join('; ')}${found.size > SHOWN ? `; ${found.size - SHOWN} more` : ''}`;
}

/**
 * `cat > run.sh <<EOF … EOF`, `echo 'curl … | sh' >> Makefile`, `tee package.json`: a script written by this
 * command and run by a later call is judged as its commands typed, and the write is as risky as they are (a
 * tier below a deny: writing is not running).
 */
export function judgeScriptWritten(c: Call, target: string, text: string): void {
  const kind = scriptKind(target, text);
  if (!kind || c.ctx.depth > 4) return;
  reportWritten(c, target, kind, commandsOf(kind, text, true));
}

/**
 * `sh notes.txt`, `. lib`, `./tool`: a file this command runs as a shell script, read as it is now (the caller's
 * reader; without one nothing is read). Its commands count as in a written script: what would be refused or
 * asked about typed asks (`exec.script-run`), whatever name or route (`cp`, `mv`, `sed -i`) the text came by.
 * `how`: 'shell' when a shell is given the file, 'exec' when the file itself is run (the kernel reads its `#!`;
 * without one, the shell runs it as a script).
 */
export function judgeScriptRun(c: Call, file: string, how: 'shell' | 'exec'): void {
  const { readScript, running } = c.ctx;
  if (!readScript || !running || c.ctx.depth > 4 || file.includes(UNKNOWN)) return;
  const path = classifyPath(file, { workspace: c.ctx.workspace, cwd: c.cwd }).path;
  if (running.has(path) || c.ctx.written?.has(path)) return;
  const text = readScript(path);
  if (text === undefined || text.trim() === '') return;
  const head = text.replace(/^\uFEFF/, '').slice(0, 256);
  // A program the kernel runs: a binary is not shell text, and another interpreter's script is its code.
  if (how === 'exec' && (head.includes('\u0000') || (head.startsWith('#!') && !SHELL_SHEBANG.test(head)))) {
    const kind = head.includes('\u0000') ? undefined : shebangCode(head);
    if (kind) reportRun(c, path, file, commandsOf(kind, text, true), leastRisk(kind));
    return;
  }
  reportRun(c, path, file, [text]);
}

/** Reports what the commands of a script run now would do typed, when they would ask; `key` guards recursion. */
export function reportRun(c: Call, key: string, label: string, commands: string[], least = 0): void {
  const { running } = c.ctx;
  if (!running || running.has(key) || c.ctx.depth > 4) return;
  running.add(key);
  try {
    const found = scriptFindings(c, commands, least);
    const top = found.size === 0 ? 0 : Math.max(...found.values());
    if (top < 0.4) return;
    const detail = `${label} run by ${c.name}: ${shownFindings(found)}`;
    report(c.ctx, top >= 0.7 ? 'exec.script-run' : 'exec.script-run-ask', detail);
  } finally {
    running.delete(key);
  }
}

/**
 * `python3 notes.txt`, `node x.js`, `perl -w x.pl`, `ruby x.rb`: the code an interpreter is given in a file (any
 * name: one no kind marks was never judged when written), read as it is now and judged as the same code given
 * inline (`python3 -c`, `node -e`), counting what would be risky in any mode as for a code file written.
 */
export function judgeCodeRun(c: Call, file: string, kind: CodeKind): void {
  if (file.includes(UNKNOWN) || c.ctx.depth > 4) return;
  // What the file is handed is judged as an unknown program's arguments (`node x.js .claude/settings.json`):
  // its text may do with them what the gate cannot see.
  const at = c.args.indexOf(file);
  if (at >= 0) scanPathArguments({ ...c, name: posix.basename(file), args: c.args.slice(at + 1) });
  const path = classifyPath(file, { workspace: c.ctx.workspace, cwd: c.cwd }).path;
  const text = c.ctx.written?.get(path) ?? c.ctx.readScript?.(path);
  if (text === undefined || text.trim() === '') return;
  reportRun(c, path, file, commandsOf(kind, text, true), leastRisk(kind));
}

/** Programs that put a file's text under another name, and their options that take a value. */
const COPIERS: Record<string, string[]> = {
  cp: ['-t', '-S', '--suffix'],
  mv: ['-t', '-S', '--suffix'],
  ln: ['-t', '-S', '--suffix'],
  install: ['-t', '-m', '-o', '-g', '-S', '--mode', '--owner', '--group', '--suffix'],
};

/**
 * `mv notes.txt run.sh`, `cp payload Makefile`, `ln -s notes.txt package.json`: the text a file gets by copy,
 * move or link is judged as written there (read by the caller's reader, or written earlier in this command
 * line), and the commands after this one in the line that run it see it.
 */
export function judgeFileCopied(c: Call): void {
  const withValue = COPIERS[c.name];
  if (!withValue || c.ctx.depth > 4) return;
  const ops = operands(c.args, withValue).filter((o) => !o.includes(UNKNOWN));
  const dirOption = c.args.findIndex((a) => a === '-t' || a.startsWith('--target-directory'));
  const dir =
    dirOption < 0
      ? undefined
      : c.args[dirOption] === '-t'
        ? c.args[dirOption + 1]
        : c.args[dirOption]?.split('=')[1];
  const sources = dir !== undefined ? ops : ops.slice(0, -1);
  const dest = dir ?? ops.at(-1);
  if (!dest || sources.length === 0) return;
  for (const src of sources.slice(0, 16)) {
    // The destination is a file, or a directory the file goes into under its own name.
    const targets =
      dir !== undefined || sources.length > 1 || dest.endsWith('/') || dest === '.'
        ? [`${dest.replace(/\/+$/, '')}/${posix.basename(src)}`]
        : [dest, `${dest.replace(/\/+$/, '')}/${posix.basename(src)}`];
    judgeTextCopied(c, src, targets);
  }
}

/**
 * The text of `src` (written earlier in this command line, or read now by the caller's reader) lands in
 * `targets` (by a copy, or a line tool's output file): judged as written into the first, and kept for the
 * commands after this one that run any of them.
 */
export function judgeTextCopied(c: Call, src: string, targets: readonly string[]): void {
  if (src.includes(UNKNOWN) || c.ctx.depth > 4) return;
  const where = { workspace: c.ctx.workspace, cwd: c.cwd };
  const from = classifyPath(src, where).path;
  const text = c.ctx.written?.get(from) ?? c.ctx.readScript?.(from);
  if (text === undefined || targets[0] === undefined) return;
  for (const t of targets) {
    c.ctx.written ??= new Map();
    c.ctx.written.set(classifyPath(t, where).path, text.slice(0, 65_536));
  }
  judgeScriptWritten(c, targets[0], text);
}

/**
 * `sed -i 's/echo ok/curl … | sh/' Makefile`, `git apply fix.diff`: text an in-place edit or a patch puts into a
 * script, build file or package.json is judged as written there; the file's current text (the caller's reader)
 * says its kind when its name does not.
 */
export function judgePiecesWritten(c: Call, file: string, pieces: string[]): void {
  if (file.includes(UNKNOWN) || c.ctx.depth > 4) return;
  // What the file is handed is judged as an unknown program's arguments (`node x.js .claude/settings.json`):
  // its text may do with them what the gate cannot see.
  const at = c.args.indexOf(file);
  if (at >= 0) scanPathArguments({ ...c, name: posix.basename(file), args: c.args.slice(at + 1) });
  const path = classifyPath(file, { workspace: c.ctx.workspace, cwd: c.cwd }).path;
  const kind = scriptKind(file, c.ctx.written?.get(path) ?? c.ctx.readScript?.(path) ?? pieces[0] ?? '');
  if (!kind) return;
  // A piece of a recipe line or of a package script is a command, or part of one, as it stands; a piece of
  // code is not.
  const texts = pieces.filter((p) => p.trim() !== '').slice(0, 64);
  reportWritten(c, file, kind, [
    ...texts.flatMap((p) => commandsOf(kind, p, false)),
    ...(kind === 'shell' || isProgramCode(kind) ? [] : texts),
  ]);
}

/** The texts a sed script puts into a file: each `s` command's replacement, `a`, `i` and `c` text. */
export function sedInsertedText(script: string): string[] {
  const out: string[] = [];
  for (const m of script.matchAll(
    /(?:^|[;\n{}]|\d|\$|\/)\s*s(.)((?:\\.|(?!\1)[^\\])*)\1((?:\\.|(?!\1)[^\\])*)\1/g,
  )) {
    const delim = m[1] ?? '/';
    out.push((m[3] ?? '').split(`\\${delim}`).join(delim).replace(/\\n/g, '\n').replace(/\\(.)/g, '$1'));
  }
  for (const m of script.matchAll(/(?:^|[;\n{}]|\d|\$|\/)\s*[aic]\\?\s*\n?(.*)/g)) out.push(m[1] ?? '');
  return out;
}
