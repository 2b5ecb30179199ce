/**
 * Inline code of node, perl, ruby, php and the other scripting languages (`node -e`, `perl -ne`, `ruby -e`):
 * a keyword scan for the commands it runs, sockets, HTTP, file writes, secrets read and code fetched and run.
 * A code file these interpreters run is judged as the same code given inline (script-written.ts).
 */
import { type Call, type Handler, operands } from '../call.js';
import { codeCommands, languageOf } from '../code-commands.js';
import {
  guardedLiteralsWritten,
  inPlaceEdits,
  runsFetchedCode,
  scanEnvironmentDump,
} from '../code-effects.js';
import { isWebRoute, RUNS_COMMAND, RUNS_COMMAND_BARE } from '../code-idioms.js';
import { foldLiterals } from '../code-strings.js';
import { report } from '../context.js';
import { touch } from '../effects.js';
import { scanHomeJoins } from '../home-paths.js';
import { isSecretFileName } from '../paths.js';
import { stdinSource, stdinText } from './stdin-code.js';
import { WARD_IMPORT } from './ward.js';

/** The code argument of `-e CODE`, also inside short clusters such as perl's `-lne CODE`. */
export function inlineCodeArg(args: string[], flags: readonly string[]): string | undefined {
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

/** Code that decodes hidden content (base64 and the like). */
export const DECODES =
  /decode_base64|b64decode|base64\.decode|atob\s*\(|Buffer\.from\([^)]*['"]base64|unpack\(\s*['"]m|\.unpack1?\(\s*['"]m|Base64\.decode/;

/** A call that opens a file for reading, its relative name, and what follows (an open's mode). */
const READ_CALL =
  /\b(readFile\w*|createReadStream|File\.(?:read|open|readlines|foreach|binread)|IO\.(?:read|readlines)|file_get_contents|file|fopen|open)(?:\s*\(\s*|\s+)(?:(?:my\s+)?[\w$]+\s*,\s*)?(?:['"][<+]{1,2}['"]\s*,\s*)?['"]<?\s*([\w.-][^'"\s]*)['"]([^)]{0,20})/g;

/** A call that writes or removes a file named relative to the working directory (the name is group 2). */
const WRITE_CALL =
  /\b(writeFile\w*|writeTextFile\w*|Bun\.write|appendFile\w*|createWriteStream|copyFile\w*\s*\(\s*['"][^'"]*['"]\s*,|rename\w*\s*\(\s*['"][^'"]*['"]\s*,|unlink\w*|rm\w*|File\.(?:write|delete|unlink)|IO\.write|file_put_contents|unlink|fopen\s*\(\s*['"][^'"]+['"]\s*,\s*['"][wax])\s*\(?\s*['"]([\w.-][^'"\s]*)['"]/g;

/** The first argument of a rename, a move or a tree removal, named relative to the working directory. */
const MOVED_FROM =
  /\b(?:rename\w*|move|mv|rmtree|rm_rf|rm_r|rmdirSync|rmSync|rmdir|remove_dir_all)\s*\(?\s*['"]([\w.~-][^'"\s]*)['"]/g;

/**
 * A file opened for writing by a name relative to the working directory (group 1, 2 or 3): Perl's
 * `open(my $fh, '>', 'x')` and `open(FH, ">x")`, Ruby's and Python's `File.open('x', 'w')`.
 */
const OPEN_FOR_WRITE =
  /\bopen\s*\(?\s*(?:my\s+)?[\w$]+\s*,\s*(?:['"]\+?>{1,2}['"]\s*,\s*['"]([\w.-][^'"\s]*)['"]|['"]\+?>{1,2}\s*([\w.-][^'"\s]*)['"])|\b(?:File\.)?open\s*\(\s*['"]([\w.-][^'"\s]*)['"]\s*,\s*['"][wa]/g;

/**
 * JavaScript that starts processes: child_process (named, or reached through a module name put together at run
 * time), its calls by name, execa, shelljs, zx, Bun's and Deno's process APIs, `process.binding`.
 */
const JS_RUNS =
  /child_process|\b(?:execSync|execFileSync|execFile|spawnSync|spawn|execa\w*)\s*\(|\bshelljs\b|['"]zx(?:\/globals)?['"]|Bun\.spawn|Deno\.(?:Command|run)\b|process\.binding\b|\b(?:require|import)\s*\(\s*(?!['"`])[^)]*\)\s*\.\s*exec\w*\s*\(/;

/** Code that opens a raw connection (not HTTP): what a shell wired to a socket needs. */
const RAW_SOCKET =
  /\bnet\.(?:connect|createConnection|createServer)\b|\bnew\s+(?:net\.)?Socket\b|require\s*\(?\s*['"](?:node:)?(?:net|tls|dgram|socket)['"]|IO::Socket|\bSocket\b|\bsocket\s*\(|fsockopen|TCPSocket|TCPServer|UNIXSocket/;
/** A shell given the connection: a shell by its path, an interactive one, descriptors duplicated. */
const SHELL_WIRED = /\/bin\/(?:ba|z|da)?sh\b|\b(?:ba|z|da)?sh\b['"]?\s*,?\s*\[?\s*['"]?-i\b|dup2/;
/** Standard input or a pipe handed on: a shell wired to a socket when the code opens one. */
const STDIO_WIRED = /\bpipe\(|STDIN|stdin|\bsocket\b/i;

/**
 * node/perl/ruby/php inline code, scanned; without inline code, `files` says what the command runs (by default the
 * script named is run, unread).
 */
export const inlineCode =
  (flags: readonly string[], files?: Handler): Handler =>
  (c) => {
    const given = inlineCodeArg(c.args, flags) ?? stdinText(c);
    if (given === undefined) {
      const script = operands(c.args, ['-I', '-M', '-r', '-e', '-E'])[0];
      if (files) files(c);
      else if (script && script !== '-') touch(c.ctx, script, 'exec', c.cwd);
      if (!(script && script !== '-') && c.cmd.pipeFrom) stdinSource(c);
      return;
    }
    scanInlineCode(c, given);
  };

/** What inline code does: the commands it runs, the network, files read and written, code fetched and run. */
function scanInlineCode(c: Call, given: string): void {
  // Names put together from pieces (`'.cl' + 'aude'`) are read as the names they make.
  const code = foldLiterals(given);
  const lang = languageOf(c.name);
  // In JavaScript backticks are template strings and `exec(` is as often a regular expression's.
  const runs =
    lang === 'js'
      ? JS_RUNS.test(code)
      : RUNS_COMMAND.test(code) ||
        RUNS_COMMAND_BARE.test(code) ||
        /\bexecSync\b|\bspawn\w*\(|`[^`]*`|\bqx\b|\bpopen\b/.test(code);
  const network =
    /\bnet\.(connect|createConnection)|require\(['"](net|tls|dgram|https?)['"]\)|\bSocket\b|IO::Socket|fsockopen|TCPSocket|\bhttps?\.(get|request)|\bfetch\s*\(|LWP|Net::|open-uri|Net::HTTP/.test(
      code,
    );
  // In a whole file, standard input and a web request together are everyday (a CLI that reads stdin and calls
  // an API): they count as a shell wired to a socket only with a raw connection.
  if (runs && network && (SHELL_WIRED.test(code) || (RAW_SOCKET.test(code) && STDIO_WIRED.test(code))))
    report(c.ctx, 'revshell.interpreter', `${c.name} code wires a socket to a shell`);
  else if (runs) report(c.ctx, 'exec.interpreter-code', `${c.name} code runs commands`);
  if (network) report(c.ctx, 'net.raw-socket', `${c.name} code uses the network`);
  if (/\beval\s*\(\s*(?!['"])|\bnew\s+Function\s*\(|\bvm\.(?:runIn\w+|compileFunction)\s*\(/.test(code))
    report(c.ctx, 'exec.interpreter-code', `${c.name} evaluates run-time code`);
  if (runsFetchedCode(code)) report(c.ctx, 'exec.download-pipe', `${c.name} code fetches code and runs it`);
  // The command lines it hands to a shell or starts, judged as typed (`execSync('curl … | sh')`).
  if (lang) for (const text of codeCommands(code, lang)) c.shell(text);
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
  for (const m of code.matchAll(OPEN_FOR_WRITE)) touch(c.ctx, m[1] ?? m[2] ?? m[3] ?? '', 'write', c.cwd);
  // A rename's or a move's source is gone from where it was (`fs.renameSync('.claude', …)`, `rename ".claude", …`).
  for (const m of code.matchAll(MOVED_FROM)) touch(c.ctx, m[1] ?? '', 'delete', c.cwd, true);
  scanEnvironmentDump(c, code);
  inPlaceEdits(c, given);
  guardedLiteralsWritten(c, code);
  if (WARD_IMPORT.test(code)) report(c.ctx, 'read.agent-credentials', `${c.name} code loads Ward's CLI`);
  // `perl -ne 'print' .env`, `ruby -ne …`: a line loop reads the files named after its code.
  const at = c.args.indexOf(given);
  if (at > 0 && c.args.slice(0, at).some((a) => /^-[a-zA-Z]*[np][a-zA-Z]*$/.test(a)))
    for (const f of c.args
      .slice(at + 1)
      .filter((a) => !a.startsWith('-'))
      .slice(0, 256))
      touch(c.ctx, f, 'read', c.cwd);
  // A place in the filesystem named whole (not a web route such as `app.get('/api/tokens', …)`). Bounded: a code
  // file holds many such names and statements.
  const places = [...code.matchAll(/['"]((?:\/|~\/)[^'"\s]+)['"]/g)].filter(
    (m) => !isWebRoute(code, m.index ?? 0, m[1] ?? ''),
  );
  for (const m of places.slice(0, 64)) {
    const path = m[1] ?? '';
    const writes = new RegExp(
      `(writeFile\\w*|appendFile\\w*|unlink\\w*|rm\\w*|open\\s*\\([^)]*['"]>{1,2})[^;]{0,512}${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
    ).test(code);
    touch(c.ctx, path, writes ? 'write' : 'read', c.cwd);
  }
}
