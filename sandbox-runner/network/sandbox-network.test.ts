import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkAttempt } from '../../schema/index.js';
import { RELAY_FAILED_EXIT, sandboxNetworkSetup } from './sandbox-setup.js';
import { type NetworkProxy, startNetworkProxy } from './start-network-proxy.js';
import { attemptCollector, type LocalServer, startEchoServer, startOrigin } from './test-support.js';

const BWRAP = '/usr/bin/bwrap';
const BASE = [
  '--ro-bind',
  '/',
  '/',
  '--dev',
  '/dev',
  '--proc',
  '/proc',
  '--tmpfs',
  '/tmp',
  '--unshare-pid',
  '--die-with-parent',
];

function bwrapWorks(): boolean {
  if (!existsSync(BWRAP)) return false;
  try {
    execFileSync(BWRAP, [...BASE, '--unshare-net', 'true'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
const hasBwrap = bwrapWorks();
const hasCurl = existsSync('/usr/bin/curl');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runInSandbox(socketDir: string, argv: string[], extraBwrap: string[] = []): Promise<Run> {
  const setup = sandboxNetworkSetup(socketDir);
  const args = [...BASE, ...extraBwrap, ...setup.bwrapArgs, ...setup.wrapCommand(argv)];
  return new Promise((resolve) => {
    execFile(
      BWRAP,
      args,
      { env: { PATH: '/usr/bin:/bin', ...setup.env }, timeout: 20_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

// A node client run inside the sandbox: CONNECT through the relay, send "ping", print what comes back.
const NODE_CONNECT_CLIENT = `
const net = require('node:net');
const [target] = process.argv.slice(1);
const s = net.connect(3128, '127.0.0.1', () => s.write('CONNECT ' + target + ' HTTP/1.1\\r\\n\\r\\n'));
let buf = '';
let tunnel = false;
s.on('data', (d) => {
  buf += d;
  if (!tunnel && buf.includes('\\r\\n\\r\\n')) {
    const status = buf.split(' ')[1];
    if (status !== '200') { console.log('status ' + status); s.destroy(); return; }
    tunnel = true; buf = ''; s.write('ping');
  } else if (tunnel && buf.length >= 4) { console.log('echo ' + buf); s.end(); }
});
s.on('error', (e) => { console.log('error ' + e.code); });
`;

describe.runIf(hasBwrap)('network proxy inside real bubblewrap', () => {
  let echo: LocalServer;
  let origin: LocalServer;
  let proxy: NetworkProxy | undefined;
  let events: ReturnType<typeof attemptCollector>;

  beforeAll(async () => {
    echo = await startEchoServer();
    origin = await startOrigin();
  });
  afterAll(async () => {
    await echo.close();
    await origin.close();
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  async function start(): Promise<string> {
    events = attemptCollector();
    proxy = await startNetworkProxy({
      allow: [`allowed.test:${echo.port}`, `127.0.0.1:${origin.port}`],
      onAttempt: events.onAttempt,
      resolve: async (host) =>
        host === 'allowed.test' ? ['127.0.0.1'] : Promise.reject(new Error('ENOTFOUND')),
    });
    return proxy.socketDir;
  }

  it('lets a node client tunnel to an allowed host and refuses a denied one', async () => {
    const dir = await start();
    const script = `"${process.execPath}" -e "$1" "allowed.test:${echo.port}" && "${process.execPath}" -e "$1" "denied.test:443"`;
    const run = await runInSandbox(dir, ['/bin/sh', '-c', script, 'client', NODE_CONNECT_CLIENT]);
    expect(run).toMatchObject({ code: 0, stdout: 'echo ping\nstatus 403\n' });
    const attempts = await events.waitFor(2);
    const byHost = Object.fromEntries(attempts.map((a) => [a.host, a])) as Record<string, NetworkAttempt>;
    expect(byHost['allowed.test']).toMatchObject({
      protocol: 'http-connect',
      decision: 'allow',
      resolved_ip: '127.0.0.1',
      bytes_in: 4,
      bytes_out: 4,
    });
    expect(byHost['denied.test']).toMatchObject({ decision: 'deny', reason: 'not in allowlist' });
  });

  it('reports a relay that cannot start and never runs the command', async () => {
    const dir = await start();
    const setup = sandboxNetworkSetup(dir, { nodePath: '/nonexistent/node' });
    const args = [...BASE, ...setup.bwrapArgs, ...setup.wrapCommand(['/bin/echo', 'ran'])];
    const run = await new Promise<Run>((resolve) =>
      execFile(BWRAP, args, (err, stdout, stderr) =>
        resolve({ code: (err?.code as number) ?? 0, stdout, stderr }),
      ),
    );
    expect(run.code).toBe(RELAY_FAILED_EXIT);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/sandbox network relay failed/);
  });

  describe.runIf(hasCurl)('with curl', () => {
    it('reaches the allowed origin over http_proxy, CONNECT and SOCKS5 only', async () => {
      const dir = await start();
      const base = `http://127.0.0.1:${origin.port}`;
      const script = [
        `curl -sS ${base}/plain; echo`,
        `curl -sS -p ${base}/tunnel; echo`,
        `curl -sS --proxy socks5h://127.0.0.1:1080 ${base}/socks; echo`,
        'curl -sS -o /dev/null -w "%{http_code}\\n" http://denied.test/',
        `curl -sS --proxy socks5h://127.0.0.1:1080 http://169.254.169.254/ 2>/dev/null; echo "metadata=$?"`,
        `curl -sS --noproxy '*' --max-time 5 ${base}/direct 2>/dev/null; echo "direct=$?"`,
      ].join('\n');
      const run = await runInSandbox(dir, ['/bin/sh', '-c', script]);
      const host = `host=127.0.0.1:${origin.port}`;
      expect(run.stdout.split('\n')).toEqual([
        `origin GET /plain ${host}`,
        `origin GET /tunnel ${host}`,
        `origin GET /socks ${host}`,
        '403',
        'metadata=97',
        'direct=7',
        '',
      ]);
      const attempts = await events.waitFor(5);
      expect(attempts.map((a) => [a.protocol, a.host, a.decision]).sort()).toEqual(
        [
          ['http', '127.0.0.1', 'allow'],
          ['http', 'denied.test', 'deny'],
          ['http-connect', '127.0.0.1', 'allow'],
          ['socks5', '127.0.0.1', 'allow'],
          ['socks5', '169.254.169.254', 'deny'],
        ].sort(),
      );
      for (const a of attempts.filter((x) => x.decision === 'allow')) expect(a.bytes_in).toBeGreaterThan(0);
    });
  });
});
