import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Of the socket ceiling, what may be open before silent sockets are closed to make room. */
const HIGH_WATER = 0.75;

const keyOf = (s: Socket) => `${s.remoteAddress ?? ''}\u0000${s.remotePort ?? ''}`;

/**
 * Sockets that hold no request (connected and silent, or idle between keep-alive requests) are closed, oldest
 * first, once open sockets pass three quarters of `maxConnections`. A local process that opens thousands of
 * sockets and sends nothing (no token needed) would otherwise hold every socket until the header deadline, and
 * every hook, exporter and analyst would be refused; now each new connection past the mark pushes one of its
 * silent sockets out, and a client that sends its request at once is served. A request in progress (an upload,
 * a long poll, a stream) is never closed here.
 *
 * Sockets are matched to requests by remote address and port, which a TLS socket shares with the TCP socket
 * under it.
 */
export function closeSilentSockets(server: Server, maxConnections: number): void {
  const highWater = Math.max(1, Math.floor(maxConnections * HIGH_WATER));
  const open = new Map<string, Socket>();
  /** Open sockets without a request in progress, in the order they fell silent (Map order: oldest first). */
  const silent = new Map<string, Socket>();
  server.on('connection', (socket: Socket) => {
    const key = keyOf(socket);
    open.set(key, socket);
    silent.set(key, socket);
    socket.once('close', () => {
      if (open.get(key) === socket) open.delete(key);
      if (silent.get(key) === socket) silent.delete(key);
    });
    for (const [k, s] of silent) {
      if (open.size <= highWater) break;
      silent.delete(k);
      open.delete(k);
      s.destroy();
    }
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const key = keyOf(req.socket);
    const socket = open.get(key);
    if (!socket) return;
    silent.delete(key);
    res.once('close', () => {
      if (open.get(key) === socket && !socket.destroyed) silent.set(key, socket);
    });
  });
}
