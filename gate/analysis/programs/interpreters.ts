import { posix } from 'node:path';
import { type Handler, operands, optionValue } from '../call.js';
import { guardedLiteralsWritten, moduleFiles, scanEnvironmentDump } from '../code-effects.js';
import { report } from '../context.js';
import { touch } from '../effects.js';
import { INLINE_CODE_FLAGS } from '../option-table.js';
import { classifyPath } from '../paths.js';
import { bindPositional } from '../positional.js';
import { scanPython } from '../python.js';
import { UNKNOWN } from '../script.js';
import { judgeCodeRun, judgeScriptRun } from '../script-written.js';
import { writtenText } from '../written-text.js';
import { CODE_FILE_RUNNERS } from './code-files.js';
import { DECODES, inlineCode } from './inline-code.js';
import { judgePythonModule } from './python-builds.js';
import { stdinSource, stdinText } from './stdin-code.js';

/**
 * The command string of `sh -c CMD`, also in clusters (`bash -lc CMD`, `sh -ec CMD`): the first operand; and
 * the words after it, the script's `$0`, `$1`….
 */
function commandString(args: string[]): { text: string; params: string[] } | undefined {
  const i = args.findIndex((a) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a));
  if (i < 0) return undefined;
  for (let j = i + 1; j < args.length; j++) {
    const a = args[j] ?? '';
    if (a === '-o' || a === '+o' || a === '-O' || a === '+O') j++;
    else if (!/^[-+][a-zA-Z]+$/.test(a)) {
      const at = a === '--' ? j + 1 : j;
      const text = args[at];
      return text === undefined ? undefined : { text, params: args.slice(at + 1) };
    }
  }
  return undefined;
}

const shellHandler: Handler = (c) => {
  const command = commandString(c.args);
  const interactive = c.args.some((a) => /^-[a-zA-Z]*i/.test(a));
  if (interactive && c.cmd.redirects.some((r) => /^\/dev\/(tcp|udp)\//.test(r.target))) {
    report(c.ctx, 'revshell.netcat', `${c.name} -i bound to a socket`);
  }
  if (command !== undefined) {
    c.shell(bindPositional(command.text, command.params).replaceAll(UNKNOWN, '"$UNKNOWN"'));
    return;
  }
  const script = operands(c.args, ['-o', '-O', '+O'])[0];
  if (script && script !== '-' && script !== '-s') {
    touch(c.ctx, script, 'exec', c.cwd);
    // A script this command line wrote a moment ago runs what it wrote (`printf '…' > t.sh && sh t.sh`).
    const written = writtenText(c, script);
    if (written !== undefined) c.shell(written);
    else judgeScriptRun(c, script, 'shell');
    // A build tool's wrapper script given to a shell (`sh gradlew build`) runs the build as `./gradlew` does.
    if (WRAPPER_SCRIPT.test(posix.basename(script))) c.run(c.args.slice(c.args.indexOf(script)));
    return;
  }
  const stdin = stdinText(c);
  if (stdin !== undefined) c.shell(stdin);
  else stdinSource(c);
};

/** The build tools' wrapper scripts, whose run the gate judges as the tool's (gradle.ts, maven.ts). */
const WRAPPER_SCRIPT = /^(?:gradlew|mvnw)$/;

/** Files that are the shell's own standard input when sourced. */
const STDIN_FILE = /^(?:-|\/dev\/stdin|\/dev\/fd\/0|\/proc\/self\/fd\/0)$/;

/** `source FILE` / `. FILE`: runs the file in this shell; sourcing standard input runs the text fed to it. */
const sourceHandler: Handler = (c) => {
  const f = operands(c.args)[0];
  if (!f) return;
  if (!STDIN_FILE.test(f)) {
    touch(c.ctx, f, 'exec', c.cwd);
    const written = writtenText(c, f);
    if (written !== undefined) c.shell(written);
    else judgeScriptRun(c, f, 'shell');
    return;
  }
  const stdin = stdinText(c);
  if (stdin !== undefined) c.shell(stdin);
  else if (c.cmd.pipeFrom) stdinSource(c);
  else report(c.ctx, 'exec.dynamic', `${c.name} ${f} runs what is fed to it`);
};

/** `mapfile -C CALLBACK`: bash evaluates the callback as a command; `fc -s` / `fc -e` re-run history. */
const runsText: Handler = (c) => {
  if (c.name === 'fc' && c.args.some((a) => /^-[a-zA-Z]*[se]/.test(a))) {
    report(c.ctx, 'exec.dynamic', `fc ${c.args.join(' ')}: re-runs a command from history`);
    return;
  }
  const at = c.args.findIndex((a) => a === '-C' || (a.startsWith('-C') && a.length > 2));
  if (at < 0) return;
  const callback = c.args[at] === '-C' ? c.args[at + 1] : c.args[at]?.slice(2);
  if (callback === undefined || callback.includes(UNKNOWN))
    report(c.ctx, 'exec.dynamic', `${c.name} -C runs a command known only at run time`);
  else c.shell(callback);
};

/** `hash -p PATH name`, `shopt -s expand_aliases`: later command names run another program than their own. */
const rebinds: Handler = (c) => {
  if (c.name === 'hash' && c.args.some((a) => /^-[a-zA-Z]*p/.test(a)))
    report(c.ctx, 'exec.dynamic', `hash ${c.args.join(' ')}: a command name runs another program`);
  if (c.name === 'shopt' && c.args.includes('expand_aliases') && c.args.some((a) => /^-[a-zA-Z]*s/.test(a)))
    report(c.ctx, 'exec.dynamic', 'aliases expand: a command name may run another command');
};

/** Modules run as the program the gate reads under another name. */
const MODULE_PROGRAMS: Record<string, string> = { poethepoet: 'poe', build: 'pyproject-build' };

const python: Handler = (c) => {
  const code = optionValue(c.args, ['-c']);
  const shell = (t: string) => c.shell(t);
  if (code !== undefined) {
    if (DECODES.test(code)) report(c.ctx, 'evade.obfuscated', 'python one-liner decodes hidden content');
    scanPython(code.replaceAll(UNKNOWN, 'UNKNOWN_VALUE'), c.ctx, shell);
    scanEnvironmentDump(c, code);
    guardedLiteralsWritten(c, code);
    return;
  }
  const mod = optionValue(c.args, ['-m']);
  if (mod !== undefined) {
    // Modules that are a program the gate reads (`python -m tox` runs the project's tox configuration).
    if (/^(?:pip|tox|nox|pdm|hatch|poethepoet|build|uv)$/.test(mod))
      c.run([MODULE_PROGRAMS[mod] ?? mod, ...c.args.slice(c.args.indexOf('-m') + 2)]);
    // A module of the project (the working directory is the first place Python looks): its code runs.
    else
      judgePythonModule(c, mod, [classifyPath('.', { workspace: c.ctx.workspace, cwd: c.cwd }).path], true);
    if (/^(http\.server|SimpleHTTPServer|smtpd|pty)$/.test(mod))
      report(c.ctx, 'net.raw-socket', `python -m ${mod}`);
    moduleFiles(c, mod);
    return;
  }
  const script = operands(c.args, ['-W', '-X', '-Q'])[0];
  if (script && script !== '-') {
    touch(c.ctx, script, 'exec', c.cwd);
    judgeCodeRun(c, script, 'python');
    return;
  }
  const stdin = stdinText(c);
  if (stdin !== undefined) scanPython(stdin, c.ctx, shell);
  else if (c.cmd.pipeFrom) stdinSource(c);
};

const evalHandler: Handler = (c) => {
  const text = c.args.join(' ');
  if (text.includes(UNKNOWN)) report(c.ctx, 'exec.dynamic', 'eval of text built at run time');
  c.shell(text.replaceAll(UNKNOWN, '"$UNKNOWN"'));
};

const watch: Handler = (c) => {
  const ops = operands(c.args, ['-n', '-d', '--interval']);
  if (ops.length === 1) c.shell(ops[0] ?? '');
  else if (ops.length > 1) c.run(ops);
};

const su: Handler = (c) => {
  report(c.ctx, 'priv.su', `su ${c.args.join(' ')}`.trim().slice(0, 80));
  const command = optionValue(c.args, ['-c', '--command']);
  if (command !== undefined) c.shell(command);
};

const swift: Handler = (c) => {
  const script = operands(c.args)[0];
  if (script && /\.(swift|rb|pl|php|js|ts|lua|tcl|r|jl)$/i.test(script)) touch(c.ctx, script, 'exec', c.cwd);
};

export const INTERPRETER_PROGRAMS: Record<string, Handler> = {
  source: sourceHandler,
  '.': sourceHandler,
  hash: rebinds,
  shopt: rebinds,
  mapfile: runsText,
  readarray: runsText,
  fc: runsText,
  sh: shellHandler,
  bash: shellHandler,
  zsh: shellHandler,
  dash: shellHandler,
  ksh: shellHandler,
  csh: shellHandler,
  tcsh: shellHandler,
  fish: shellHandler,
  ash: shellHandler,
  mksh: shellHandler,
  yash: shellHandler,
  elvish: shellHandler,
  python: python,
  python2: python,
  python3: python,
  pypy: python,
  pypy3: python,
  php: inlineCode(['-r']),
  lua: inlineCode(['-e']),
  // Languages without a parser here: their inline code is read for the idioms that start processes, reach
  // the network or touch files (code-idioms.ts), the same scan as the scripting languages above.
  ...Object.fromEntries(Object.entries(INLINE_CODE_FLAGS).map(([name, flags]) => [name, inlineCode(flags)])),
  // The same scan, and the code files they run judged as that code given inline.
  node: inlineCode(['-e', '--eval', '-p', '--print'], CODE_FILE_RUNNERS.node),
  nodejs: inlineCode(['-e', '--eval', '-p', '--print'], CODE_FILE_RUNNERS.node),
  bun: inlineCode(INLINE_CODE_FLAGS.bun ?? [], CODE_FILE_RUNNERS.bun),
  deno: inlineCode(['eval'], CODE_FILE_RUNNERS.deno),
  tsx: inlineCode(['-e', '--eval', '-p', '--print'], CODE_FILE_RUNNERS.tsx),
  'ts-node': inlineCode(['-e', '--eval', '-p', '--print'], CODE_FILE_RUNNERS['ts-node']),
  zx: inlineCode(['--eval'], CODE_FILE_RUNNERS.zx),
  perl: inlineCode(['-e', '-E'], CODE_FILE_RUNNERS.perl),
  ruby: inlineCode(['-e'], CODE_FILE_RUNNERS.ruby),
  swift,
  osascript: swift,
  eval: evalHandler,
  watch,
  su,
  sg: su,
  newgrp: su,
};

/** Interpreters and wrappers: never offered as an "always allow" prefix. */
export const WRAPPERS = new Set([
  ...Object.keys(INTERPRETER_PROGRAMS),
  'sudo',
  'doas',
  'pkexec',
  'env',
  'xargs',
  'find',
  'nohup',
  'timeout',
  'nice',
  'ionice',
  'stdbuf',
  'time',
  'command',
  'exec',
  'builtin',
  'chroot',
  'strace',
  'ltrace',
  'gdb',
  'setsid',
  'script',
  'unbuffer',
  'flock',
  'parallel',
  'awk',
  'gawk',
  'sed',
  'busybox',
  'npx',
  'source',
  '.',
  'run-parts',
  'ssh',
  'docker',
  'kubectl',
  'make',
  'npm',
  'yarn',
  'pnpm',
]);
