import {
  type Call,
  type Handler,
  hasFlag,
  operands,
  optionValue,
  optionValues,
  splitClusters,
} from '../call.js';
import { report } from '../context.js';
import { dataInHost, dataInUrl } from '../data-carried.js';
import { touch } from '../effects.js';
import { hostOf, isWebService, judgeHost } from '../network.js';
import { UNKNOWN } from '../script.js';
import { WGETRC_PROXY, wgetArgs } from './wget-options.js';

/** Judges one destination against the network policy. */
export function destination(c: Call, arg: string, bareHost = false): void {
  const dest =
    hostOf(arg) ?? (bareHost ? { host: arg.includes(UNKNOWN) ? '' : arg.toLowerCase(), url: arg } : null);
  if (!dest) return;
  if (dest.host) c.ctx.facts.hosts.push(dest.host);
  // Whatever the host (an allowlisted one too): data written into the address is what its server logs.
  const carried = dest.host ? dataInUrl(dest.url, dest.host) : null;
  if (carried) report(c.ctx, 'net.url-carries-data', `${c.name} to ${dest.host}: ${carried}`);
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

/** curl's short flags that take a value (`-sd@.env` sends .env). */
const CURL_VALUE_LETTERS = 'oHXuAewxmbcrKdFTEYyz';

const curl: Handler = (given) => {
  const c = { ...given, args: splitClusters(given.args, CURL_VALUE_LETTERS) };
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
    // Where the connection really goes, judged below (left among the operands, `--connect-to localhost:80:evil:80`
    // read as a URL of `localhost`).
    '--resolve',
    '--connect-to',
    '--preproxy',
    // Values that name no place to connect to (a value left among the operands was taken for a URL:
    // `--proto '=https'` made a host `=https`).
    '--proto',
    '--proto-redir',
    '--proto-default',
    '--user-agent',
    '--referer',
    '--max-redirs',
    '--retry-delay',
    '--retry-max-time',
    '--limit-rate',
    '--max-filesize',
    '--tls-max',
    '--ciphers',
    '--keepalive-time',
    '--expect100-timeout',
    '-Y',
    '--speed-limit',
    '-y',
    '--speed-time',
    '-z',
    '--time-cond',
    '-E',
    '--capath',
    // Files curl writes what it got into (output-files.ts judges the writes).
    ...['-D', '--dump-header', '--cookie-jar', '--trace', '--trace-ascii', '--stderr', '--etag-save'],
    ...['--etag-compare', '--hsts', '--alt-svc', '--libcurl', '--output-dir', '--netrc-file'],
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
  for (const place of curlReroutes(c.args)) destination(c, place, true);
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
    // `-T file` sends the file itself (`-T -` and `-T .` read standard input).
    for (const v of [optionValue(c.args, ['-T']), optionValue(c.args, ['--upload-file'])])
      if (v && v !== '-' && v !== '.') touch(c.ctx, v, 'read', c.cwd);
  }
  if (optionValue(c.args, ['--proxy', '-x'])) report(c.ctx, 'net.proxy', 'curl --proxy');
  const out = optionValue(c.args, ['-o', '--output']);
  if (out && out !== '-') touch(c.ctx, out, 'write', c.cwd);
  const cfg = optionValue(c.args, ['-K', '--config']);
  if (cfg) {
    if (cfg !== '-') touch(c.ctx, cfg, 'read', c.cwd);
    // Options read from a file the gate does not see (or standard input) can upload any file, anywhere.
    report(c.ctx, 'net.upload', `curl --config ${cfg}: its options are read from a file`);
  }
  // `-H @file` sends the file's lines as headers.
  for (let i = 0; i < c.args.length; i++)
    if (/^(-H|--header)$/.test(c.args[i] ?? '') && c.args[i + 1]?.startsWith('@'))
      touch(c.ctx, (c.args[i + 1] as string).slice(1), 'read', c.cwd);
};

/**
 * Where curl connects instead of the URL's host: a proxy (`-x`, `--proxy`, `--preproxy`), the address a name is
 * resolved to (`--resolve host:port:addr[,addr]`), the host connected to (`--connect-to h1:p1:h2:p2`). A URL of
 * `localhost` with one of these sends elsewhere.
 */
function curlReroutes(args: string[]): string[] {
  const out: string[] = [];
  for (const p of optionValues(args, ['-x', '--proxy', '--preproxy']))
    out.push(/^[a-z][a-z0-9+.-]*:\/\//i.test(p) ? p : `http://${p}`);
  for (const r of optionValues(args, ['--resolve'])) {
    const addrs = /^\+?(?:\[[^\]]*\]|[^:]*):[^:]*:(.*)$/.exec(r)?.[1] ?? '';
    for (const a of addrs.split(',')) if (a) out.push(a.replace(/^\[|\]$/g, ''));
  }
  for (const t of optionValues(args, ['--connect-to'])) {
    const host = /^(?:\[[^\]]*\]|[^:]*):[^:]*:(\[[^\]]*\]|[^:]*)/.exec(t)?.[1] ?? '';
    if (host) out.push(host.replace(/^\[|\]$/g, ''));
  }
  return out;
}

const wget: Handler = (given) => {
  const c = { ...given, args: wgetArgs(given.args) };
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
    '--body-file',
    '--method',
    '--config',
    '--execute',
    ...['-i', '--input-file', '-B', '--base', '--output-file', '--append-output', '--save-cookies'],
    ...['--load-cookies', '--hsts-file', '--warc-file'],
  ];
  for (const u of operands(c.args, withValue)) destination(c, /^[a-z]+:\/\//i.test(u) ? u : `http://${u}`);
  // The URL list is read, and its lines are requested (after `--base`, wherever that points): a list that is a key
  // file sends the key line by line.
  for (const list of optionValues(c.args, ['-i', '--input-file']))
    if (list !== '-' && !/^[a-z]+:\/\//i.test(list)) touch(c.ctx, list, 'read', c.cwd);
  for (const base of optionValues(c.args, ['-B', '--base']))
    destination(c, /^[a-z]+:\/\//i.test(base) ? base : `http://${base}`);
  const post = optionValue(c.args, ['--post-data', '--post-file', '--body-data', '--body-file']);
  if (post !== undefined) report(c.ctx, 'net.upload', 'wget --post');
  for (const pf of optionValues(c.args, ['--post-file', '--body-file'])) touch(c.ctx, pf, 'read', c.cwd);
  // Options read from a file the gate does not see (the agent may have written it) can send any file.
  const rc = optionValue(c.args, ['--config']);
  if (rc) report(c.ctx, 'net.upload', `wget --config ${rc}: its options are read from a file`);
  for (const proxy of optionValues(c.args, [WGETRC_PROXY])) {
    report(c.ctx, 'net.proxy', 'wget -e http_proxy');
    destination(c, /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`);
  }
  const out = optionValue(c.args, ['-O', '--output-document']);
  if (out && out !== '-') touch(c.ctx, out, 'write', c.cwd);
  // What wget writes besides the document (output-files.ts reads these as options; here also as `-e logfile=…`).
  for (const f of optionValues(c.args, ['--output-file', '--append-output', '--save-cookies', '--hsts-file']))
    touch(c.ctx, f, 'write', c.cwd);
  for (const f of optionValues(c.args, ['--warc-file'])) touch(c.ctx, `${f}.warc.gz`, 'write', c.cwd);
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
  if (c.cmd.raw.some((r) => /\$\(|`/.test(r) && /base64|base32|xxd|od\b|hexdump|basenc/.test(r)))
    report(c.ctx, 'net.dns-exfil', `${c.name} query built from encoded data`);
  // A name written out can carry data as well: its labels are what the attacker's name server logs.
  for (const op of operands(c.args, ['-t', '-c', '-p', '-q', '-x', '-f', '-k', '-y', '-b', '-4', '-6']).slice(
    0,
    16,
  )) {
    const carried = /^[\w.-]+$/.test(op) ? dataInHost(op.replace(/^@/, '')) : null;
    if (carried) report(c.ctx, 'net.dns-exfil', `${c.name} ${carried}`);
  }
};

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
