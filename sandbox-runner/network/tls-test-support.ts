// TLS helpers for this folder's tests: real ClientHellos from Node, hand-built ones, a loopback TLS server.
import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { createServer as createTlsServer, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { generate } from 'selfsigned';
import { scanClientHello } from './client-hello.js';

/** The ClientHello bytes Node sends for `servername` ('' sends none), caught by a loopback listener. */
export async function captureHello(servername: string, ecdhCurve?: string): Promise<Buffer> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const caught = new Promise<Buffer>((resolve, reject) => {
    server.once('connection', (s: Socket) => {
      let buf = Buffer.alloc(0);
      s.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        const scan = scanClientHello(buf);
        if (scan.kind === 'more') return;
        s.destroy();
        if (scan.kind === 'hello') resolve(buf);
        else reject(new Error(`not a ClientHello: ${JSON.stringify(scan)}`));
      });
    });
  });
  const client = tlsConnect({
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    servername,
    rejectUnauthorized: false,
    ...(ecdhCurve ? { ecdhCurve } : {}),
  });
  client.on('error', () => {});
  try {
    return await caught;
  } finally {
    client.destroy();
    server.close();
  }
}

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const vec16 = (b: Buffer) => Buffer.concat([u16(b.length), b]);

/** One extension as type + length-prefixed data. */
export const extension = (type: number, data: Buffer): Buffer => Buffer.concat([u16(type), vec16(data)]);

/** A server_name extension listing `names` as host_name entries. */
export function serverNameExtension(...names: string[]): Buffer {
  const list = Buffer.concat(names.map((n) => Buffer.concat([Buffer.from([0]), vec16(Buffer.from(n))])));
  return extension(0, vec16(list));
}

/** A ClientHello handshake message (type 1) with these extensions, unframed. */
export function helloMessage(extensions: Buffer[]): Buffer {
  const body = Buffer.concat([
    Buffer.from([0x03, 0x03]),
    Buffer.alloc(32, 7),
    Buffer.from([0]),
    vec16(Buffer.from([0x13, 0x01])),
    Buffer.from([1, 0]),
    vec16(Buffer.concat(extensions)),
  ]);
  return Buffer.concat([
    Buffer.from([1, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]),
    body,
  ]);
}

/** Frames handshake bytes into TLS records of at most `size` bytes each. */
export function records(handshake: Buffer, size = 16_384): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; i < handshake.length; i += size) {
    const part = handshake.subarray(i, i + size);
    out.push(Buffer.from([0x16, 0x03, 0x01]), u16(part.length), part);
  }
  return Buffer.concat(out);
}

/** Re-frames a captured ClientHello (records) into records of at most `size` bytes. */
export function reframe(hello: Buffer, size: number): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at + 5 <= hello.length; ) {
    const length = hello.readUInt16BE(at + 3);
    parts.push(hello.subarray(at + 5, at + 5 + length));
    at += 5 + length;
  }
  return records(Buffer.concat(parts), size);
}

export interface TlsServer {
  port: number;
  cert: string;
  close(): Promise<void>;
}

/** A TLS server on `host` answering `hello <SNI>` to each connection, with a self-signed cert for `names`. */
export async function startTlsServer(
  names: string[],
  host = '127.0.0.1',
  ecdhCurve?: string,
): Promise<TlsServer> {
  const pems = await generate([{ name: 'commonName', value: names[0]! }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) }],
  });
  const sockets = new Set<Socket>();
  const options = { key: pems.private, cert: pems.cert, ...(ecdhCurve ? { ecdhCurve } : {}) };
  const server = createTlsServer(options, (s: TLSSocket) => {
    s.on('error', () => s.destroy());
    s.end(`hello ${s.servername || '(none)'}`);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => {});
  server.listen(0, host);
  await once(server, 'listening');
  return {
    cert: pems.cert,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Speaks TLS over an open tunnel; resolves with what the server said, or the TLS error's message. With
 * `ecdhCurve`, the client offers a key share for the first curve only (a server preferring another asks
 * for a retry); `rewrite` may change each chunk the client sends.
 */
export async function tlsOver(
  socket: Socket,
  servername: string,
  ca?: string,
  opts: { ecdhCurve?: string; rewrite?: (chunk: Buffer) => Buffer } = {},
): Promise<{ said: string } | { error: string }> {
  const rewrite = opts.rewrite;
  const wire = rewrite === undefined ? socket : rewritingDuplex(socket, rewrite);
  const tls = tlsConnect({
    socket: wire,
    servername,
    ...(ca ? { ca } : { rejectUnauthorized: false }),
    ...(opts.ecdhCurve ? { ecdhCurve: opts.ecdhCurve } : {}),
  });
  let said = '';
  tls.on('data', (d: Buffer) => {
    said += d.toString();
  });
  return new Promise((resolve) => {
    tls.once('error', (err: Error & { code?: string }) => resolve({ error: `${err.code} ${err.message}` }));
    tls.once('close', () => resolve({ said }));
  });
}

/** A duplex over `socket` whose writes pass through `rewrite` (an active attacker in the client's stack). */
function rewritingDuplex(socket: Socket, rewrite: (chunk: Buffer) => Buffer): Duplex {
  const wire = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, done) {
      socket.write(rewrite(chunk), done);
    },
    final(done) {
      socket.end();
      done();
    },
    destroy(err, done) {
      socket.destroy();
      done(err);
    },
  });
  socket.on('data', (d: Buffer) => {
    if (!wire.push(d)) socket.pause();
  });
  socket.on('end', () => wire.push(null));
  socket.on('close', () => wire.destroy());
  return wire;
}
