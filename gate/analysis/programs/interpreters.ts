import { type Call, type Handler, operands, optionValue } from '../call.js';
import { guardedLiteralsWritten, inPlaceEdits, moduleFiles, scanEnvironmentDump } from '../code-effects.js';
import { RUNS_COMMAND, RUNS_COMMAND_BARE } from '../code-idioms.js';
import { report } from '../context.js';
import { touch } from '../effects.js';
import { scanHomeJoins } from '../home-paths.js';
import { INLINE_CODE_FLAGS } from '../option-table.js';
import { isSecretFileName } from '../paths.js';
import { bindPositional } from '../positional.js';
import { scanPython } from '../python.js';
import { UNKNOWN } from '../script.js';
import { judgePythonRun, judgeScriptRun } from '../script-written.js';
import { writtenText } from '../written-text.js';
import { producedText } from './script-tools.js';
import { WARD_IMPORT } from './ward.js';

const DOWNLOADERS = /^(curl|wget|fetch|http|aria2c)$/;
const DECODERS = /^(base64|base32|basenc|xxd|openssl|uudecode|gunzip|zcat|rev)$/;

/**
 * The text an interpreter reads on standard input when it is given in the command itself: a here-document or
 * here-string of its own, or one that `cat` (no file operands) passes on through a pipe
 * (`cat <<EOF | bash`).
 */
function stdinText(c: Call): string | undefined {
  if (c.cmd.stdinText !== undefined) return c.cmd.stdinText;
  const from = c.cmd.pipeFrom;
  const passes = from && from.argv[0] === 'cat' && from.argv.slice(1).every((a) => a === '-');
  return passes ? from.stdinText : undefined;
}

/** What feeds standard input of an interpreter reading a script from a pipe. */
function stdinSource(c: Call): void {
  let from = c.cmd.pipeFrom;
  // A bare `cat` passes on what it reads: the text comes from the command before it (`echo … | cat | bash`).
  while (from?.argv[0] === 'cat' && from.argv.length === 1 && from.pipeFrom) from = from.pipeFrom;
  if (!from) return;
  const producer = from.argv[0] ?? '';
  const upstream = (cmd = from): string[] =>
    cmd.pipeFrom ? [...upstream(cmd.pipeFrom), cmd.argv[0] ?? ''] : [cmd.argv[0] ?? ''];
  const chain = upstream();
  if (chain.some((p) => DOWNLOADERS.test(p))) {
    report(c.ctx, 'supply.curl-sh', `${chain.join(' | ')} | ${c.name}`);
    report(c.ctx, 'exec.download-pipe', `${producer} output runs in ${c.name}`);
  } else if (chain.some((p) => DECODERS.test(p))) {
    report(c.ctx, 'exec.decode-pipe', `${chain.join(' | ')} | ${c.name}`);
  } else if (producer === 'echo' || producer === 'printf' || producer === 'yes') {
    const text = producedText(from);
    if (text.includes(UNKNOWN)) report(c.ctx, 'exec.dynamic', `${c.name} runs text built at run time`);
    else c.shell(text);
  } else if (producer !== 'cat' || from.argv.length > 1) {
    report(c.ctx, 'exec.dynamic', `${c.name} runs the output of ${producer}`);
  }
}

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
    return;
  }
  const stdin = stdinText(c);
  if (stdin !== undefined) c.shell(stdin);
  else stdinSource(c);
};

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
    if (/^pip$/.test(mod)) c.run(['pip', ...c.args.slice(c.args.indexOf('-m') + 2)]);
    if (/^(http\.server|SimpleHTTPServer|smtpd|pty)$/.test(mod))
      report(c.ctx, 'net.raw-socket', `python -m ${mod}`);
    moduleFiles(c, mod);
    return;
  }
  const script = operands(c.args, ['-W', '-X', '-Q'])[0];
  if (script && script !== '-') {
    touch(c.ctx, script, 'exec', c.cwd);
    judgePythonRun(c, script);
    return;
  }
  const stdin = stdinText(c);
  if (stdin !== undefined) scanPython(stdin, c.ctx, shell);
  else if (c.cmd.pipeFrom) stdinSource(c);
};

/** The code argument of `-e CODE`, also inside short clusters such as perl's `-lne CODE`. */
function inlineCodeArg(args: string[], flags: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (flags.includes(a)) return args[i + 1];
    if (/^-[a-zA-Z]+$/.test(a) && flags.some((f) => f.length === 2 && a.endsWith(f.slice(1))))
      return args[i + 1];
    const long = flags.find((f) => f.startsWith('--') && a.startsWith(`${f}=`));
    if (long) return a.slice(long.length + 1);
    // `perl -e'code'`: the code glued to its flag.
    const glued = flags.find(
      (f) => f.length === 2 && a.startsWith(f) && a.length > 2 && !/^-[a-zA-Z]+$/.test(a),
    );
    if (glued) return a.slice(2);
  }
  return undefined;
}

const DECODES =
  /decode_base64|b64decode|base64\.decode|atob\s*\(|Buffer\.from\([^)]*['"]base64|unpack\(\s*['"]m|\.unpack1?\(\s*['"]m|Base64\.decode/;

/** A call that opens a file for reading, its relative name, and what follows (an open's mode). */
const READ_CALL =
  /\b(readFile\w*|createReadStream|File\.(?:read|open|readlines|foreach|binread)|IO\.(?:read|readlines)|file_get_contents|file|fopen|open)(?:\s*\(\s*|\s+)(?:(?:my\s+)?[\w$]+\s*,\s*)?(?:['"][<+]{1,2}['"]\s*,\s*)?['"]<?\s*([\w.-][^'"\s]*)['"]([^)]{0,20})/g;

/** A call that writes or removes a file named relative to the working directory (the name is group 2). */
const WRITE_CALL =
  /\b(writeFile\w*|appendFile\w*|createWriteStream|copyFile\w*\s*\(\s*['"][^'"]*['"]\s*,|rename\w*\s*\(\s*['"][^'"]*['"]\s*,|unlink\w*|rm\w*|File\.(?:write|delete|unlink)|IO\.write|file_put_contents|unlink|fopen\s*\(\s*['"][^'"]+['"]\s*,\s*['"][wax])\s*\(?\s*['"]([\w.-][^'"\s]*)['"]/g;

/** The first argument of a rename, a move or a tree removal, named relative to the working directory. */
const MOVED_FROM =
  /\b(?:rename\w*|move|mv|rmtree|rm_rf|rm_r|rmdirSync|rmSync|rmdir|remove_dir_all)\s*\(?\s*['"]([\w.~-][^'"\s]*)['"]/g;

/** node/perl/ruby/php inline code: a keyword scan for commands, sockets, HTTP and file writes. */
const inlineCode =
  (flags: readonly string[]): Handler =>
  (c) => {
    const code = inlineCodeArg(c.args, flags) ?? stdinText(c);
    if (code === undefined) {
      const script = operands(c.args, ['-I', '-M', '-r', '-e', '-E'])[0];
      if (script && script !== '-') touch(c.ctx, script, 'exec', c.cwd);
      else if (c.cmd.pipeFrom) stdinSource(c);
      return;
    }
    const runs =
      RUNS_COMMAND.test(code) ||
      RUNS_COMMAND_BARE.test(code) ||
      /\bexecSync\b|\bspawn\w*\(|`[^`]*`|\bqx\b|\bpopen\b/.test(code);
    const network =
      /\bnet\.(connect|createConnection)|require\(['"](net|tls|dgram|https?)['"]\)|\bSocket\b|IO::Socket|fsockopen|TCPSocket|\bhttps?\.(get|request)|\bfetch\s*\(|LWP|Net::|open-uri|Net::HTTP/.test(
        code,
      );
    if (runs && network && /\/bin\/(ba|z|da)?sh|\bsh\b.*-i|\bpipe\(|STDIN|stdin|dup2|\bsocket\b/i.test(code))
      report(c.ctx, 'revshell.interpreter', `${c.name} code wires a socket to a shell`);
    else if (runs) report(c.ctx, 'exec.interpreter-code', `${c.name} code runs commands`);
    if (network) report(c.ctx, 'net.raw-socket', `${c.name} code uses the network`);
    if (/\beval\s*\(\s*(?!['"])/.test(code))
      report(c.ctx, 'exec.interpreter-code', `${c.name} evaluates run-time code`);
    if (DECODES.test(code)) report(c.ctx, 'evade.obfuscated', `${c.name} one-liner decodes hidden content`);
    scanHomeJoins(code, c.ctx);
    // A project's secret opened for reading by a name relative to the working directory (`readFileSync('.env')`,
    // `File.read("id_rsa")`); writing, removing or naming one in a message is not reading it.
    for (const m of code.matchAll(READ_CALL)) {
      const rel = m[2] ?? '';
      if (isSecretFileName(rel.slice(rel.lastIndexOf('/') + 1)) && !/^\s*,\s*['"][wax]/.test(m[3] ?? ''))
        touch(c.ctx, rel, 'read', c.cwd);
    }
    // Written by a relative name (`writeFileSync('.claude/settings.json', …)`): a write where it lands, as the
    // shell's (the agent's own hook configuration, Ward's, git hooks are protected places).
    for (const m of code.matchAll(WRITE_CALL)) touch(c.ctx, m[2] ?? '', 'write', c.cwd);
    // A rename's or a move's source is gone from where it was (`fs.renameSync('.claude', …)`, `rename ".claude", …`).
    for (const m of code.matchAll(MOVED_FROM)) touch(c.ctx, m[1] ?? '', 'delete', c.cwd, true);
    scanEnvironmentDump(c, code);
    inPlaceEdits(c, code);
    guardedLiteralsWritten(c, code);
    if (WARD_IMPORT.test(code)) report(c.ctx, 'read.agent-credentials', `${c.name} code loads Ward's CLI`);
    // `perl -ne 'print' .env`, `ruby -ne …`: a line loop reads the files named after its code.
    const at = c.args.indexOf(code);
    if (at > 0 && c.args.slice(0, at).some((a) => /^-[a-zA-Z]*[np][a-zA-Z]*$/.test(a)))
      for (const f of c.args
        .slice(at + 1)
        .filter((a) => !a.startsWith('-'))
        .slice(0, 256))
        touch(c.ctx, f, 'read', c.cwd);
    for (const m of code.matchAll(/['"]((?:\/|~\/)[^'"\s]+)['"]/g)) {
      const path = m[1] ?? '';
      const writes = new RegExp(
        `(writeFile\\w*|appendFile\\w*|unlink\\w*|rm\\w*|open\\s*\\([^)]*['"]>{1,2})[^;]*${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
      ).test(code);
      touch(c.ctx, path, writes ? 'write' : 'read', c.cwd);
    }
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
  node: inlineCode(['-e', '--eval', '-p', '--print']),
  deno: inlineCode(['eval']),
  perl: inlineCode(['-e', '-E']),
  ruby: inlineCode(['-e']),
  php: inlineCode(['-r']),
  lua: inlineCode(['-e']),
  // Languages without a parser here: their inline code is read for the idioms that start processes, reach
  // the network or touch files (code-idioms.ts), the same scan as the scripting languages above.
  ...Object.fromEntries(Object.entries(INLINE_CODE_FLAGS).map(([name, flags]) => [name, inlineCode(flags)])),
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
