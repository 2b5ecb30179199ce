import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_HEADER_BYTES } from './http-proxy-server.js';
import { HTTP_SOCKET } from './sandbox-setup.js';
import { type NetworkProxy, type NetworkProxyOptions, startNetworkProxy } from './start-network-proxy.js';
import {
  attemptCollector,
  closedPort,
  connectPath,
  httpConnect,
  type LocalServer,
  rawHttp,
  readToClose,
  readUntil,
  startEchoServer,
  startOrigin,
} from './test-support.js';

const NAMES: Record<string, string[]> = {
  'allowed.test': ['127.0.0.1'],
  'sub.wild.test': ['127.0.0.1'],
  'meta.wild.test': ['169.254.169.254'],
  'ask.test': ['127.0.0.1'],
};
const resolve = vi.fn(async (host: string) => {
  const found = NAMES[host];
  if (found === undefined) throw new Error(`ENOTFOUND ${host}`);
  return found;
});

let echo: LocalServer;
let origin: LocalServer;
let proxy: NetworkProxy | undefined;
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
  resolve.mockClear();
});

async function start(extra: Partial<NetworkProxyOptions> = {}) {
  const events = attemptCollector();
  proxy = await startNetworkProxy({
    allow: [
      `127.0.0.1:${echo.port}`,
      `allowed.test:${echo.port}`,
      `*.wild.test:${echo.port}`,
      `127.0.0.1:${origin.port}`,
    ],
    onAttempt: events.onAttempt,
    resolve,
    ...extra,
  });
  return { events, path: join(proxy.socketDir, HTTP_SOCKET) };
}

async function echoThrough(socket: import('node:net').Socket, text: string): Promise<string> {
  socket.write(text);
  const got = await readUntil(socket, (b) => b.length >= text.length);
  socket.end();
  await readToClose(socket);
  return got.toString();
}

describe('HTTP proxy over the unix socket', () => {
  it('keeps its sockets in a private 0700 directory with the relay script', async () => {
    await start();
    const dir = proxy!.socketDir;
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await readdir(dir)).sort()).toEqual(['http.sock', 'relay.cjs', 'socks.sock']);
    await proxy!.close();
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
  });

  it('tunnels CONNECT to an explicitly allowed loopback IP and counts bytes both ways', async () => {
    const { events, path } = await start();
    const { status, socket } = await httpConnect(path, `127.0.0.1:${echo.port}`);
    expect(status).toBe(200);
    expect(await echoThrough(socket, 'ping-12345')).toBe('ping-12345');
    const [a] = await events.waitFor(1);
    expect(a).toMatchObject({
      protocol: 'http-connect',
      host: '127.0.0.1',
      port: echo.port,
      resolved_ip: '127.0.0.1',
      decision: 'allow',
      reason: `allowed by "127.0.0.1:${echo.port}"`,
      bytes_in: 10,
      bytes_out: 10,
    });
    expect(a!.duration_ms).toBeGreaterThanOrEqual(0);
    expect(Date.parse(a!.time)).not.toBeNaN();
  });

  it('resolves an explicitly allowed name once and connects to the checked address', async () => {
    const { events, path } = await start();
    const { status, socket } = await httpConnect(path, `Allowed.Test:${echo.port}`);
    expect(status).toBe(200);
    expect(await echoThrough(socket, 'hello')).toBe('hello');
    expect(resolve).toHaveBeenCalledTimes(1);
    expect((await events.waitFor(1))[0]).toMatchObject({
      host: 'allowed.test',
      resolved_ip: '127.0.0.1',
      decision: 'allow',
    });
  });

  it('refuses a wildcard-allowed name that resolves to loopback or metadata', async () => {
    const { events, path } = await start();
    for (const host of ['sub.wild.test', 'meta.wild.test']) {
      const { status, head } = await httpConnect(path, `${host}:${echo.port}`);
      expect(status).toBe(403);
      expect(head).toMatch(/resolves to/);
    }
    const [loop, meta] = await events.waitFor(2);
    expect(loop).toMatchObject({
      decision: 'deny',
      reason: 'resolves to loopback address',
      resolved_ip: '127.0.0.1',
    });
    expect(meta).toMatchObject({
      decision: 'deny',
      reason: 'resolves to cloud metadata address',
      resolved_ip: '169.254.169.254',
    });
  });

  it('denies a host outside the allowlist without looking it up', async () => {
    const { events, path } = await start();
    const { status, head } = await httpConnect(path, 'denied.test:443');
    expect(status).toBe(403);
    expect(head).toContain('not in allowlist');
    expect(resolve).not.toHaveBeenCalled();
    expect((await events.waitFor(1))[0]).toMatchObject({
      host: 'denied.test',
      port: 443,
      decision: 'deny',
      bytes_in: 0,
    });
  });

  it.each([
    ['127.0.0.1:1', 'loopback address not explicitly allowed'],
    [`[::1]:${1}`, 'loopback address not explicitly allowed'],
    ['[::ffff:127.0.0.1]:443', 'IPv4-mapped loopback address not explicitly allowed'],
    ['169.254.169.254:80', 'cloud metadata address not explicitly allowed'],
    ['10.0.0.1:443', 'private (10/8) address not explicitly allowed'],
  ])('denies the IP literal %s', async (target, reason) => {
    const { events, path } = await start();
    const { status } = await httpConnect(path, target);
    expect(status).toBe(403);
    expect((await events.waitFor(1))[0]).toMatchObject({ decision: 'deny', reason });
    expect(resolve).not.toHaveBeenCalled();
  });

  it('answers 502 when an allowed upstream refuses', async () => {
    const port = await closedPort();
    const { events, path } = await start({ allow: [`127.0.0.1:${port}`] });
    expect((await httpConnect(path, `127.0.0.1:${port}`)).status).toBe(502);
    expect((await events.waitFor(1))[0]!.reason).toMatch(/ECONNREFUSED/);
  });

  describe('asking', () => {
    it('asks decide() for uncovered hosts and still refuses loopback it resolves to', async () => {
      const decide = vi.fn(async () => 'allow' as const);
      const { events, path } = await start({ decide });
      expect((await httpConnect(path, 'ask.test:8080')).status).toBe(403);
      expect(decide).toHaveBeenCalledWith('ask.test', 8080);
      expect((await events.waitFor(1))[0]).toMatchObject({
        decision: 'deny',
        reason: 'resolves to loopback address',
      });
    });

    it.each([
      ['deny', async () => 'deny' as const, 'denied by approval'],
      [
        'an error',
        async (): Promise<'allow'> => Promise.reject(new Error('gate down')),
        'approval failed: gate down',
      ],
      ['a timeout', () => new Promise<'allow'>(() => {}), 'approval failed: approval timed out'],
    ])('treats %s as deny', async (_, decide, reason) => {
      const { events, path } = await start({ decide, decideTimeoutMs: 100 });
      expect((await httpConnect(path, 'ask.test:443')).status).toBe(403);
      expect((await events.waitFor(1))[0]).toMatchObject({ decision: 'deny', reason });
      expect(resolve).not.toHaveBeenCalled();
    });
  });

  describe('plain http:// forwarding', () => {
    it('forwards an absolute-URI GET to an allowed origin', async () => {
      const { events, path } = await start();
      const url = `http://127.0.0.1:${origin.port}/hi?x=1`;
      const head = `GET ${url} HTTP/1.1\r\nHost: 127.0.0.1:${origin.port}\r\nProxy-Connection: keep-alive\r\nConnection: close\r\n\r\n`;
      const res = await rawHttp(path, head);
      expect(res).toMatch(/^HTTP\/1.1 200/);
      expect(res).toContain(`origin GET /hi?x=1 host=127.0.0.1:${origin.port}`);
      const [a] = await events.waitFor(1);
      expect(a).toMatchObject({
        protocol: 'http',
        decision: 'allow',
        resolved_ip: '127.0.0.1',
        port: origin.port,
      });
      expect(a!.bytes_in).toBeGreaterThan(50);
      expect(a!.bytes_out).toBeGreaterThan(30);
    });

    it('forwards a request body and counts it', async () => {
      const { events, path } = await start();
      const body = 'x'.repeat(3000);
      const res = await rawHttp(
        path,
        `POST http://127.0.0.1:${origin.port}/up HTTP/1.1\r\nHost: 127.0.0.1:${origin.port}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      );
      expect(res).toContain(`origin POST /up host=127.0.0.1:${origin.port} body=3000`);
      expect((await events.waitFor(1))[0]!.bytes_out).toBeGreaterThan(3000);
    });

    it('refuses a Host header naming another host or port, or two Host headers, with 403 and an event', async () => {
      const { events, path } = await start();
      const url = `http://127.0.0.1:${origin.port}/`;
      const get = (host: string) => `GET ${url} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
      expect(await rawHttp(path, get('evil.example'))).toMatch(/^HTTP\/1.1 403[\s\S]*does not match/);
      expect(await rawHttp(path, get(`127.0.0.1:${origin.port}\r\nHost: evil.example`))).toMatch(
        /^HTTP\/1.1 403[\s\S]*more than one Host header/,
      );
      expect(await rawHttp(path, get('127.0.0.1'))).toMatch(/^HTTP\/1.1 403/); // port 80 implied
      const attempts = await events.waitFor(3);
      expect(attempts.every((a) => a.decision === 'deny' && a.resolved_ip === '')).toBe(true);
    });

    it('denies an absolute URI to a host outside the allowlist', async () => {
      const { events, path } = await start();
      const res = await rawHttp(
        path,
        'GET http://denied.test/ HTTP/1.1\r\nHost: denied.test\r\nConnection: close\r\n\r\n',
      );
      expect(res).toMatch(/^HTTP\/1.1 403/);
      expect((await events.waitFor(1))[0]).toMatchObject({
        protocol: 'http',
        host: 'denied.test',
        port: 80,
        decision: 'deny',
      });
    });

    it('rejects origin-form and https:// requests with 400', async () => {
      const { events, path } = await start();
      for (const target of ['/', 'https://allowed.test/']) {
        const res = await rawHttp(path, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        expect(res).toMatch(/^HTTP\/1.1 400/);
      }
      expect(events.attempts).toEqual([]);
    });
  });

  describe('robustness', () => {
    it.each([
      ['garbage', 'NOT HTTP AT ALL\r\n\r\n', /^HTTP\/1.1 400/],
      [
        'an oversized head',
        `GET http://a.test/ HTTP/1.1\r\nX: ${'a'.repeat(MAX_HEADER_BYTES)}\r\n\r\n`,
        /^HTTP\/1.1 431/,
      ],
      ['a CONNECT without port', 'CONNECT allowed.test HTTP/1.1\r\n\r\n', /^HTTP\/1.1 400/],
      [
        'an Upgrade request',
        'GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
        /^HTTP\/1.1 400/,
      ],
    ])('answers %s and keeps serving', async (_, request, status) => {
      const { path } = await start();
      expect(await rawHttp(path, request)).toMatch(status);
      const { status: ok, socket } = await httpConnect(path, `127.0.0.1:${echo.port}`);
      expect(ok).toBe(200);
      socket.destroy();
    });

    it('records a malformed CONNECT target as a denied attempt', async () => {
      const { events, path } = await start();
      await rawHttp(path, 'CONNECT allowed.test HTTP/1.1\r\n\r\n');
      expect((await events.waitFor(1))[0]).toMatchObject({
        host: 'allowed.test',
        port: 0,
        decision: 'deny',
        reason: 'malformed CONNECT target',
      });
    });

    it('closes an idle tunnel', async () => {
      const { events, path } = await start({ idleTimeoutMs: 150 });
      const { socket } = await httpConnect(path, `127.0.0.1:${echo.port}`);
      await readToClose(socket);
      expect((await events.waitFor(1))[0]).toMatchObject({ decision: 'allow', bytes_in: 0 });
    });

    it('closes a client that never finishes its request head', async () => {
      const { path } = await start({ handshakeTimeoutMs: 150 });
      const socket = await connectPath(path);
      socket.write('CONNECT 127.0.0.1:1 HTTP/1.1\r\n');
      await readToClose(socket);
    });

    it('survives an onAttempt that throws', async () => {
      const { path } = await start({
        onAttempt: () => {
          throw new Error('observer broke');
        },
      });
      expect((await httpConnect(path, 'denied.test:443')).status).toBe(403);
      expect((await httpConnect(path, 'denied.test:443')).status).toBe(403);
    });

    it('close() ends open tunnels and pending asks', async () => {
      const decide = vi.fn(() => new Promise<'allow'>(() => {}));
      const { events, path } = await start({ decide });
      const open = await httpConnect(path, `127.0.0.1:${echo.port}`);
      const asking = await connectPath(path);
      asking.write('CONNECT ask.test:443 HTTP/1.1\r\n\r\n');
      await vi.waitFor(() => expect(decide).toHaveBeenCalled(), { timeout: 15_000, interval: 20 });
      const closed = Promise.all([readToClose(open.socket), readToClose(asking)]);
      await proxy!.close();
      await closed;
      const reasons = (await events.waitFor(2)).map((a) => a.reason).sort();
      expect(reasons).toEqual([`allowed by "127.0.0.1:${echo.port}"`, 'approval failed: proxy closed']);
    });
  });
});
