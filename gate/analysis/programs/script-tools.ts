/**
 * Programs that run a script or command of their own (find -exec, xargs, sed, awk, ed, editors): the text
 * they are given is analysed as what it runs. File readers and writers are ./files.ts.
 */
import { type Call, type Handler, operands, optionValue } from '../call.js';
import { probe, report } from '../context.js';
import { touch } from '../effects.js';
import { classifyPath, projectSecretNamed, SECRET_NAME, secretUnder } from '../paths.js';
import { type SimpleCommand, UNKNOWN } from '../script.js';
import { judgePiecesWritten, sedInsertedText } from '../script-written.js';

const find: Handler = (c) => {
  const starts: string[] = [];
  let i = 0;
  while (i < c.args.length && /^-[HLP]$|^-O\d$|^-D$/.test(c.args[i] ?? '')) i += c.args[i] === '-D' ? 2 : 1;
  for (; i < c.args.length; i++) {
    const a = c.args[i] ?? '';
    if (a.startsWith('-') || a === '(' || a === '!' || a === ',') break;
    starts.push(a);
  }
  if (starts.length === 0) starts.push('.');
  for (const s of starts) touch(c.ctx, s, 'meta', c.cwd);
  const base = starts[0] ?? '.';
  const found = `${base.replace(/\/$/, '')}/${UNKNOWN}`;
  // What the tests name (`-name '.cl*'`, `-path './.claude/settings.json'`): the files found look like that.
  const named: string[] = [];
  for (let j = i; j < c.args.length - 1; j++) {
    const a = c.args[j] ?? '';
    const v = c.args[j + 1] ?? '';
    // Not an exclusion (`-not -name x`, `! -name x`, `-name x -prune`).
    if (/^(!|-not)$/.test(c.args[j - 1] ?? '') || c.args[j + 2] === '-prune') continue;
    if (/^-i?name$/.test(a) && !v.includes('/')) named.push(`${base.replace(/\/$/, '')}/${v}`);
    if (/^-i?(path|wholename)$/.test(a)) named.push(v);
  }
  for (; i < c.args.length; i++) {
    const a = c.args[i] ?? '';
    const next = c.args[i + 1] ?? '';
    if (/^-i?(name|path|wholename|regex)$/.test(a) && SECRET_NAME.test(next)) {
      const side = probe(c.ctx);
      const zone = touch(side, base, 'meta', c.cwd);
      if (zone !== 'workspace') report(c.ctx, 'search.secrets', `find ${base} ${a} ${next}`);
    }
    if (a === '-perm' && /^[-/]?[246]000$|u=s|g=s|\+s/.test(next)) {
      const zone = touch(probe(c.ctx), base, 'meta', c.cwd);
      if (zone !== 'workspace')
        report(c.ctx, 'disc.privileges', `find ${base} -perm ${next} looks for setuid programs`);
    }
    if (a === '-delete') {
      for (const s of starts) touch(c.ctx, `${s.replace(/\/$/, '')}/${UNKNOWN}`, 'delete', c.cwd);
      for (const n of named.slice(0, 8)) touch(c.ctx, n, 'delete', c.cwd);
    }
    if (/^-f(print0?|printf|ls)$/.test(a)) touch(c.ctx, next, 'write', c.cwd);
    if (/^-(exec|execdir|ok|okdir)$/.test(a)) {
      const sub: string[] = [];
      for (i++; i < c.args.length && c.args[i] !== ';' && c.args[i] !== '+'; i++) sub.push(c.args[i] ?? '');
      if (sub.length > 0) {
        foundFilesRead(c, c.args, (p) => sub.map((w) => w.split('{}').join(p)));
        c.run(sub.map((w) => w.split('{}').join(found)));
        // A move or a removal of what the tests name takes it away from there (`-name '.cl*' -exec mv {} /tmp`).
        if (/^(mv|rm|rmdir|shred|unlink)$/.test(sub[0] ?? ''))
          for (const n of named.slice(0, 8)) c.run(sub.map((w) => w.split('{}').join(n)));
      }
    }
  }
};

/**
 * `find START… [-name P] -exec CMD {}` and `find … | xargs CMD` hand every file found to a command: when a
 * start holds a secret place the name filters let through, the command is tried on that secret, and what it
 * would read there is reported (`-exec grep` reads it; `-exec ls -l`, `-exec chown` do not).
 */
function foundFilesRead(
  c: Call,
  findArgs: readonly string[],
  runOn: (path: string) => string[] | string,
): void {
  const names: string[] = [];
  const starts: string[] = [];
  let filters = false;
  let maxDepth = Number.POSITIVE_INFINITY;
  for (let i = 0; i < findArgs.length; i++) {
    const a = findArgs[i] ?? '';
    if (/^-i?name$/.test(a)) names.push(findArgs[i + 1] ?? '');
    if (a === '-maxdepth') maxDepth = Number(findArgs[i + 1] ?? '') || 0;
    if (a.startsWith('-') || a === '(' || a === '!') filters ||= starts.length > 0 || i > 0;
    else if (!filters && !/^-[HLP]$/.test(findArgs[i - 1] ?? '')) starts.push(a);
  }
  for (const s of starts.length > 0 ? starts : ['.']) {
    const { zone, path } = classifyPath(s, { workspace: c.ctx.workspace, cwd: c.cwd });
    if (zone === 'workspace') {
      // In the project, only a search that names its secrets files (`-name '.env*'`) is after them.
      const secret = names.map((n) => projectSecretNamed(n)).find((x) => x !== undefined);
      const file = secret && `${path}/${secret}`;
      if (file && c.trial(runOn(file)).some((f) => SECRET_READS.has(f.rule) && f.detail.includes('reads')))
        report(c.ctx, 'read.project-secret', `find ${s} -name hands ${secret} to a command that reads it`);
      continue;
    }
    // Outside the project (`..`, `~`, `/`), a search that names project secrets files finds other projects'
    // (`find ~ -name .env -exec cat {} +`): judged as the same command handed this project's would be.
    const named = names.map((n) => projectSecretNamed(n)).find((x) => x !== undefined);
    if (
      named &&
      c
        .trial(runOn(`${c.ctx.workspace}/${named}`))
        .some((f) => SECRET_READS.has(f.rule) && f.detail.includes('reads'))
    ) {
      report(
        c.ctx,
        'read.secret-tree',
        `find ${s} -name hands other projects' ${named} files to a command that reads them`,
      );
      continue;
    }
    const hit =
      names.length > 0
        ? names.map((n) => secretUnder(path, n, maxDepth)).find((x) => x !== undefined)
        : secretUnder(path, undefined, maxDepth);
    if (!hit) continue;
    const read = c.trial(runOn(hit)).find((f) => SECRET_READS.has(f.rule) && f.detail.includes('reads'));
    if (read)
      report(
        c.ctx,
        'read.secret-tree',
        `find ${s} hands the files it finds to a command, which reads ${hit}`,
      );
  }
}

/** Findings that say a credential was read. */
const SECRET_READS = new Set([
  'read.ssh-key',
  'read.secret',
  'read.password-db',
  'read.history',
  'read.browser',
  'read.keychain',
  'read.agent-credentials',
  'read.project-secret',
  'read.secret-tree',
]);

const xargs: Handler = (c) => {
  // `-a FILE` reads the items from FILE: its contents reach the command line (`xargs -a .env echo`).
  const argFile = optionValue(c.args, ['-a', '--arg-file']);
  if (argFile && argFile !== '-') touch(c.ctx, argFile, 'read', c.cwd);
  const withValue = [
    '-I',
    '-d',
    '-n',
    '-L',
    '-P',
    '-s',
    '-E',
    '-a',
    '--delimiter',
    '--max-args',
    '--max-procs',
    '--arg-file',
    // BSD xargs: -J names the replacement string, -R bounds the replacements.
    '-J',
    '-R',
  ];
  let i = 0;
  let replace: string | undefined;
  for (; i < c.args.length; i++) {
    const a = c.args[i] ?? '';
    if (!a.startsWith('-')) break;
    if (a === '-I' || a === '-J') replace = c.args[i + 1];
    else if (a.startsWith('-I')) replace = a.slice(2);
    else if (a === '-i' || a.startsWith('--replace')) replace = '{}';
    if (withValue.includes(a)) i++;
  }
  const producer = c.cmd.pipeFrom;
  let item = UNKNOWN;
  if (producer && producer.argv[0] === 'find') {
    const inner = c.args.slice(i);
    foundFilesRead(c, producer.argv.slice(1), (p) =>
      replace ? inner.map((w) => w.split(replace as string).join(p)) : [...inner, p],
    );
    const start = producer.argv.slice(1).find((x) => !x.startsWith('-')) ?? '.';
    item = `${start.replace(/\/$/, '')}/${UNKNOWN}`;
  }
  const inner = c.args.slice(i);
  if (inner.length === 0) return;
  // `echo ~/.ssh/id_rsa | xargs cat`: the items are the producer's static words, each run like a literal.
  const words =
    producer && (producer.argv[0] === 'echo' || producer.argv[0] === 'printf')
      ? producer.argv
          .slice(1)
          .filter((w) => !/^-[neE]+$/.test(w))
          .flatMap((w) => w.split(/\s+|\\n/))
          .filter((w) => w !== '')
          .slice(0, 32)
      : [];
  const items = words.length > 0 ? words : [item];
  for (const it of items) c.run(replace ? inner.map((w) => w.split(replace).join(it)) : [...inner, it]);
};

/** Options of GNU parallel that take a value. */
const PARALLEL_VALUE =
  /^(-[jSIdEnNLaC]|--(jobs|sshlogin|sshloginfile|slf|arg-file|delimiter|eof|max-args|max-lines|colsep|joblog|results|tmpdir|delay|timeout|retries|env|workdir|wd|basefile|bf|transferfile|tf|return|tag-string|halt|memfree|load|shebang-wrap|sql|sqlmaster|sqlworker|rpl|plus|tmux|termseq|limit|nice|ssh|group-by|block|blocksize|header|cat|fifo|compress-program|decompress-program|semaphorename|id|fg|seqreplace))$/;

/**
 * GNU parallel runs its command (through a shell) once per argument given after `:::` (or read from `::::`
 * files or stdin), `{}` replaced by the argument or the argument appended; with no command, each argument is
 * a command. `-S host` runs them on another host.
 */
const parallel: Handler = (c) => {
  let i = 0;
  let replace = '{}';
  for (; i < c.args.length; i++) {
    const a = c.args[i] ?? '';
    if (!a.startsWith('-') || a === ':::' || a === '::::') break;
    if (/^(-S|--sshlogin|--sshloginfile|--slf)(=|$)|^-S./.test(a))
      report(c.ctx, 'net.remote-shell', `parallel ${a} ${c.args[i + 1] ?? ''} runs commands on another host`);
    if (a === '-I') replace = c.args[i + 1] ?? replace;
    if (PARALLEL_VALUE.test(a)) i++;
  }
  const rest = c.args.slice(i);
  const sep = rest.findIndex((a) => a === ':::' || a === '::::' || a === ':::+' || a === '::::+');
  const command = (sep < 0 ? rest : rest.slice(0, sep)).join(' ');
  const items: string[] = [];
  let files = false;
  for (const a of sep < 0 ? [] : rest.slice(sep)) {
    if (/^::::?\+?$/.test(a)) files = a.startsWith('::::');
    else if (files) touch(c.ctx, a, 'read', c.cwd);
    else items.push(a);
  }
  if (sep < 0 && command === '' && !c.cmd.pipeFrom && c.cmd.stdinText === undefined) return;
  if (sep < 0 || files) {
    if (c.cmd.pipeFrom?.argv[0] === 'find')
      foundFilesRead(c, c.cmd.pipeFrom.argv.slice(1), (p) =>
        command === '' ? p : command.includes(replace) ? command.split(replace).join(p) : `${command} ${p}`,
      );
    items.push(UNKNOWN);
  }
  const quote = (w: string) => (/^[\w@%+=:,./~*?[\]-]*$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`);
  for (const item of items.slice(0, 32)) {
    if (command === '') c.shell(item);
    else if (/\{[\d./#%+]*\}/.test(command) || command.includes(replace))
      c.shell(
        command
          .split(replace)
          .join(quote(item))
          .replace(/\{[\d./#%+]*\}/g, quote(item)),
      );
    else c.shell(`${command} ${quote(item)}`);
  }
};

const sed: Handler = (c) => {
  const explicit = c.args.some((a) => a === '-e' || a === '-f' || a.startsWith('--expression'));
  const ops = operands(c.args, ['-e', '-f', '--expression', '--file', '-l']);
  const files = explicit ? ops : ops.slice(1);
  const inPlace = c.args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith('--in-place'));
  for (const p of files) touch(c.ctx, p, inPlace ? 'write' : 'read', c.cwd);
  if (!inPlace) return;
  // What an in-place edit puts into a script or build file is judged as written there.
  const scripts = explicit
    ? c.args.flatMap((a, i) =>
        c.args[i - 1] === '-e' || c.args[i - 1] === '--expression'
          ? [a]
          : a.startsWith('--expression=')
            ? [a.slice(13)]
            : [],
      )
    : ops.slice(0, 1);
  const pieces = scripts.flatMap(sedInsertedText);
  for (const p of files.slice(0, 16)) judgePiecesWritten(c, p, pieces);
};

const awk: Handler = (c) => {
  const explicit = c.args.some((a) => a === '-f');
  // gawk's `-i inplace` (or `-i inplace.awk`, `--include=inplace`) rewrites the files it is given.
  const inPlace = c.args.some(
    (a, i) => (/^(-i|--include)$/.test(c.args[i - 1] ?? '') || /^--include=/.test(a)) && /inplace/.test(a),
  );
  const ops = operands(c.args, ['-F', '-v', '-f', '-i', '--include', '-E']);
  const program = explicit ? '' : (ops.shift() ?? '');
  // A `|` inside a string literal is text (`print a"|"b`); outside one it pipes to a command.
  const code = program.replace(/"(?:\\.|[^"\\])*"/g, '""');
  if (/\bsystem\s*\(|\|\s*getline|print[^;}]*\|\s*"|\|&/.test(code))
    report(c.ctx, 'exec.interpreter-code', 'awk program runs commands');
  for (const m of program.matchAll(/>>?\s*"([^"]+)"/g)) touch(c.ctx, m[1] ?? '', 'write', c.cwd);
  for (const p of ops) if (!p.includes('=')) touch(c.ctx, p, inPlace ? 'write' : 'read', c.cwd);
};

const editor: Handler = (c) => {
  for (const p of operands(c.args, ['-c', '-S', '-u'])) touch(c.ctx, p, 'write', c.cwd);
};

const ed: Handler = (c) => {
  for (const p of operands(c.args)) touch(c.ctx, p, 'write', c.cwd);
  const script = c.cmd.stdinText ?? pipedText(c);
  for (const m of script.matchAll(/(?:^|\\n|\n)\s*([erw])\s+(\/[^\s\\]+)/g))
    touch(c.ctx, m[2] ?? '', m[1] === 'w' ? 'write' : 'read', c.cwd);
};

/** Text an `echo`/`printf` earlier in the pipe feeds to this command, when static. */
export function pipedText(c: Call): string {
  return c.cmd.pipeFrom ? producedText(c.cmd.pipeFrom) : '';
}

/** The text `echo`, `printf` or `yes` prints (their words), '' for any other producer. */
export function producedText(from: Pick<SimpleCommand, 'argv'>): string {
  if (from.argv[0] !== 'echo' && from.argv[0] !== 'printf' && from.argv[0] !== 'yes') return '';
  return from.argv
    .slice(1)
    .filter((a) => !/^-[neE]+$/.test(a))
    .join(' ');
}

/** Handlers of the programs above, by name. */
export const SCRIPT_TOOL_PROGRAMS: Record<string, Handler> = {
  find,
  xargs,
  parallel,
  sem: parallel,
  sed,
  gsed: sed,
  awk,
  gawk: awk,
  mawk: awk,
  nawk: awk,
  ed,
  vi: editor,
  vim: editor,
  nano: editor,
  emacs: editor,
};
