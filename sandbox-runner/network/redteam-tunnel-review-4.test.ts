// Red team: an allowed CONNECT/SOCKS tunnel must carry what was allowed (TLS to that name), not anything.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { type AddressInfo, createServer, connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_SOCKET, SOCKS_SOCKET } from './sandbox-setup.js';
import { type NetworkProxy, type NetworkProxyOptions, startNetworkProxy } from './start-network-proxy.js';
import {
  attemptCollector,
  connectPath,
  httpConnect,
  type LocalServer,
  rawHttp,
  readBytesToClose,
  readToClose,
  readUntil,
  socksConnect,
  startEchoServer,
  startOrigin,
} from './test-support.js';
import {
  captureHello,
  extension,
  helloMessage,
  records,
  reframe,
  serverNameExtension,
  startTlsServer,
  type TlsServer,
  tlsOver,
} from './tls-test-support.js';

// allowed.test and cdn-neighbour.test share one address, as two sites on one CDN edge would.
const NAMES: Record<string, string[]> = {
  'allowed.test': ['127.0.0.1'],
  'cdn-neighbour.test': ['127.0.0.1'],
  'v6.test': ['::1'],
};
const resolve = async (host: string) => {
  const found = NAMES[host];
  if (found === undefined) throw new Error(`ENOTFOUND ${host}`);
  return found;
};

let tls: TlsServer; // plays port 443 (a TLS port)
let tls6: TlsServer;
let retrying: TlsServer; // X25519 only: a client offering a P-256 key share gets a HelloRetryRequest
let echo: LocalServer; // a non-TLS port an entry names (think ssh on 22)
let origin: LocalServer;
let proxy: NetworkProxy | undefined;
beforeAll(async () => {
  [tls, tls6, retrying, echo, origin] = await Promise.all([
    startTlsServer(['allowed.test', 'cdn-neighbour.test']),
    startTlsServer(['v6.test'], '::1'),
    startTlsServer(['allowed.test'], '127.0.0.1', 'X25519'),
    startEchoServer(),
    startOrigin(),
  ]);
});
afterAll(async () => {
  await Promise.all([tls.close(), tls6.close(), retrying.close(), echo.close(), origin.close()]);
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

async function start(extra: Partial<NetworkProxyOptions> = {}) {
  const events = attemptCollector();
  proxy = await startNetworkProxy({
    allow: [
      `allowed.test:${tls.port}`,
      `allowed.test:${retrying.port}`,
      `cdn-neighbour.test:${tls.port}`,
      `127.0.0.1:${tls.port}`,
      `[::1]:${tls6.port}`,
      `allowed.test:${echo.port}`,
      `allowed.test:${origin.port}`,
    ],
    tlsPorts: [tls.port, tls6.port, retrying.port],
    onAttempt: events.onAttempt,
    resolve,
    handshakeTimeoutMs: 1_000,
    ...extra,
  });
  const http = join(proxy.socketDir, HTTP_SOCKET);
  return { events, http, socks: join(proxy.socketDir, SOCKS_SOCKET) };
}

/** CONNECT, then TLS with `servername`; returns the TLS outcome and the one recorded attempt. */
async function connectTls(target: string, servername: string, ca?: string) {
  const { events, http } = await start();
  const { status, socket } = await httpConnect(http, target);
  expect(status).toBe(200);
  const outcome = await tlsOver(socket, servername, ca);
  const [attempt] = await events.waitFor(1);
  return { outcome, attempt: attempt! };
}

const REFUSED = { outcome: { error: expect.stringMatching(/ACCESS_DENIED/) } };

describe('TLS inside an allowed CONNECT tunnel', () => {
  it('passes the allowed host with its own SNI end to end, certificate checked', async () => {
    const r = await connectTls(`allowed.test:${tls.port}`, 'allowed.test', tls.cert);
    expect(r.outcome).toEqual({ said: 'hello allowed.test' });
    expect(r.attempt).toMatchObject({ decision: 'allow', host: 'allowed.test', reason: /allowed by/ });
    expect(r.attempt.bytes_out).toBeGreaterThan(100);
  });

  it('refuses a fronted SNI: another site on the same address, or a name not allowed at all', async () => {
    for (const sni of ['cdn-neighbour.test', 'evil.example']) {
      const r = await connectTls(`allowed.test:${tls.port}`, sni);
      expect(r).toMatchObject(REFUSED);
      expect(r.attempt).toMatchObject({
        decision: 'deny',
        reason: `refused inside the tunnel: TLS server name "${sni}" does not match the CONNECT host "allowed.test"`,
        bytes_out: 0,
      });
      await proxy!.close();
    }
  });

  it('refuses a ClientHello without SNI', async () => {
    const r = await connectTls(`allowed.test:${tls.port}`, '');
    expect(r).toMatchObject(REFUSED);
    expect(r.attempt.reason).toMatch(/without a server name/);
  });

  it('matches a CONNECT host written in upper case or with a trailing dot', async () => {
    for (const target of [`ALLOWED.Test:${tls.port}`, `allowed.test.:${tls.port}`]) {
      const r = await connectTls(target, 'allowed.test');
      expect(r.outcome).toEqual({ said: 'hello allowed.test' });
      await proxy!.close();
    }
  });

  it('IP literal CONNECT: an entry naming the IP passes whatever name (the user allowed the address)', async () => {
    expect((await connectTls(`127.0.0.1:${tls.port}`, '')).outcome).toEqual({ said: 'hello (none)' });
    await proxy!.close();
    const v6 = await connectTls(`[::1]:${tls6.port}`, 'v6.test');
    expect(v6.outcome).toEqual({ said: 'hello v6.test' });
    expect(v6.attempt).toMatchObject({ host: '::1', decision: 'allow' });
  });

  it('refuses an IPv6 literal or a port no entry names before any tunnel', async () => {
    const { http, events } = await start();
    expect((await httpConnect(http, `[::1]:${tls.port}`)).status).toBe(403);
    expect((await httpConnect(http, `[0:0:0:0:0:0:0:1]:${echo.port}`)).status).toBe(403);
    expect((await httpConnect(http, `allowed.test:${tls6.port}`)).status).toBe(403);
    expect((await events.waitFor(3)).map((a) => a.reason)).toEqual([
      'loopback address not explicitly allowed',
      'loopback address not explicitly allowed',
      'not in allowlist',
    ]);
  });

  it('judges a ClientHello written byte by byte, and one split across records', async () => {
    const good = await captureHello('allowed.test');
    const evil = await captureHello('evil.example');
    for (const [bytes, verdict] of [
      [good, 'allow'],
      [evil, 'deny'],
      [reframe(good, 64), 'allow'],
      [reframe(evil, 64), 'deny'],
    ] as const) {
      const { http, events } = await start();
      const { socket } = await httpConnect(http, `allowed.test:${tls.port}`);
      socket.setNoDelay(true);
      for (const byte of bytes) await new Promise((done) => socket.write(Buffer.from([byte]), done));
      const reply = await readUntil(socket, (b) => b.length > 0);
      socket.destroy();
      const [attempt] = await events.waitFor(1);
      expect(attempt!.decision).toBe(verdict);
      // The real server answered the forwarded ClientHello with a handshake record; a refusal is an alert.
      expect(reply[0]).toBe(verdict === 'allow' ? 0x16 : 0x15);
      await proxy!.close();
    }
  });

  it('refuses ECH, which would hide the real server name behind the allowed one', async () => {
    const { http, events } = await start();
    const { socket } = await httpConnect(http, `allowed.test:${tls.port}`);
    const hello = helloMessage([serverNameExtension('allowed.test'), extension(0xfe0d, Buffer.alloc(32))]);
    socket.write(records(hello));
    expect((await readBytesToClose(socket))[0]).toBe(0x15);
    expect((await events.waitFor(1))[0]!.reason).toMatch(/encrypted_client_hello/);
  });
});

describe('a second ClientHello after a HelloRetryRequest', () => {
  const RETRY = { ecdhCurve: 'P-256:X25519' };

  it('lets an honest client through a retry end to end', async () => {
    const { http, events } = await start();
    const { socket } = await httpConnect(http, `allowed.test:${retrying.port}`);
    expect(await tlsOver(socket, 'allowed.test', retrying.cert, RETRY)).toEqual({
      said: 'hello allowed.test',
    });
    expect((await events.waitFor(1))[0]!.decision).toBe('allow');
  });

  it('refuses a second ClientHello that names another host (the server would read it)', async () => {
    const { http, events } = await start();
    const { socket } = await httpConnect(http, `allowed.test:${retrying.port}`);
    let hellos = 0;
    const rewrite = (chunk: Buffer) => {
      const at = chunk.indexOf('allowed.test');
      if (at < 0 || ++hellos < 2) return chunk;
      const out = Buffer.from(chunk);
      out.write('evilxx.examp', at);
      return out;
    };
    expect(await tlsOver(socket, 'allowed.test', undefined, { ...RETRY, rewrite })).toMatchObject(
      REFUSED.outcome,
    );
    expect((await events.waitFor(1))[0]).toMatchObject({
      decision: 'deny',
      reason: expect.stringMatching(/second ClientHello: TLS server name "evilxx.examp" does not match/),
    });
  });

  it('holds a second ClientHello sent ahead of the retry, then judges it', async () => {
    const first = await captureHello('allowed.test', RETRY.ecdhCurve);
    const second = await captureHello('cdn-neighbour.test', 'X25519');
    const { http, events } = await start();
    const { socket } = await httpConnect(http, `allowed.test:${retrying.port}`);
    socket.write(Buffer.concat([first, second]));
    const reply = await readBytesToClose(socket);
    expect(reply[0]).toBe(0x16); // the HelloRetryRequest reached the client...
    expect(reply.subarray(-7)[0]).toBe(0x15); // ...then Ward's alert, not the server's answer to the second
    expect((await events.waitFor(1))[0]!.reason).toMatch(/second ClientHello: .*"cdn-neighbour.test"/);
  });
});

describe('anything but TLS inside a tunnel to a TLS port', () => {
  it.each([
    ['plain HTTP for another site', 'GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n'],
    ['an SSH banner', 'SSH-2.0-OpenSSH_9.6\r\n'],
    ['a second CONNECT', `CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n`],
  ])('refuses %s with a 403 and an event', async (_, bytes) => {
    const { http, events } = await start();
    const { socket } = await httpConnect(http, `allowed.test:${tls.port}`);
    socket.write(bytes);
    expect(await readToClose(socket)).toMatch(
      /^HTTP\/1.1 403 Forbidden[\s\S]*must open with a TLS ClientHello/,
    );
    expect((await events.waitFor(1))[0]).toMatchObject({ decision: 'deny', bytes_out: 0 });
  });

  it('judges bytes pipelined in the CONNECT packet itself', async () => {
    const evil = await captureHello('evil.example');
    const good = await captureHello('allowed.test');
    const connect = Buffer.from(`CONNECT allowed.test:${tls.port} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const second = Buffer.from(`CONNECT evil.example:${tls.port} HTTP/1.1\r\n\r\n`);
    for (const [rest, verdict] of [
      [evil, 'deny'],
      [second, 'deny'],
      [good, 'allow'],
    ] as const) {
      const { http, events } = await start();
      const socket = await connectPath(http);
      socket.write(Buffer.concat([connect, rest]));
      const established = 'HTTP/1.1 200 Connection Established\r\n\r\n';
      const reply = await readUntil(socket, (b) => b.length > established.length);
      socket.destroy();
      expect(reply.toString('latin1').startsWith(established)).toBe(true);
      // A forwarded ClientHello gets the server's handshake record; a refusal an alert or a 403.
      expect(reply[established.length]).toBe(verdict === 'allow' ? 0x16 : rest === evil ? 0x15 : 0x48);
      expect((await events.waitFor(1))[0]!.decision).toBe(verdict);
      await proxy!.close();
    }
  });

  it('bounds junk: 16 MB of garbage or a huge claimed ClientHello is refused at once', async () => {
    const { http, events } = await start();
    const a = await httpConnect(http, `allowed.test:${tls.port}`);
    a.socket.write(Buffer.alloc(16 * 1024 * 1024, 0x41));
    expect(await readToClose(a.socket)).toMatch(/^HTTP\/1.1 403/);
    const b = await httpConnect(http, `allowed.test:${tls.port}`);
    b.socket.write(
      Buffer.concat([Buffer.from([0x16, 3, 1, 0x40, 0, 1, 0xff, 0xff, 0xff]), Buffer.alloc(1 << 20)]),
    );
    expect((await readBytesToClose(b.socket))[0]).toBe(0x15);
    const reasons = (await events.waitFor(2)).map((x) => x.reason);
    expect(reasons).toContainEqual(expect.stringMatching(/ClientHello of 16777215 bytes/));
  });

  it('drops a slowloris ClientHello, and a silent client, after the handshake timeout', async () => {
    const { http, events } = await start({ handshakeTimeoutMs: 300 });
    const hello = await captureHello('allowed.test');
    const slow = await httpConnect(http, `allowed.test:${tls.port}`);
    slow.socket.write(hello.subarray(0, 10));
    const silent = await httpConnect(http, `allowed.test:${tls.port}`);
    expect((await readBytesToClose(slow.socket, 3_000))[0]).toBe(0x15);
    await readBytesToClose(silent.socket, 3_000);
    const reasons = (await events.waitFor(2)).map((x) => x.reason);
    expect(reasons).toEqual([expect.stringMatching(/within 300 ms/), expect.stringMatching(/within 300 ms/)]);
  });
});

describe('other ports and the SOCKS5 side', () => {
  it('passes any protocol on a port an entry names, but still judges a ClientHello there', async () => {
    const { http, events } = await start();
    const ssh = await httpConnect(http, `allowed.test:${echo.port}`);
    ssh.socket.write('SSH-2.0-OpenSSH_9.6\r\n');
    expect((await readUntil(ssh.socket, (b) => b.length >= 21)).toString()).toBe('SSH-2.0-OpenSSH_9.6\r\n');
    ssh.socket.end();
    const fronted = await httpConnect(http, `allowed.test:${echo.port}`);
    fronted.socket.write(await captureHello('evil.example'));
    expect((await readBytesToClose(fronted.socket))[0]).toBe(0x15);
    const byDecision = (await events.waitFor(2)).map((a) => a.decision).sort();
    expect(byDecision).toEqual(['allow', 'deny']);
  });

  it('applies the same check to SOCKS5 tunnels, including bytes sent with the request', async () => {
    const { socks, events } = await start();
    const evil = await socksConnect(socks, { domain: 'allowed.test' }, tls.port);
    expect(evil.rep).toBe(0);
    expect(await tlsOver(evil.socket, 'evil.example')).toMatchObject({ error: /ACCESS_DENIED/ });
    const early = await socksConnect(
      socks,
      { ipv4: '127.0.0.1' },
      tls.port,
      Buffer.from('GET / HTTP/1.1\r\n\r\n'),
    );
    expect(early.rep).toBe(0);
    await readToClose(early.socket);
    const good = await socksConnect(socks, { domain: 'allowed.test' }, tls.port);
    expect(await tlsOver(good.socket, 'allowed.test', tls.cert)).toEqual({ said: 'hello allowed.test' });
    const decisions = (await events.waitFor(3)).map((a) => [a.decision, a.reason.slice(0, 40)]);
    expect(decisions.filter(([d]) => d === 'deny')).toHaveLength(2);
  });
});

const hasTools = existsSync('/usr/bin/curl') && existsSync('/usr/bin/openssl');
const run = promisify(execFile);

describe.runIf(hasTools)('real clients: curl and openssl s_client', () => {
  it('curl reaches the allowed host over SOCKS5; s_client -servername another host is refused', async () => {
    const { socks, http, events } = await start();
    const curl = await run('curl', [
      '-sS',
      '-k',
      '--http0.9',
      '--proxy',
      `socks5h://localhost${socks}`,
      `https://allowed.test:${tls.port}/`,
    ]);
    expect(curl.stdout).toBe('hello allowed.test');
    // s_client speaks HTTP CONNECT over TCP only: a loopback port in front of the unix socket.
    const front = createServer((c) =>
      c
        .pipe(netConnect(http))
        .pipe(c)
        .on('error', () => c.destroy()),
    );
    front.listen(0, '127.0.0.1');
    await once(front, 'listening');
    const port = (front.address() as AddressInfo).port;
    const sClient = await run(
      'openssl',
      [
        's_client',
        '-proxy',
        `127.0.0.1:${port}`,
        '-connect',
        `allowed.test:${tls.port}`,
        '-servername',
        'cdn-neighbour.test',
      ],
      { timeout: 10_000 },
    ).catch((err: { stdout: string; stderr: string }) => err);
    front.close();
    expect(sClient.stderr).toMatch(/alert access denied/);
    const attempts = await events.waitFor(2);
    expect(attempts.map((a) => [a.protocol, a.decision])).toEqual([
      ['socks5', 'allow'],
      ['http-connect', 'deny'],
    ]);
  });
});

describe('plain http:// requests', () => {
  const get = (url: string, host: string) =>
    `GET ${url} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

  it('forwards when Host agrees, in any case and with a trailing dot', async () => {
    await start();
    const path = join(proxy!.socketDir, HTTP_SOCKET);
    const res = await rawHttp(
      path,
      get(`http://allowed.test:${origin.port}/x`, `ALLOWED.test.:${origin.port}`),
    );
    expect(res).toMatch(/^HTTP\/1.1 200[\s\S]*origin GET \/x host=allowed.test:/);
  });
});
