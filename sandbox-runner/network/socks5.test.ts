import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SOCKS_SOCKET } from './sandbox-setup.js';
import { type NetworkProxy, type NetworkProxyOptions, startNetworkProxy } from './start-network-proxy.js';
import {
  attemptCollector,
  closedPort,
  connectPath,
  type LocalServer,
  readBytesToClose,
  readToClose,
  readUntil,
  socksConnect,
  startEchoServer,
} from './test-support.js';

const resolve = vi.fn(async (host: string) => {
  if (host === 'allowed.test') return ['127.0.0.1'];
  throw new Error(`ENOTFOUND ${host}`);
});

let echo: LocalServer;
let proxy: NetworkProxy | undefined;
beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(() => echo.close());
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  resolve.mockClear();
});

async function start(extra: Partial<NetworkProxyOptions> = {}) {
  const events = attemptCollector();
  proxy = await startNetworkProxy({
    allow: [`allowed.test:${echo.port}`, `127.0.0.1:${echo.port}`, `[::1]:${echo.port}`],
    onAttempt: events.onAttempt,
    resolve,
    ...extra,
  });
  return { events, path: join(proxy.socketDir, SOCKS_SOCKET) };
}

describe('SOCKS5 proxy over the unix socket', () => {
  it.each([
    ['a domain name', { domain: 'allowed.test' }, 'allowed.test'],
    ['an IPv4 address', { ipv4: '127.0.0.1' }, '127.0.0.1'],
  ])('connects to an allowed target given as %s and counts bytes', async (_, address, host) => {
    const { events, path } = await start();
    const { rep, socket } = await socksConnect(path, address, echo.port);
    expect(rep).toBe(0);
    socket.write('hello socks');
    expect((await readUntil(socket, (b) => b.length >= 11)).toString()).toBe('hello socks');
    socket.end();
    await readToClose(socket);
    expect((await events.waitFor(1))[0]).toMatchObject({
      protocol: 'socks5',
      host,
      port: echo.port,
      resolved_ip: '127.0.0.1',
      decision: 'allow',
      bytes_in: 11,
      bytes_out: 11,
    });
  });

  it('forwards bytes the client sent before the reply', async () => {
    const { path } = await start();
    const { rep, socket, rest } = await socksConnect(
      path,
      { domain: 'allowed.test' },
      echo.port,
      Buffer.from('early'),
    );
    expect(rep).toBe(0);
    const more = await readUntil(socket, (b) => rest.length + b.length >= 5);
    expect(Buffer.concat([rest, more]).toString()).toBe('early');
    socket.destroy();
  });

  it.each([
    ['a host outside the allowlist', { domain: 'denied.test' }, 443, 'not in allowlist'],
    ['the metadata IP', { ipv4: '169.254.169.254' }, 80, 'cloud metadata address not explicitly allowed'],
    ['a loopback IP on another port', { ipv4: '127.0.0.1' }, 1, 'loopback address not explicitly allowed'],
    ['IPv6 loopback on another port', { ipv6: '::1' }, 1, 'loopback address not explicitly allowed'],
    [
      'a mapped IPv6 metadata address',
      { ipv6: '::ffff:169.254.169.254' },
      80,
      'IPv4-mapped cloud metadata address not explicitly allowed',
    ],
    [
      'a loopback IP given as a domain',
      { domain: '127.0.0.1' },
      1,
      'loopback address not explicitly allowed',
    ],
    ['an invalid domain', { domain: 'bad host!' }, 443, 'invalid host name'],
  ])('refuses %s with reply 2', async (_, address, port, reason) => {
    const { events, path } = await start();
    const { rep, socket } = await socksConnect(path, address, port);
    expect(rep).toBe(2);
    await readToClose(socket);
    expect((await events.waitFor(1))[0]).toMatchObject({
      decision: 'deny',
      reason,
      bytes_in: 0,
      bytes_out: 0,
    });
    expect(resolve).not.toHaveBeenCalled();
  });

  it('replies 5 when an allowed upstream refuses', async () => {
    const port = await closedPort();
    const { events, path } = await start({ allow: [`127.0.0.1:${port}`] });
    expect((await socksConnect(path, { ipv4: '127.0.0.1' }, port)).rep).toBe(5);
    expect((await events.waitFor(1))[0]).toMatchObject({
      decision: 'allow',
      reason: expect.stringMatching(/ECONNREFUSED/),
    });
  });

  it('replies 2 when decide() times out', async () => {
    const { events, path } = await start({ decide: () => new Promise(() => {}), decideTimeoutMs: 100 });
    expect((await socksConnect(path, { domain: 'ask.test' }, 443)).rep).toBe(2);
    expect((await events.waitFor(1))[0]!.reason).toBe('approval failed: approval timed out');
  });

  describe('malformed clients', () => {
    async function exchange(path: string, ...chunks: number[][]): Promise<number[]> {
      const socket = await connectPath(path);
      for (const c of chunks) socket.write(Buffer.from(c));
      return [...(await readBytesToClose(socket))];
    }

    it.each([
      ['a SOCKS4 greeting', [[4, 1, 0, 80, 127, 0, 0, 1, 0]], [5, 0xff]],
      ['no acceptable auth method', [[5, 1, 2]], [5, 0xff]],
      [
        'the BIND command',
        [
          [5, 1, 0],
          [5, 2, 0, 1, 127, 0, 0, 1, 0, 80],
        ],
        [5, 0, 5, 7, 0, 1, 0, 0, 0, 0, 0, 0],
      ],
      [
        'an unknown address type',
        [
          [5, 1, 0],
          [5, 1, 0, 9],
        ],
        [5, 0, 5, 8, 0, 1, 0, 0, 0, 0, 0, 0],
      ],
      [
        'a bad request version',
        [
          [5, 1, 0],
          [4, 1, 0, 1],
        ],
        [5, 0, 5, 1, 0, 1, 0, 0, 0, 0, 0, 0],
      ],
    ])('answers %s with a failure reply and closes', async (_, chunks, expected) => {
      const { events, path } = await start();
      expect(await exchange(path, ...chunks)).toEqual(expected);
      expect(events.attempts).toEqual([]);
    });

    it('drops a client that stalls mid-handshake, then keeps serving', async () => {
      const { path } = await start({ handshakeTimeoutMs: 100 });
      expect(await exchange(path, [5, 1, 0], [5, 1])).toEqual([5, 0]);
      expect((await socksConnect(path, { ipv4: '127.0.0.1' }, echo.port)).rep).toBe(0);
    });
  });
});
