/**
 * Opening a listening server: a file server, a repository server, a terminal server or a socket relay started
 * in the project serves its files (the `.env` and keys among them) or a shell to whoever connects, any local
 * process or web page included, and to the network when bound there (`python3 -m http.server`, `php -S`,
 * `ruby -run -e httpd`, `git daemon --export-all`, `git instaweb`, `busybox httpd`, `socat TCP-LISTEN:…`). One
 * rule whatever the program (`net.listen`): a row here says which invocations of a program open one. A server
 * the code of a one-liner opens (`createServer`, `.listen(`) is read from the code (argument-scan.ts); a
 * project's own dev server (`npm run dev`) serves the application it builds, not the tree.
 */
import { type Call, operands } from './call.js';
import { report } from './context.js';
import { UNKNOWN } from './script.js';

/**
 * Which invocations serve: `sub`, the first operand (after the values of `valued` options), or `args`, the
 * arguments joined by spaces; a row with neither serves whenever it runs (help and version aside).
 */
interface Listener {
  sub?: RegExp;
  args?: RegExp;
  valued?: readonly string[];
  /** Arguments (joined) that stop a server instead (`git instaweb --stop`). */
  stops?: RegExp;
}

/** Programs whose every run serves. */
const SERVERS = [
  'http-server',
  'serve',
  'live-server',
  'miniserve',
  'darkhttpd',
  'webfsd',
  'thttpd',
  'mini_httpd',
  'static-web-server',
  'simple-http-server',
  'updog',
  'twistd',
  'twist',
  'svnserve',
  'ttyd',
  'gotty',
  'websocketd',
  'sshd',
  'dropbear',
  'vsftpd',
];

const LISTENERS: Record<string, Listener> = {
  ...Object.fromEntries(SERVERS.map((name) => [name, {}])),
  python: {
    args: /(?:^| )-m ?(?:http\.server|SimpleHTTPServer|CGIHTTPServer|RangeHTTPServer|uploadserver|pyftpdlib|updog|twisted|smtpd|aiosmtpd)(?: |$)/,
  },
  pypy: { args: /(?:^| )-m ?(?:http\.server|SimpleHTTPServer)(?: |$)/ },
  php: { args: /(?:^| )-S/ },
  // Ruby's `un` library: `ruby -run -e httpd DIR`.
  ruby: { args: /(?:^| )-r ?un(?: .*)? -e ?httpd\b/ },
  busybox: { sub: /^(httpd|telnetd|ftpd|tftpd|tcpsvd|udpsvd)$/ },
  git: {
    sub: /^(daemon|instaweb)$/,
    stops: /(?:^| )--stop(?: |$)/,
    valued: ['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env'],
  },
  hg: { sub: /^serve$/, valued: ['-R', '--repository', '--cwd', '--config'] },
  rclone: { sub: /^serve$/, valued: ['--config'] },
  rsync: { args: /(?:^| )--daemon\b/ },
  caddy: { sub: /^(file-server|run|start|reverse-proxy|respond)$/ },
  openssl: { sub: /^s_server$/ },
  nc: { args: /(?:^| )(?:-[a-zA-Z]*l[a-zA-Z]*|--listen)(?: |$)/ },
  // socat's listening addresses: TCP-LISTEN, TCP4-L, UDP-RECVFROM, OPENSSL-LISTEN, UNIX-LISTEN…
  socat: { args: /(?:^| )[\w]+-(?:LISTEN|L|RECVFROM|RECV)(?:[:,]| |$)/i },
};
for (const alias of ['ncat', 'netcat']) LISTENERS[alias] = LISTENERS.nc as Listener;

/** Only asking a program for its help or version. */
const ONLY_ASKS = /^(-h|--help|-v|-V|--version|-t|--test)$/;

/** Reports `net.listen` when this call opens a listening server. */
export function judgeListening(c: Call): void {
  const row = LISTENERS[c.name] ?? LISTENERS[c.name.replace(/[\d.]+$/, '')];
  if (!row || c.args.includes('--help') || (c.args.length > 0 && c.args.every((a) => ONLY_ASKS.test(a))))
    return;
  if (row.stops?.test(c.args.join(' '))) return;
  const serves =
    row.sub !== undefined
      ? row.sub.test(operands(c.args, row.valued)[0] ?? '')
      : row.args !== undefined
        ? row.args.test(c.args.join(' '))
        : true;
  if (serves)
    report(
      c.ctx,
      'net.listen',
      `${c.name} ${c.args.join(' ')}`.replaceAll(UNKNOWN, '…').slice(0, 100).trim(),
    );
}
