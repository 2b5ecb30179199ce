import { type Call, type Handler, hasFlag, operands, optionValue } from '../call.js';
import { probe, report } from '../context.js';
import { touch } from '../effects.js';
import { outputOperands, UNIQ_VALUED, XXD_VALUED } from '../output-files.js';
import { projectSecretNamed } from '../paths.js';
import { display } from '../script.js';
import { ARCHIVE_PROGRAMS } from './archives.js';
import { RENAME_PROGRAMS } from './rename.js';
import { SCRIPT_TOOL_PROGRAMS } from './script-tools.js';
import { SSH_KEYGEN_PROGRAMS } from './ssh-keygen.js';

/** Every operand is read, but those that name the program's output (`uniq IN OUT`: output-files.ts). */
const readAll =
  (withValue: readonly string[] = []): Handler =>
  (c) => {
    const written = outputOperands(c);
    for (const p of operands(c.args, withValue))
      if (p !== '-' && !written.includes(p)) touch(c.ctx, p, 'read', c.cwd);
  };
const patternFirst =
  (withValue: readonly string[]): Handler =>
  (c) => {
    const ops = operands(c.args, withValue);
    const explicit = c.args.some(
      (a) => a === '-e' || a === '-f' || a.startsWith('--regexp') || a.startsWith('--file'),
    );
    // ripgrep and ag always recurse but skip dot directories (where secrets live) unless told not to.
    const recursive =
      c.name === 'rgrep' ||
      c.name === 'ack' ||
      (c.name === 'rg' || c.name === 'ag'
        ? c.args.some((a) =>
            /^(-[a-zA-Z]*(uu|\.)[a-zA-Z]*|--hidden|--unrestricted|--no-ignore-dot|--all-types)$/.test(a),
          )
        : hasFlag(c.args, 'r', '--recursive') || hasFlag(c.args, 'R'));
    const searched = explicit ? ops : ops.slice(1);
    for (const p of searched) touch(c.ctx, p, 'read', c.cwd, recursive);
    // A recursive search told to look only into secrets' names (`--include='.env*'`, `-g '*.pem'`) reads them.
    if (recursive || c.name === 'rg' || c.name === 'ag')
      for (const name of secretsPicked(c.args))
        for (const dir of searched.length > 0 ? searched : ['.'])
          touch(c.ctx, `${dir}/${name}`, 'read', c.cwd);
  };

/** Secret files a content search's filter may single out, besides the `.env` family (`find -name` knows those). */
const SEARCHED_SECRETS = ['credentials.json', 'secrets.yml', 'id_rsa', 'key.pem'];

/** The secret names a search's include filters pick out (none without a filter: a whole tree is not a read). */
function secretsPicked(args: readonly string[]): string[] {
  const globs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const eq = /^(--include|--glob|--iglob)=(.*)$/.exec(a);
    if (eq) globs.push(eq[2] ?? '');
    else if (/^(--include|--glob|--iglob|-g)$/.test(a)) globs.push(args[++i] ?? '');
  }
  const picked = new Set<string>();
  for (const g of globs.slice(0, 16)) {
    if (g.startsWith('!') || g.length > 200) continue;
    // A filter as wide as ordinary files (`*.json`, `*`) is a search of those, not of secrets.
    const name = projectSecretNamed(g.slice(g.lastIndexOf('/') + 1), SEARCHED_SECRETS);
    if (name) picked.add(name);
  }
  return [...picked];
}
const metaAll: Handler = (c) => {
  for (const p of operands(c.args)) touch(c.ctx, p, 'meta', c.cwd);
};
/** A digest or count of a file; `-c`/`--check` reads a list of names and prints them with the verdict. */
const digest: Handler = (c) => {
  const lists = c.args.some((a) => /^(-[a-zA-Z]*c|--check|--files0-from.*)$/.test(a)) && c.name !== 'wc';
  for (const p of operands(c.args, ['-a', '-l', '--algorithm', '--length']))
    touch(c.ctx, p, lists ? 'read' : 'meta', c.cwd);
};
const listAll: Handler = (c) => {
  for (const p of operands(c.args, ['-I', '-w', '-T'])) touch(c.ctx, p, 'list', c.cwd);
};
const writeAll =
  (withValue: readonly string[] = []): Handler =>
  (c) => {
    for (const p of operands(c.args, withValue)) touch(c.ctx, p, 'write', c.cwd);
  };
/** cp/mv/rsync-like: sources are read (deleted for mv), the last operand is written. */
const copyLike =
  (removeSources: boolean, withValue: readonly string[] = []): Handler =>
  (c) => {
    const ops = operands(c.args, withValue);
    const target = optionValue(c.args, ['-t', '--target-directory']);
    const dest = target ?? ops.pop();
    for (const src of ops) {
      touch(c.ctx, src, removeSources ? 'delete' : 'read', c.cwd);
      if (/(^|\/)(ba|z|da|k)?sh$/.test(src) || c.cmd.raw.some((r) => /which\s+(ba|z|da)?sh\b/.test(r)))
        report(c.ctx, 'evade.masquerade', `copies a shell binary to ${dest ?? '?'}`);
    }
    if (dest === undefined) return;
    touch(c.ctx, dest, 'write', c.cwd);
    // Into a directory, each source lands under its own name (`cp -r /tmp/x/.claude .` writes ./.claude).
    for (const src of ops.slice(0, 64)) {
      const name = src.replace(/\/+$/, '').split('/').pop();
      if (name && name !== '.' && name !== '..' && !/[*?[]/.test(name))
        touch(c.ctx, `${dest.replace(/\/+$/, '')}/${name}`, 'write', c.cwd);
    }
  };

const rm: Handler = (c) => {
  const recursive = hasFlag(c.args, 'r', '--recursive') || hasFlag(c.args, 'R');
  if (c.args.includes('--no-preserve-root')) report(c.ctx, 'destroy.rm-root', 'rm --no-preserve-root');
  for (const p of operands(c.args)) touch(c.ctx, p, 'delete', c.cwd, recursive);
};

const SETUID_MODE = /(^|,)[ugoa]*\+[rwxXt]*s|^[0-7]?[2467][0-7]{3}$/;
const chmod: Handler = (c) => {
  const ops = operands(c.args, ['--reference']);
  const mode = ops.shift() ?? '';
  if (SETUID_MODE.test(mode)) report(c.ctx, 'perm.setuid', `chmod ${mode}`);
  const recursive = hasFlag(c.args, 'R', '--recursive');
  if (recursive && /(^|,)[oa]*\+[rwxX]*w|^[0-7]?[0-7]{2}[2367]$/.test(mode))
    report(c.ctx, 'perm.world-writable', `chmod -R ${mode}`);
  permOperands(c, ops);
};
const chown: Handler = (c) => {
  const ops = operands(c.args, ['--reference', '--from']);
  const owner = ops.shift() ?? '';
  if (c.name !== 'chgrp' && /^(root|0)([:.]|$)/.test(owner))
    report(c.ctx, 'perm.root-owner', `${c.name} ${owner}`);
  permOperands(c, ops);
};
function permOperands(c: Call, ops: string[]): void {
  for (const p of ops) {
    const side = probe(c.ctx);
    const zone = touch(side, p, 'write', c.cwd);
    // A mode change inside the project (its secrets and tool files included) changes nothing outside it.
    if (['workspace', 'temp', 'null', 'project-secret', 'env-script', 'exec-config'].includes(zone)) continue;
    if (zone === 'home' || zone === 'outside' || zone === 'unknown') {
      // Taking ownership of a file elsewhere is how a privileged chown becomes a privilege escalation; a mode
      // change in the user's own data is everyday (setuid and world-writable bits are judged above).
      if (c.name !== 'chmod' && zone !== 'unknown') report(c.ctx, 'perm.outside', `${c.name} ${display(p)}`);
      continue;
    }
    if (
      side.findings.some(
        (f) => f.rule !== 'write.system' && f.rule !== 'write.home' && f.rule !== 'write.unknown',
      )
    )
      for (const f of side.findings) report(c.ctx, f.rule, f.detail);
    else report(c.ctx, 'perm.outside', `${c.name} ${display(p)}`);
  }
}

/** Rules that mean a secret place: a link to one reaches it under an innocent name. */
const SECRET_READS = new Set([
  'read.ssh-key',
  'read.secret',
  'read.password-db',
  'read.browser',
  'read.keychain',
  'read.history',
  'read.project-secret',
  'read.agent-credentials',
  'read.sensitive',
]);

const ln: Handler = (c) => {
  const ops = operands(c.args, ['-t', '--target-directory', '-S', '--suffix']);
  const dest = ops.length > 1 ? ops.at(-1) : undefined;
  if (dest !== undefined) touch(c.ctx, dest, 'write', c.cwd);
  // `ln -s ~/.ssh k && cat k/id_rsa`: whatever is read through the link is read from its target.
  for (const target of ops.length > 1 ? ops.slice(0, -1) : ops) {
    const side = probe(c.ctx);
    const zone = touch(side, target, 'read', c.cwd);
    const secret = side.findings.filter((f) => SECRET_READS.has(f.rule));
    for (const f of secret) report(c.ctx, f.rule, `links to ${display(target)}`);
    if (secret.length === 0 && (zone === 'home' || zone === 'root-dir') && HOME_OR_ROOT.test(target))
      report(c.ctx, 'read.outside', `links to ${display(target)}, which holds every secret below it`);
    // `ln -s ~/.bashrc b && echo x >> b`, `ln -s ~/.local/bin lb`: what is written through the link is written there.
    const write = probe(c.ctx);
    touch(write, target, 'write', c.cwd);
    for (const f of write.findings)
      if (/^(persist|priv|evade)\./.test(f.rule))
        report(c.ctx, f.rule, `links to ${display(target)}: ${f.detail}`);
  }
};
const HOME_OR_ROOT = /^(~[^/]*|\/home\/[^/]+|\/root|\/Users\/[^/]+|\/)\/?$/;

const dd: Handler = (c) => {
  let wrote = false;
  for (const a of c.args) {
    if (a.startsWith('if=')) touch(c.ctx, a.slice(3), 'read', c.cwd);
    if (a.startsWith('of=')) {
      wrote = true;
      touch(c.ctx, a.slice(3), 'write', c.cwd);
    }
  }
  // Its output redirected to a file (not its diagnostics, not to /dev/null) is a raw copy too.
  if (wrote || c.cmd.redirects.some((r) => r.op.includes('>') && r.fd !== '2' && r.target !== '/dev/null'))
    report(c.ctx, 'destroy.raw-copy', 'dd writes raw blocks');
};

const truncate: Handler = (c) => {
  const grow = /^\+/.test(optionValue(c.args, ['-s', '--size']) ?? '');
  for (const p of operands(c.args, ['-s', '--size', '-r', '--reference'])) {
    const zone = touch(c.ctx, p, 'write', c.cwd);
    if (grow && zone !== 'workspace') report(c.ctx, 'evade.padding', `truncate grows ${p}`);
  }
};

const shred: Handler = (c) => {
  report(c.ctx, 'destroy.shred', `shred ${operands(c.args, ['-n', '-s']).join(' ')}`);
  for (const p of operands(c.args, ['-n', '-s', '--iterations', '--size'])) touch(c.ctx, p, 'delete', c.cwd);
};

/**
 * mkdir, touch: an empty directory or file (or a new timestamp) plants no content; where it is made still
 * matters for system, start-up and secret places, which ask as any write there does.
 */
const emptyFile =
  (withValue: readonly string[]): Handler =>
  (c) => {
    for (const p of operands(c.args, withValue)) {
      const side = probe(c.ctx);
      const zone = touch(side, p, 'write', c.cwd);
      if (zone === 'home' || zone === 'outside') c.ctx.facts.paths.push(...side.facts.paths.slice(-1));
      else touch(c.ctx, p, 'write', c.cwd);
    }
  };

/** jq/yq: the first operand is the filter (unless given with -f), the rest are files read. */
const jq: Handler = (c) => {
  const args: string[] = [];
  for (let i = 0; i < c.args.length; i++) {
    const a = c.args[i] ?? '';
    if (/^--(arg|argjson|slurpfile|rawfile)$/.test(a)) {
      if (/^--(slurpfile|rawfile)$/.test(a)) touch(c.ctx, c.args[i + 2] ?? '', 'read', c.cwd);
      i += 2;
    } else args.push(a);
  }
  const fromFile = optionValue(args, ['-f', '--from-file']);
  const ops = operands(args, ['-f', '--from-file', '--indent', '-L', '--tab']);
  for (const p of fromFile !== undefined ? ops : ops.slice(1)) touch(c.ctx, p, 'read', c.cwd);
};

const SORT_VALUED = [
  ...['-k', '-t', '-o', '-S', '-T', '--key', '--field-separator', '--output', '--buffer-size', '--sort'],
  ...['--temporary-directory', '--compress-program', '--parallel', '--batch-size', '--random-source'],
];
const COLUMN_VALUED = [
  ...['-n', '-O', '-N', '-l', '-E', '-H', '-R', '-T', '-W', '-r', '-i', '-p', '-c', '-o', '-s'],
  ...['--table-name', '--table-order', '--table-columns', '--table-columns-limit', '--table-noextreme'],
  ...['--table-hide', '--table-right', '--table-truncate', '--table-wrap', '--tree', '--tree-id'],
  ...['--tree-parent', '--output-width', '--output-separator', '--separator'],
];

export const FILE_PROGRAMS: Record<string, Handler> = {
  ...SCRIPT_TOOL_PROGRAMS,
  jq,
  yq: jq,
  cat: readAll(),
  tac: readAll(),
  head: readAll(['-n', '-c']),
  tail: readAll(['-n', '-c', '-s', '--pid']),
  less: readAll(),
  more: readAll(),
  view: readAll(),
  nl: readAll(['-s', '-w', '-b', '-v', '-i']),
  od: readAll(['-t', '-N', '-j', '-A', '-w']),
  xxd: readAll(XXD_VALUED),
  hexdump: readAll(['-n', '-s', '-e']),
  strings: readAll(['-n']),
  // Digests and counts print a number, not the content: they are judged like `stat` (where they look).
  md5sum: digest,
  sha1sum: digest,
  sha256sum: digest,
  sha512sum: digest,
  b2sum: digest,
  cksum: digest,
  sum: digest,
  wc: digest,
  // Where sort writes (`-o FILE`) is the option table's (output-files.ts); what it runs (`--compress-program`) too.
  sort: readAll(SORT_VALUED),
  uniq: readAll(UNIQ_VALUED),
  cut: readAll(['-d', '-f', '-c', '-b']),
  paste: readAll(['-d']),
  fold: readAll(['-w']),
  rev: readAll(),
  zcat: readAll(),
  gzcat: readAll(),
  bzcat: readAll(),
  xzcat: readAll(),
  base64: readAll(['-w']),
  diff: (c) => {
    // `diff -q` says only whether files differ; `diff -r` compares trees (a search, judged by where).
    const brief = hasFlag(c.args, 'q', '--brief');
    const recursive = hasFlag(c.args, 'r', '--recursive');
    for (const p of operands(c.args, ['-x', '-X', '-I', '--exclude', '--label', '-L']))
      if (p !== '-') touch(c.ctx, p, brief ? 'meta' : 'read', c.cwd, recursive);
  },
  cmp: readAll(),
  comm: readAll(),
  join: readAll(['-t', '-1', '-2', '-o', '-j']),
  // util-linux column: `-t` (--table) and `-x`, `-d`, `-e`, `-L`, `-J` take no value; BSD's `-c` and `-s` do.
  column: readAll(COLUMN_VALUED),
  readelf: readAll(),
  objdump: readAll(),
  pr: readAll(),
  plutil: readAll(),
  sqlite3: (c) => {
    const db = operands(c.args, ['-cmd', '-separator'])[0];
    if (db) touch(c.ctx, db.replace(/^file:/, '').replace(/\?.*$/, ''), 'read', c.cwd);
  },
  grep: patternFirst(['-e', '-f', '-m', '-A', '-B', '-C', '--include', '--exclude', '-d', '-D']),
  egrep: patternFirst(['-e', '-f', '-m', '-A', '-B', '-C']),
  fgrep: patternFirst(['-e', '-f', '-m', '-A', '-B', '-C']),
  rgrep: patternFirst(['-e', '-f', '-m']),
  zgrep: patternFirst(['-e', '-f', '-m']),
  zegrep: patternFirst(['-e', '-f']),
  rg: patternFirst(['-e', '-f', '-g', '-t', '-m']),
  ag: patternFirst(['-G']),
  ack: patternFirst(['-G', '--type', '-t', '-m', '--max-count', '--ignore-dir', '--ignore-file']),
  ls: listAll,
  tree: listAll,
  dir: listAll,
  du: metaAll,
  df: metaAll,
  stat: metaAll,
  file: metaAll,
  readlink: metaAll,
  realpath: metaAll,
  touch: emptyFile(['-d', '-t', '-r', '--date', '--reference']),
  // An empty directory plants nothing; where it is made still matters for system and start-up places.
  mkdir: emptyFile(['-m', '--mode']),
  // A FIFO or a device node is no empty file: whatever opens it blocks or reads a device (a policy file
  // made a FIFO hung every hook). A write where it is made.
  mkfifo: (c) => {
    for (const p of operands(c.args, ['-m', '--mode', '--context'])) touch(c.ctx, p, 'write', c.cwd);
  },
  mknod: (c) => {
    const name = operands(c.args, ['-m', '--mode', '--context'])[0];
    if (name) touch(c.ctx, name, 'write', c.cwd);
  },
  rmdir: (c) => {
    for (const p of operands(c.args)) touch(c.ctx, p, 'delete', c.cwd);
  },
  unlink: rm,
  rm,
  shred,
  tee: writeAll(),
  truncate,
  cp: copyLike(false, ['-t', '--target-directory', '-S']),
  install: (c) => {
    const mode = optionValue(c.args, ['-m', '--mode']) ?? '';
    if (SETUID_MODE.test(mode)) report(c.ctx, 'perm.setuid', `install -m ${mode}`);
    const owner = optionValue(c.args, ['-o', '--owner']) ?? '';
    if (/^(root|0)$/.test(owner)) report(c.ctx, 'perm.root-owner', `install -o ${owner}`);
    copyLike(false, ['-m', '-o', '-g', '-t', '--mode', '--owner', '--group'])(c);
  },
  mv: copyLike(true, ['-t', '--target-directory', '-S']),
  ln,
  chmod,
  chown,
  chgrp: chown,
  dd,
  ...ARCHIVE_PROGRAMS,
  ...RENAME_PROGRAMS,
  ...SSH_KEYGEN_PROGRAMS,
};
