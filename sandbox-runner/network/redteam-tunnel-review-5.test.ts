// Red team, after review 4: what the tunnel's first-bytes check still let through, and what holds.
import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { createSecureContext, TLSSocket, connect as tlsConnect } from 'node:tls';
import { generate } from 'selfsigned';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scanClientHello } from './client-hello.js';
import { HTTP_SOCKET, SOCKS_SOCKET } from './sandbox-setup.js';
import { type NetworkProxy, startNetworkProxy } from './start-network-proxy.js';
import {
  attemptCollector,
  httpConnect,
  type LocalServer,
  readBytesToClose,
  readToClose,
  readUntil,
  socksConnect,
  startEchoServer,
} from './test-support.js';
import {
  captureHello,
  helloMessage,
  records,
  serverNameExtension,
  startTlsServer,
  type TlsServer,
  tlsOver,
} from './tls-test-support.js';

// Found: on a port an entry names ("any TCP protocol"), only the very first bytes were judged, so a protocol
// that upgrades to TLS after a plaintext exchange (Postgres' SSLRequest, SMTP/IMAP STARTTLS) carried a
// ClientHello naming any host: on a service that routes by SNI on a shared address (hosted Postgres proxies
// do), that reaches another tenant's endpoint. A ClientHello at the start of what the client sends after the
// server has spoken is now judged too. Holding: an SSLv2-format hello, Unicode vs punycode, an empty name.

const NAMES: Record<string, string[]> = {
  'allowed.test': ['127.0.0.1'],
  'cdn-neighbour.test': ['127.0.0.1'],
};
const resolve = async (host: string) => {
  const found = NAMES[host];
  if (found === undefined) throw new Error(`ENOTFOUND ${host}`);
  return found;
};

/** Postgres' SSLRequest: length 8, code 80877103. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/**
 * A Postgres-like server on a shared address: answers an SSLRequest with `S`, then speaks TLS and says which
 * name the client asked for (an SNI-routing proxy would connect it to that tenant). Like Postgres, it refuses
 * bytes sent ahead of its `S`. Any other opening is echoed (plain protocol).
 */
async function startUpgradingServer(names: string[], ecdhCurve?: string): Promise<LocalServer> {
  const pems = await generate([{ name: 'commonName', value: names[0]! }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) }],
  });
  const context = createSecureContext({
    key: pems.private,
    cert: pems.cert,
    ...(ecdhCurve ? { ecdhCurve } : {}),
  });
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 8) return;
      s.off('data', onData);
      if (!buf.subarray(0, 8).equals(SSL_REQUEST)) {
        s.end(buf);
        return;
      }
      if (buf.length > 8) {
        s.end('E received unencrypted data after SSL request');
        return;
      }
      s.write('S');
      const tls = new TLSSocket(s, { isServer: true, secureContext: context });
      tls.on('error', () => s.destroy());
      tls.once('secure', () => tls.end(`hello ${tls.servername || '(none)'}`));
    };
    s.on('data', onData);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

let pg: LocalServer;
let pgRetry: LocalServer; // X25519 only: a client offering a P-256 key share first gets a HelloRetryRequest
let tls: TlsServer;
let echo: LocalServer;
let proxy: NetworkProxy | undefined;
beforeAll(async () => {
  [pg, pgRetry, tls, echo] = await Promise.all([
    startUpgradingServer(['allowed.test', 'cdn-neighbour.test']),
    startUpgradingServer(['allowed.test', 'cdn-neighbour.test'], 'X25519'),
    startTlsServer(['allowed.test']),
    startEchoServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([pg.close(), pgRetry.close(), tls.close(), echo.close()]);
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

async function start() {
  const events = attemptCollector();
  proxy = await startNetworkProxy({
    allow: [
      `allowed.test:${pg.port}`,
      `allowed.test:${pgRetry.port}`,
      `allowed.test:${tls.port}`,
      `allowed.test:${echo.port}`,
    ],
    tlsPorts: [tls.port],
    onAttempt: events.onAttempt,
    resolve,
    handshakeTimeoutMs: 1_000,
  });
  return { events, http: join(proxy.socketDir, HTTP_SOCKET), socks: join(proxy.socketDir, SOCKS_SOCKET) };
}

type Via = 'connect' | 'socks';
async function open(via: Via, p: Awaited<ReturnType<typeof start>>, port: number): Promise<Socket> {
  if (via === 'connect') {
    const r = await httpConnect(p.http, `allowed.test:${port}`);
    expect(r.status).toBe(200);
    return r.socket;
  }
  const r = await socksConnect(p.socks, { domain: 'allowed.test' }, port);
  expect(r.rep).toBe(0);
  return r.socket;
}

/** SSLRequest, the server's `S`, then TLS with `servername` over the same tunnel (TLS 1.3, or 1.2). */
async function upgrade(via: Via, servername: string, tls12 = false) {
  const p = await start();
  const socket = await open(via, p, pg.port);
  socket.write(SSL_REQUEST);
  expect((await readUntil(socket, (b) => b.length >= 1)).toString()).toBe('S');
  const outcome = tls12 ? await tls12Over(socket, servername) : await tlsOver(socket, servername);
  const [attempt] = await p.events.waitFor(1);
  return { outcome, attempt: attempt! };
}

/** TLS 1.2 over `socket`: its second flight opens with a plaintext ClientKeyExchange record. */
async function tls12Over(socket: Socket, servername: string): Promise<{ said: string } | { error: string }> {
  const t = tlsConnect({ socket, servername, rejectUnauthorized: false, maxVersion: 'TLSv1.2' });
  let said = '';
  t.on('data', (d: Buffer) => {
    said += d.toString();
  });
  return new Promise((r) => {
    t.once('error', (err: Error & { code?: string }) => r({ error: `${err.code} ${err.message}` }));
    t.once('close', () => r({ said }));
  });
}

describe('a ClientHello after a plaintext upgrade on a port an entry names (STARTTLS, SSLRequest)', () => {
  for (const via of ['connect', 'socks'] as const) {
    it(`${via}: the allowed name passes end to end; another name is refused before the server sees it`, async () => {
      expect((await upgrade(via, 'allowed.test')).outcome).toEqual({ said: 'hello allowed.test' });
      expect((await upgrade(via, 'allowed.test', true)).outcome).toEqual({ said: 'hello allowed.test' });
      const fronted = await upgrade(via, 'cdn-neighbour.test');
      // Before: { said: 'hello cdn-neighbour.test' }, the tunnel's attempt an allow.
      expect(fronted.outcome).toEqual({ error: expect.stringMatching(/ACCESS_DENIED/) });
      expect(fronted.attempt).toMatchObject({
        decision: 'deny',
        reason:
          'refused inside the tunnel: ClientHello after a plaintext exchange: TLS server name "cdn-neighbour.test" does not match the CONNECT host "allowed.test"',
      });
    });
  }

  it('a HelloRetryRequest after the upgrade: a second ClientHello naming another host is refused, sent after or ahead', async () => {
    const RETRY = { ecdhCurve: 'P-256:X25519' };
    const upgraded = async () => {
      const p = await start();
      const socket = await open('connect', p, pgRetry.port);
      socket.write(SSL_REQUEST);
      expect((await readUntil(socket, (b) => b.length >= 1)).toString()).toBe('S');
      return { p, socket };
    };
    const honest = await upgraded();
    expect(await tlsOver(honest.socket, 'allowed.test', undefined, RETRY)).toEqual({
      said: 'hello allowed.test',
    });

    const after = await upgraded();
    let hellos = 0;
    const rewrite = (chunk: Buffer) => {
      const at = chunk.indexOf('allowed.test');
      if (at < 0 || ++hellos < 2) return chunk;
      const out = Buffer.from(chunk);
      out.write('evilxx.examp', at);
      return out;
    };
    expect(await tlsOver(after.socket, 'allowed.test', undefined, { ...RETRY, rewrite })).toEqual({
      error: expect.stringMatching(/ACCESS_DENIED/),
    });
    expect((await after.p.events.waitFor(1))[0]!.reason).toMatch(/"evilxx.examp" does not match/);

    const first = await captureHello('allowed.test', RETRY.ecdhCurve);
    const second = await captureHello('cdn-neighbour.test', 'X25519');
    // Sent ahead of the server's answer: in the same write, or in a write of its own once the first is out.
    for (const together of [true, false]) {
      const ahead = await upgraded();
      if (together) ahead.socket.write(Buffer.concat([first, second]));
      else ahead.socket.write(first, () => ahead.socket.write(second));
      const reply = await readBytesToClose(ahead.socket);
      expect(reply.subarray(-7)).toEqual(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x31]));
      expect((await ahead.p.events.waitFor(1))[0]!.reason).toMatch(/"cdn-neighbour.test" does not match/);
      await proxy?.close();
      proxy = undefined;
    }
  });

  it('other protocols on such a port are untouched: a long echo conversation with TLS-looking bytes inside', async () => {
    const p = await start();
    const socket = await open('connect', p, echo.port);
    const said: Buffer[] = [];
    for (const line of ['hello\n', 'x\x16\x03\x01 not at the start\n', 'bye\n']) {
      socket.write(line);
      said.push(await readUntil(socket, (b) => b.toString().endsWith('\n')));
    }
    expect(Buffer.concat(said).toString()).toBe('hello\nx\x16\x03\x01 not at the start\nbye\n');
    socket.end();
  });
});

describe('parser differentials that hold', () => {
  it('an SSLv2-format hello (no room for SNI) is not TLS to the check: refused on a TLS port', async () => {
    const v2 = Buffer.from(
      '802e0103030015000000100000ff00002f00003500000a0102030405060708090a0b0c0d0e0f10',
      'hex',
    );
    expect(scanClientHello(v2)).toEqual({ kind: 'not-tls' });
    const p = await start();
    const socket = await open('connect', p, tls.port);
    socket.write(v2);
    expect(await readToClose(socket)).toMatch(/^HTTP\/1\.1 403[\s\S]*must open with a TLS ClientHello/);
  });

  it('a Unicode name, an empty one or one of another type never equals the ASCII CONNECT host', () => {
    const scan = (ext: Buffer) => scanClientHello(records(helloMessage([ext])));
    expect(scan(serverNameExtension('bücher.test'))).toMatchObject({
      kind: 'hello',
      serverName: 'bÃ¼cher.test',
    });
    expect(scan(serverNameExtension(''))).toMatchObject({ kind: 'invalid', reason: 'empty server_name' });
  });
});
