// Red team, review 14: the proxy's edges rather than the tunnel's first bytes (reviews 4 and 5).
import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isForbiddenAddress } from './forbidden-address.js';
import { ownNetworkReason } from './own-address.js';
import { HTTP_SOCKET, SOCKS_SOCKET } from './sandbox-setup.js';
import { type NetworkProxy, type NetworkProxyOptions, startNetworkProxy } from './start-network-proxy.js';
import {
  attemptCollector,
  connectPath,
  httpConnect,
  type LocalServer,
  readToClose,
  readUntil,
  socksConnect,
  startEchoServer,
} from './test-support.js';

let echo: LocalServer;
let proxy: NetworkProxy | undefined;
beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(async () => {
  await echo.close();
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

async function start(opts: Partial<NetworkProxyOptions> = {}) {
  const events = attemptCollector();
  proxy = await startNetworkProxy({ allow: [], onAttempt: events.onAttempt, ...opts });
  return {
    events,
    http: join(proxy.socketDir, HTTP_SOCKET),
    socks: join(proxy.socketDir, SOCKS_SOCKET),
  };
}

/** A decide() that never answers, and a promise that settles once it has been asked. */
function pendingAsk() {
  let asked!: () => void;
  const wasAsked = new Promise<void>((resolve) => {
    asked = resolve;
  });
  const decide = async (): Promise<'allow' | 'deny'> => {
    asked();
    return new Promise<'allow' | 'deny'>(() => {});
  };
  return { decide, wasAsked };
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

/** A TCP server on `host` that records every byte and, once it has seen `after`, answers `answer` (latin1). */
async function startRecordingOrigin(host = '127.0.0.1', answer = OK, after = '\r\n\r\n') {
  let received = Buffer.alloc(0);
  const server: Server = createServer((s: Socket) => {
    s.on('error', () => s.destroy());
    let answered = false;
    s.on('data', (d: Buffer) => {
      received = Buffer.concat([received, d]);
      if (!answered && received.includes(after)) {
        answered = true;
        s.write(Buffer.from(answer, 'latin1'));
      }
    });
  });
  server.listen(0, host);
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const SMUGGLED = 'GET /admin HTTP/1.1\r\nHost: other-tenant.test\r\n\r\n';

describe('plain http:// forwarding: the body framing the upstream reads', () => {
  it.each([
    [
      'a chunked body',
      `Transfer-Encoding: chunked\r\n\r\n${SMUGGLED.length.toString(16)}\r\n${SMUGGLED}\r\n0\r\n\r\n`,
      /^transfer-encoding: chunked$/im,
      /^[0-9a-f]+\r\nGET \/admin/,
    ],
    [
      'a Content-Length the client names in Connection',
      `Content-Length: ${SMUGGLED.length}\r\nConnection: content-length\r\n\r\n${SMUGGLED}`,
      new RegExp(`^content-length: ${SMUGGLED.length}$`, 'im'),
      /^GET \/admin/,
    ],
  ])(
    '%s on a GET is forwarded framed: the upstream cannot read a second request in it',
    async (_, rest, framing, body) => {
      // Found: Transfer-Encoding is hop-by-hop and was dropped, as was any header the client named in Connection
      // (Content-Length too), and Node's client sends a GET/HEAD/DELETE/OPTIONS body with no framing at all. The
      // body's bytes reached the upstream as a second request, whose Host (another site on the same server or
      // CDN) the proxy never checked.
      const origin = await startRecordingOrigin('127.0.0.1', OK, 'other-tenant.test\r\n\r\n');
      try {
        const { http } = await start({ allow: [`127.0.0.1:${origin.port}`] });
        const socket = await connectPath(http);
        socket.write(
          `GET http://127.0.0.1:${origin.port}/ HTTP/1.1\r\nHost: 127.0.0.1:${origin.port}\r\n${rest}`,
        );
        const reply = await readUntil(socket, (b) => b.includes('ok'));
        expect(reply.toString()).toMatch(/^HTTP\/1.1 200/);
        const text = origin.received().toString('latin1');
        const head = text.slice(0, text.indexOf('\r\n\r\n'));
        // The body is framed, so the smuggled head is body data, not a request.
        expect(head).toMatch(framing);
        expect(text.slice(head.length + 4)).toMatch(body);
        socket.destroy();
      } finally {
        await origin.close();
      }
    },
  );
});

describe('plain http:// forwarding: an upstream answer the proxy cannot relay', () => {
  it.each([
    ['a control character in the reason phrase', 'HTTP/1.1 200 O\x01K\r\nContent-Length: 2\r\n\r\nok'],
    ['a status code under 100', 'HTTP/1.1 099 OK\r\nContent-Length: 2\r\n\r\nok'],
  ])('%s is a 502, not an exception that takes the runner down', async (_, answer) => {
    // Found: Node's client parser accepts these, but res.writeHead() throws on them, inside the 'response'
    // listener: an uncaught exception in the runner's process. An approved host (the agent's own server) sends it.
    const origin = await startRecordingOrigin('127.0.0.1', answer);
    try {
      const { http } = await start({ allow: [`127.0.0.1:${origin.port}`] });
      const request = `GET http://127.0.0.1:${origin.port}/ HTTP/1.1\r\nHost: 127.0.0.1:${origin.port}\r\n\r\n`;
      const socket = await connectPath(http);
      socket.write(request);
      const reply = await readUntil(socket, (b) => b.includes('\r\n\r\n'));
      expect(reply.toString()).toMatch(/^HTTP\/1.1 502/);
      socket.destroy();
    } finally {
      await origin.close();
    }
  });
});

describe('memory and connections the sandbox can hold', () => {
  it('a SOCKS5 client may not pile up bytes while its request is being decided', async () => {
    // Found: the SOCKS5 handshake reader kept everything the client sent (re-concatenated on every chunk) for as
    // long as the ask or lookup took (up to 120 s): gigabytes of memory and quadratic copying in the proxy.
    const { decide, wasAsked } = pendingAsk();
    const { events, socks } = await start({ decide });
    const socket = await connectPath(socks);
    socket.write(Buffer.from([5, 1, 0]));
    await readUntil(socket, (b) => b.length >= 2);
    const name = Buffer.from('ask.test');
    socket.write(Buffer.from([5, 1, 0, 3, name.length, ...name, 0x01, 0xbb]));
    await wasAsked;
    socket.write(Buffer.alloc(4 * 1024 * 1024, 0x41));
    // Dropped once it holds more than a tunnel's opening may be, without waiting for the ask.
    await readToClose(socket, 5_000);
    expect(events.attempts).toEqual([]);
  });

  it('refuses connections past maxConnections, on both sockets', async () => {
    // Found: no bound on connections; each idle tunnel lives 5 minutes with two descriptors, so the sandbox
    // could run the runner (which also writes the audit trail) out of file descriptors.
    const { http, socks } = await start({ handshakeTimeoutMs: 60_000, maxConnections: 2 });
    for (const path of [http, socks]) {
      const held = [await connectPath(path), await connectPath(path)];
      const extra = await connectPath(path);
      await readToClose(extra, 5_000);
      for (const s of held) expect(s.destroyed).toBe(false);
      for (const s of held) s.destroy();
    }
  });
});

/** A non-loopback address of this machine that the forbidden-address list does not already refuse. */
const ownOrdinary = Object.values(networkInterfaces())
  .flat()
  .find(
    (a) => a !== undefined && !a.internal && a.family === 'IPv4' && isForbiddenAddress(a.address) === null,
  );

describe.runIf(ownOrdinary !== undefined)("this machine's own addresses", () => {
  // Found: a service on this machine listening on all interfaces (0.0.0.0) is reachable through its
  // non-loopback address, which the forbidden list only refuses when it happens to be private. A name the
  // human approves (or a wildcard name) that resolves there, or the IP itself, reached the host's services.
  const address = ownOrdinary!.address;
  let local: Awaited<ReturnType<typeof startRecordingOrigin>>;
  beforeAll(async () => {
    local = await startRecordingOrigin(address);
  });
  afterAll(async () => {
    await local.close();
  });

  it.each([
    ['an approved name that resolves to it', 'ask.test', []],
    ['a wildcard name that resolves to it', 'x.wild.test', ['*.wild.test']],
    ['its IP literal, approved', address, []],
    ['its IPv4-mapped IPv6 literal, approved', `[::ffff:${address}]`, []],
  ])('refuses %s', async (_, host, allow: string[]) => {
    const { events, http } = await start({
      allow: allow.map((a) => `${a}:${local.port}`),
      decide: async () => 'allow',
      resolve: async () => [address],
    });
    const { status, socket } = await httpConnect(http, `${host}:${local.port}`);
    socket.destroy();
    expect(status).toBe(403);
    expect((await events.waitFor(1))[0]).toMatchObject({
      decision: 'deny',
      reason: expect.stringMatching(/this machine's own address/),
    });
  });

  it('still lets an entry that names the address itself through (the user asked for it)', async () => {
    const { http } = await start({ allow: [`${address}:${local.port}`] });
    const { status, socket } = await httpConnect(http, `${address}:${local.port}`);
    socket.destroy();
    expect(status).toBe(200);
  });
});

describe('ownNetworkReason (interfaces given)', () => {
  const iface = (address: string, cidr: string, family: 'IPv4' | 'IPv6') =>
    ({ address, cidr, family, netmask: '', mac: '', internal: false, scopeid: 0 }) as never;
  const interfaces = {
    eth0: [iface('192.0.2.2', '192.0.2.2/24', 'IPv4'), iface('2001:db8:5::2', '2001:db8:5::2/64', 'IPv6')],
  };

  it.each([
    ['192.0.2.2', "this machine's own"],
    ['::ffff:c000:202', "this machine's own"],
    ['2001:db8:5::2', "this machine's own"],
    ['192.0.2.1', "this machine's local network (192.0.2.2/24)"],
    ['::ffff:c000:201', "this machine's local network (192.0.2.2/24)"],
    ['2001:db8:5::1', "this machine's local network (2001:db8:5::2/64)"],
    ['192.0.3.1', null],
    ['2001:db8:6::1', null],
    ['8.8.8.8', null],
  ])('%s -> %s', (ip, reason) => {
    expect(ownNetworkReason(ip, interfaces)).toBe(reason);
  });
});

describe('IP literal spellings', () => {
  it('an IP literal with a trailing dot is judged as the IP, before anyone is asked', async () => {
    // Found: "10.0.0.1." failed the IP-literal test, passed as a host name, and went to the human as an ask
    // (refused only after approval, when it resolved to itself).
    let asked = 0;
    const { events, http } = await start({
      decide: async () => {
        asked++;
        return 'deny';
      },
      resolve: async (h) => [h],
    });
    const { status, socket } = await httpConnect(http, '10.0.0.1.:443');
    socket.destroy();
    expect(status).toBe(403);
    expect(asked).toBe(0);
    expect((await events.waitFor(1))[0]).toMatchObject({
      host: '10.0.0.1',
      reason: 'private (10/8) address not explicitly allowed',
    });
  });

  it('holds: SOCKS5 IPv4, IPv6 and domain forms of loopback are all refused without an ask', async () => {
    let asked = 0;
    const { socks } = await start({
      decide: async () => {
        asked++;
        return 'allow';
      },
      resolve: async () => ['127.0.0.1'],
    });
    for (const address of [
      { ipv4: '127.0.0.1' },
      { ipv4: '0.0.0.0' },
      { ipv6: '::ffff:127.0.0.1' },
      { ipv6: '::' },
      { domain: '[::1]' },
      { domain: '127.0.0.1' },
    ]) {
      const { rep, socket } = await socksConnect(socks, address, echo.port);
      socket.destroy();
      expect(rep, JSON.stringify(address)).toBe(2);
    }
    expect(asked).toBe(0);
  });
});
