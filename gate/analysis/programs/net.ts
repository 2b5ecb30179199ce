import { type Call, type Handler, hasFlag, operands, optionValue } from '../call.js';
import { report } from '../context.js';
import { touch } from '../effects.js';
import { hostOf, isWebService, judgeHost } from '../network.js';
import { UNKNOWN } from '../script.js';
import { patchedFiles } from './files.js';

/** Judges one destination against the network policy. */
export function destination(c: Call, arg: string, bareHost = false): void {
  const dest =
    hostOf(arg) ?? (bareHost ? { host: arg.includes(UNKNOWN) ? '' : arg.toLowerCase(), url: arg } : null);
  if (!dest) return;
  if (dest.host) c.ctx.facts.hosts.push(dest.host);
  if (isWebService(dest.host)) {
    report(c.ctx, 'net.web-service', dest.host);
    return;
  }
  const verdict = judgeHost(dest.host, c.ctx.hosts);
  if (verdict === 'unknown')
    report(
      c.ctx,
      c.cmd.inLoop ? 'net.scan' : 'net.fetch-unknown',
      `${c.name} to a host known only at run time`,
    );
  else if (verdict !== 'allowed') report(c.ctx, 'net.fetch-unlisted', `${c.name} ${dest.host}`);
}

const UPLOAD_FLAGS = [
  '-d',
  '--data',
  '--data-binary',
  '--data-raw',
  '--data-urlencode',
  '-F',
  '--form',
  '-T',
  '--upload-file',
  '--json',
];

const curl: Handler = (c) => {
  const withValue = [
    '-o',
    '--output',
    '-H',
    '--header',
    '-X',
    '--request',
    '-u',
    '--user',
    '-A',
    '-e',
    '-w',
    '--proxy',
    '-x',
    '-m',
    '--max-time',
    '--connect-timeout',
    '-b',
    '-c',
    '--cookie',
    '--cacert',
    '--cert',
    '--key',
    '-r',
    '--retry',
    '-K',
    '--config',
    ...UPLOAD_FLAGS,
  ];
  const urls = operands(c.args, withValue);
  const explicitUrl = optionValue(c.args, ['--url']);
  if (explicitUrl) urls.push(explicitUrl);
  for (const u of urls) {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(u)?.[1]?.toLowerCase();
    // file:// reads a local file; gopher, dict, telnet… write raw bytes to any port (a Redis, an SMTP server).
    if (scheme === 'file') touch(c.ctx, decodeURIComponent(u.slice(7)) || '/', 'read', c.cwd);
    else if (scheme && !/^(https?|ftps?|sftp|scp)$/.test(scheme))
      report(c.ctx, 'net.raw-socket', `curl ${scheme}:// speaks a raw protocol to ${u.slice(0, 80)}`);
    if (scheme !== 'file') destination(c, scheme ? u : `http://${u}`);
  }
  if (urls.length === 0) report(c.ctx, 'net.fetch-unknown', 'curl destination not given');
  const method = optionValue(c.args, ['-X', '--request'])?.toUpperCase();
  const uploads = UPLOAD_FLAGS.map((f) => optionValue(c.args, [f])).filter(
    (v): v is string => v !== undefined,
  );
  if (uploads.length > 0 || (method && method !== 'GET' && method !== 'HEAD')) {
    report(c.ctx, 'net.upload', `curl ${method ?? 'POST'}`);
    for (const v of uploads) {
      const at = /@([^;]+)/.exec(v)?.[1];
      if (at && at !== '-') touch(c.ctx, at, 'read', c.cwd);
    }
  }
  if (optionValue(c.args, ['--proxy', '-x'])) report(c.ctx, 'net.proxy', 'curl --proxy');
  const out = optionValue(c.args, ['-o', '--output']);
  if (out && out !== '-') touch(c.ctx, out, 'write', c.cwd);
  const cfg = optionValue(c.args, ['-K', '--config']);
  if (cfg) touch(c.ctx, cfg, 'read', c.cwd);
};

const wget: Handler = (c) => {
  const withValue = [
    '-O',
    '--output-document',
    '-P',
    '--directory-prefix',
    '-o',
    '-a',
    '-e',
    '-U',
    '--header',
    '--post-data',
    '--post-file',
    '-t',
    '-T',
    '--timeout',
    '--body-data',
    '--method',
  ];
  for (const u of operands(c.args, withValue)) destination(c, /^[a-z]+:\/\//i.test(u) ? u : `http://${u}`);
  const post = optionValue(c.args, ['--post-data', '--post-file', '--body-data']);
  if (post !== undefined) report(c.ctx, 'net.upload', 'wget --post');
  const pf = optionValue(c.args, ['--post-file']);
  if (pf) touch(c.ctx, pf, 'read', c.cwd);
  const out = optionValue(c.args, ['-O', '--output-document']);
  if (out && out !== '-') touch(c.ctx, out, 'write', c.cwd);
  const dir = optionValue(c.args, ['-P', '--directory-prefix']);
  if (dir) touch(c.ctx, dir, 'write', c.cwd);
};

const remoteShell: Handler = (c) => {
  const ops = operands(c.args, [
    '-p',
    '-P',
    '-i',
    '-o',
    '-e',
    '-l',
    '-F',
    '-J',
    '-L',
    '-R',
    '-D',
    '-b',
    '-c',
    '-m',
    '-S',
    '-W',
    '-w',
    '-O',
    '-E',
    '-B',
    '-I',
    '-Q',
  ]);
  // `ssh -O check|exit|stop host` talks to the local master connection's socket: no session, no command.
  if (
    c.name === 'ssh' &&
    ops.length <= 1 &&
    /^(check|exit|stop|cancel)$/.test(optionValue(c.args, ['-O']) ?? '')
  ) {
    const key = optionValue(c.args, ['-i']);
    if (key) touch(c.ctx, key, 'read', c.cwd);
    return;
  }
  report(c.ctx, 'net.remote-shell', `${c.name} ${ops[0] ?? ''}`.trim());
  for (const o of c.name === 'ssh' ? ops.slice(0, 1) : ops) {
    const host =
      hostOf(o)?.host ??
      (c.name === 'ssh' ? /^(?:[^@\s]+@)?([\w.-]+)$/.exec(o)?.[1]?.toLowerCase() : undefined);
    if (host) c.ctx.facts.hosts.push(host);
  }
  // What ssh runs on the other side matters as much as what runs here.
  if (c.name === 'ssh' && ops.length > 1) c.shell(ops.slice(1).join(' '));
  const key = optionValue(c.args, ['-i']);
  if (key) touch(c.ctx, key, 'read', c.cwd);
};

const rsync: Handler = (c) => {
  const ops = operands(c.args, [
    '-e',
    '--rsh',
    '--exclude',
    '--include',
    '--filter',
    '-f',
    '--iconv',
    '--port',
    '--log-file',
  ]);
  if (ops.some((o) => hostOf(o)) || c.args.some((a) => a === '-e' || a.startsWith('--rsh'))) {
    report(c.ctx, 'net.remote-shell', `rsync ${ops.join(' ')}`);
    return;
  }
  const dest = ops.pop();
  for (const s of ops) touch(c.ctx, s, 'read', c.cwd);
  if (dest) touch(c.ctx, dest, c.args.includes('--delete') ? 'delete' : 'write', c.cwd);
};

const netcat: Handler = (c) => {
  const execFlag = c.args.some(
    (a) => a === '-e' || a === '-c' || a.startsWith('--exec') || a.startsWith('--sh-exec'),
  );
  const shellPipe = [c.cmd.pipeTo?.argv[0], c.cmd.pipeFrom?.argv[0]].some(
    (n) => n && /^(ba|z|da|k)?sh$/.test(n),
  );
  if (execFlag || shellPipe || c.args.some((a) => /EXEC:|SYSTEM:.*sh/i.test(a)))
    report(c.ctx, 'revshell.netcat', `${c.name} bound to a shell`);
  else report(c.ctx, 'net.raw-socket', `${c.name} ${c.args.join(' ')}`.slice(0, 120));
};

const ping: Handler = (c) => {
  const host = operands(c.args, ['-c', '-i', '-W', '-w', '-s', '-t', '-I'])[0];
  if (host?.includes(UNKNOWN) && c.cmd.inLoop)
    report(c.ctx, 'net.scan', 'ping sweep over computed addresses');
};

const dns: Handler = (c) => {
  if (c.cmd.raw.some((r) => /\$\(|`/.test(r) && /base64|xxd|od\b|hexdump|basenc/.test(r)))
    report(c.ctx, 'net.dns-exfil', `${c.name} query built from encoded data`);
};

const git: Handler = (c) => {
  const sub = operands(c.args, ['-C', '-c', '--git-dir', '--work-tree'])[0];
  const rest = c.args.slice(c.args.indexOf(sub ?? '') + 1);
  if (sub === 'push') gitPush(c, rest);
  if (sub === 'branch') {
    const del = rest.some(
      (a) =>
        /^-[a-zA-Z]*D|^--delete$/.test(a) ||
        (/^-[a-zA-Z]*d/.test(a) && rest.some((b) => /^(-[a-zA-Z]*f|--force)$/.test(b))),
    );
    const names = rest.filter((a) => !a.startsWith('-'));
    if (del && names.some((n) => PROTECTED_BRANCH.test(n)))
      report(c.ctx, 'destroy.git-history', `git branch ${rest.join(' ')}`);
  }
  if (
    (sub === 'reflog' && /^(expire|delete)$/.test(rest[0] ?? '')) ||
    sub === 'filter-branch' ||
    sub === 'filter-repo'
  )
    report(c.ctx, 'destroy.git-history', `git ${sub} ${rest.join(' ')}`.slice(0, 100));
  if (sub === 'update-ref' && rest.includes('-d'))
    report(c.ctx, 'destroy.git-history', `git update-ref ${rest.join(' ')}`);
  if (sub === 'reset' && rest.includes('--hard')) report(c.ctx, 'destroy.git-reset-hard', 'git reset --hard');
  if (sub === 'clean' && rest.some((a) => /^-[a-zA-Z]*f/.test(a) && /[dxX]/.test(a)))
    report(c.ctx, 'destroy.git-reset-hard', `git clean ${rest.join(' ')}`);
  if ((sub === 'commit' || sub === 'push' || sub === 'merge') && rest.includes('--no-verify'))
    report(c.ctx, 'evade.disable-security', `git ${sub} --no-verify skips hooks`);
  if (sub === 'config') gitConfig(c, rest);
  // `git diff --no-index A B` compares any two files, printing both: a reader like cat.
  if (sub === 'diff' && rest.includes('--no-index'))
    for (const p of operands(rest).slice(0, 8)) touch(c.ctx, p, 'read', c.cwd);
  // git apply keeps to the work tree unless told otherwise; an inline patch shows which files it writes.
  if (sub === 'apply' || sub === 'am') {
    const dir = optionValue(rest, ['--directory']);
    if (rest.includes('--unsafe-paths')) touch(c.ctx, `/${UNKNOWN}`, 'write', c.cwd);
    if (sub === 'apply' && !rest.some((a) => /^(--stat|--numstat|--summary|--check)$/.test(a)))
      patchedFiles(c, c.cmd.stdinText, 0, dir);
  }
  // Paths git writes: a clone's directory, files checked out or restored from another commit.
  if (sub === 'clone') {
    const ops = operands(rest, [
      '-b',
      '--branch',
      '-o',
      '--origin',
      '--depth',
      '-c',
      '--config',
      '--reference',
      '--separate-git-dir',
      '-u',
      '--upload-pack',
      '--template',
      '-j',
      '--jobs',
      '--filter',
    ]);
    if (ops.length >= 2) touch(c.ctx, ops[ops.length - 1] as string, 'write', c.cwd);
  }
  if ((sub === 'checkout' || sub === 'restore') && rest.includes('--'))
    for (const p of rest.slice(rest.indexOf('--') + 1).slice(0, 64)) touch(c.ctx, p, 'write', c.cwd);
  if (c.args.some((a) => /core\.hooksPath|core\.sshCommand|core\.fsmonitor/i.test(a) && a.includes('=')))
    report(c.ctx, 'persist.git-hook', 'git -c runs a configured program');
  if (sub === 'clone' || sub === 'fetch' || sub === 'pull' || sub === 'remote' || sub === 'submodule')
    for (const a of rest) if (/^[a-z]+:\/\/|^[^/\s]+@[^/\s]+:/.test(a)) destination(c, a);
};

/**
 * Config keys whose value git runs (or whose file it reads config from) on later git commands, outside any
 * sandbox: setting one is planting a hook, whatever the value looks like.
 */
const GIT_RUNS_KEY =
  /^(?:core\.(?:hooksPath|fsmonitor|sshCommand|askPass|gitProxy)|gpg\.(?:[^.]+\.)?program|diff\.external|diff\.[^.]+\.(?:textconv|command)|merge\.[^.]+\.driver|filter\.[^.]+\.(?:clean|smudge|process)|credential\.(?:[^.]+\.)?helper|uploadpack\.packObjectsHook|include\.path|includeIf\..+\.path|interactive\.diffFilter|sendemail\.(?:smtpServer|toCmd|ccCmd))$/i;
/** Editor and pager keys: an everyday editor or pager is what they are for; anything else is a planted command. */
const GIT_EDITOR_KEY = /^(?:core\.(?:editor|pager)|sequence\.editor|pager\.[^.]+)$/i;
const EVERYDAY_EDITOR =
  /^(?:vim?|nvim|nano|emacs|micro|hx|helix|code(?: -w| --wait)?|subl(?: -w| --wait)?|less(?: -[A-Za-z]+)*|more|cat|delta|diff-so-fancy|false|true)$/;
/** Options of `git config` that take a value (so the value is not the key). */
const GIT_CONFIG_VALUE_OPTIONS = ['-f', '--file', '--blob', '--type', '--default', '--comment', '--value'];

/** `git config [set] KEY VALUE`: keys git later runs (fsmonitor, hooksPath, filters, `!` aliases, includes). */
function gitConfig(c: Call, rest: string[]): void {
  const words: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (GIT_CONFIG_VALUE_OPTIONS.includes(a)) i++;
    else if (!a.startsWith('-')) words.push(a);
  }
  if (/^(set|add|replace-all)$/.test(words[0] ?? '')) words.shift();
  const [key = '', value] = words;
  const shown = `git config ${rest.join(' ')}`.slice(0, 120);
  if (value === undefined) return;
  if (
    GIT_RUNS_KEY.test(key) ||
    (/^alias\./i.test(key) && value.trim().startsWith('!')) ||
    (GIT_EDITOR_KEY.test(key) && !EVERYDAY_EDITOR.test(value.trim()))
  )
    report(c.ctx, 'persist.git-hook', shown);
}

/** Branches whose loss or rewrite hurts everyone who shares the repository. */
const PROTECTED_BRANCH =
  /^(?:refs\/heads\/)?(main|master|trunk|develop|development|production|prod|release[\w./-]*|stable)$/;
/** Push options that take a value. */
const PUSH_VALUE_OPTIONS = ['--repo', '--receive-pack', '--exec', '-o', '--push-option', '--signed'];

/**
 * `git push`: forced (`-f`, `-uf`, `--force-with-lease`, `+ref`), deleting (`--delete`, `-d`, `:ref`), or to
 * a URL instead of one of the repository's remotes (where the code goes is then whatever the agent typed).
 */
function gitPush(c: Call, rest: string[]): void {
  const shown = `git push ${rest.join(' ')}`.slice(0, 120);
  if (rest.some((a) => /^-[a-zA-Z]*f[a-zA-Z]*$|^--force|^--mirror$|^\+/.test(a)))
    report(c.ctx, 'destroy.git-force-push', shown);
  const ops = operands(rest, PUSH_VALUE_OPTIONS);
  const deleting = rest.some((a) => /^-[a-zA-Z]*d[a-zA-Z]*$|^--delete$|^--prune$/.test(a));
  if (deleting || ops.slice(1).some((r) => r.startsWith(':'))) report(c.ctx, 'destroy.git-history', shown);
  const remote = ops[0];
  if (
    remote &&
    (/^[a-z][\w+.-]*:\/\//i.test(remote) ||
      /^[^/\s]+@[^/\s]+:/.test(remote) ||
      remote.startsWith('/') ||
      remote.startsWith('.'))
  ) {
    report(c.ctx, 'net.push-unknown-remote', remote);
    destination(c, remote);
  }
}

const scanner: Handler = (c) => report(c.ctx, 'net.scan', `${c.name} ${c.args.join(' ')}`.slice(0, 100));
const tunnel: Handler = (c) => report(c.ctx, 'net.tunnel', `${c.name} ${c.args[0] ?? ''}`.trim());

export const NET_PROGRAMS: Record<string, Handler> = {
  curl,
  wget,
  http: curl,
  ssh: remoteShell,
  scp: remoteShell,
  sftp: remoteShell,
  sshpass: remoteShell,
  ftp: remoteShell,
  telnet: netcat,
  rsync,
  nc: netcat,
  ncat: netcat,
  netcat: netcat,
  socat: netcat,
  ping,
  ping6: ping,
  dig: dns,
  host: dns,
  nslookup: dns,
  git,
  nmap: scanner,
  masscan: scanner,
  zmap: scanner,
  hping3: scanner,
  'arp-scan': scanner,
  nbtscan: scanner,
  cloudflared: tunnel,
  ngrok: tunnel,
  lt: tunnel,
  bore: tunnel,
  chisel: tunnel,
  frpc: tunnel,
  ldapsearch: (c) => report(c.ctx, 'net.directory', 'ldapsearch'),
  ldapdomaindump: (c) => report(c.ctx, 'net.directory', 'ldapdomaindump'),
  whois: (c) => {
    const h = optionValue(c.args, ['-h']);
    if (h) destination(c, h, true);
    if (optionValue(c.args, ['-p']))
      report(c.ctx, 'net.raw-socket', 'whois to a chosen port sends text to any TCP service');
  },
  code: (c) => {
    if (c.args[0] === 'tunnel') tunnel(c);
  },
  openssl: (c) => {
    const sub = c.args[0];
    if (sub === 's_client' || sub === 's_server') report(c.ctx, 'net.raw-socket', `openssl ${sub}`);
    if (sub === 'enc' && !hasFlag(c.args, 'd')) {
      report(c.ctx, 'impact.encrypt', 'openssl enc');
      const inFile = optionValue(c.args, ['-in']);
      if (inFile) touch(c.ctx, inFile, 'read', c.cwd);
    }
    const out = optionValue(c.args, ['-out']);
    if (out) touch(c.ctx, out, 'write', c.cwd);
  },
};
