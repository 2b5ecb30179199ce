import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

/** Of the socket ceiling, what may be open before silent sockets are closed to make room. */
const HIGH_WATER = 0.75;

const keyOf = (s: Socket) => `${s.remoteAddress ?? ''}\u0000${s.remotePort ?? ''}`;

/**
 * Sockets that have never started a request are closed, oldest first, while open sockets are past three
 * quarters of `maxConnections`, each time another connects. A local process that opens thousands of sockets
 * and sends nothing (no token needed) would otherwise hold every socket until the header deadline, and every
 * hook, exporter and analyst would be refused; now each new connection pushes one of its silent sockets out,
 * and a client that sends its request at once is served.
 *
 * Never closed here: the socket that just connected (with nothing else to close, it waits like any other, up to
 * the ceiling), a socket that has carried a request (a request in progress, an upload, a long poll, a stream;
 * an idle keep-alive socket between requests, whose next request a client may be writing: Node closes those
 * after the keep-alive timeout). Requests held open by a sender are bounded elsewhere (the per-token hold limit,
 * the body and request deadlines).
 *
 * Sockets are matched to requests by remote address and port, which a TLS socket shares with the TCP socket
 * under it.
 */
export function closeSilentSockets(server: Server, maxConnections: number): void {
  const highWater = Math.max(1, Math.floor(maxConnections * HIGH_WATER));
  const open = new Set<Socket>();
  /** Open sockets that have not started a request, in the order they connected (Map order: oldest first). */
  const silent = new Map<string, Socket>();
  server.on('connection', (socket: Socket) => {
    const key = keyOf(socket);
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      if (silent.get(key) === socket) silent.delete(key);
    });
    for (const [k, s] of silent) {
      if (open.size <= highWater) break;
      silent.delete(k);
      open.delete(s);
      s.destroy();
    }
    // Only now among the silent: its own arrival never closes it.
    silent.set(key, socket);
  });
  server.on('request', (req: IncomingMessage) => {
    silent.delete(keyOf(req.socket));
  });
}
