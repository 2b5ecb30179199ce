// Helpers for this folder's tests: loopback servers, raw proxy clients, and an attempt collector.
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { NetworkAttempt } from '../../schema/index.js';

export interface LocalServer {
  port: number;
  close(): Promise<void>;
}

async function listenLocal(server: Server): Promise<LocalServer> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A TCP echo server on 127.0.0.1. */
export function startEchoServer(): Promise<LocalServer> {
  return listenLocal(
    createServer({ allowHalfOpen: true }, (s) => {
      s.on('error', () => s.destroy());
      s.pipe(s);
    }),
  );
}

/** An HTTP server on 127.0.0.1 answering `origin <method> <url> host=<host header>[ body=<bytes>]`. */
export function startOrigin(): Promise<LocalServer> {
  return listenLocal(
    createHttpServer(async (req, res) => {
      let body = 0;
      for await (const chunk of req) body += (chunk as Buffer).length;
      res.setHeader('content-type', 'text/plain');
      res.end(`origin ${req.method} ${req.url} host=${req.headers.host}${body > 0 ? ` body=${body}` : ''}`);
    }) as unknown as Server,
  );
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = await listenLocal(createServer());
  await s.close();
  return s.port;
}

/** Connects to a unix socket. */
export async function connectPath(path: string): Promise<Socket> {
  const socket = connect({ path });
  await once(socket, 'connect');
  socket.on('error', () => socket.destroy()); // a reset shows as 'close', which the readers wait for
  return socket;
}

/** Reads from `socket` until `done(buffered)` holds; rejects if the socket ends first or after `ms`. */
export function readUntil(socket: Socket, done: (b: Buffer) => boolean, ms = 5_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (err) reject(err);
      else resolve(buf);
    };
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (done(buf)) finish();
    };
    const onClose = () =>
      done(buf) ? finish() : finish(new Error(`closed after ${JSON.stringify(buf.toString())}`));
    const timer = setTimeout(() => finish(new Error(`timed out with ${JSON.stringify(buf.toString())}`)), ms);
    socket.on('data', onData);
    socket.once('close', onClose);
    if (done(buf)) finish();
  });
}

/** Reads every byte until the peer closes. */
export async function readBytesToClose(socket: Socket, ms = 5_000): Promise<Buffer> {
  let closed = socket.closed;
  socket.once('close', () => {
    closed = true;
  });
  return readUntil(socket, () => closed, ms);
}

/** Reads everything until the peer closes, as text. */
export async function readToClose(socket: Socket, ms = 5_000): Promise<string> {
  return (await readBytesToClose(socket, ms)).toString();
}

const headEnd = (b: Buffer) => b.includes('\r\n\r\n');

/** Sends `CONNECT target` over the proxy's HTTP socket; returns the status code and the open socket. */
export async function httpConnect(
  path: string,
  target: string,
): Promise<{ status: number; head: string; socket: Socket }> {
  const socket = await connectPath(path);
  socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
  const head = (await readUntil(socket, headEnd)).toString();
  return { status: Number(head.split(' ')[1]), head, socket };
}

/** Sends one raw HTTP request and returns the whole response (the proxy closes after it). */
export async function rawHttp(path: string, request: string): Promise<string> {
  const socket = await connectPath(path);
  socket.write(request);
  return readToClose(socket);
}

export type SocksAddress = { domain: string } | { ipv4: string } | { ipv6: string };

/** Requests a SOCKS5 CONNECT; returns the reply code and the open socket. */
export async function socksConnect(
  path: string,
  address: SocksAddress,
  port: number,
  early?: Buffer,
): Promise<{ rep: number; socket: Socket; rest: Buffer }> {
  const socket = await connectPath(path);
  socket.write(Buffer.from([5, 1, 0]));
  const hello = await readUntil(socket, (b) => b.length >= 2);
  if (hello[1] !== 0) throw new Error(`no-auth refused: ${hello.toString('hex')}`);
  let addr: Buffer;
  if ('domain' in address)
    addr = Buffer.concat([Buffer.from([3, address.domain.length]), Buffer.from(address.domain)]);
  else if ('ipv4' in address) addr = Buffer.from([1, ...address.ipv4.split('.').map(Number)]);
  else addr = Buffer.from([4, ...ipaddr.IPv6.parse(address.ipv6).toByteArray()]);
  const portBytes = Buffer.from([port >> 8, port & 0xff]);
  socket.write(Buffer.concat([Buffer.from([5, 1, 0]), addr, portBytes, early ?? Buffer.alloc(0)]));
  const reply = await readUntil(socket, (b) => b.length >= 10);
  return { rep: reply[1]!, socket, rest: reply.subarray(10) };
}

/** Collects attempts and waits for them by count (event-driven, with a deadline). */
export function attemptCollector() {
  const attempts: NetworkAttempt[] = [];
  const waiters: Array<() => void> = [];
  return {
    attempts,
    onAttempt(a: NetworkAttempt) {
      attempts.push(a);
      for (const w of waiters.splice(0)) w();
    },
    async waitFor(n: number, ms = 5_000): Promise<NetworkAttempt[]> {
      const deadline = Date.now() + ms;
      while (attempts.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${n} attempts, got ${JSON.stringify(attempts)}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return attempts;
    },
  };
}
