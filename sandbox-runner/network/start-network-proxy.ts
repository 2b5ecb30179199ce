import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PORTS, parseAllowEntry } from './allow-entry.js';
import type { OnAttempt } from './attempt-recorder.js';
import {
  createConnectionPolicy,
  type DecideFn,
  type DenyFn,
  type ResolveFn,
  systemResolve,
} from './connection-policy.js';
import { createHttpProxyServer } from './http-proxy-server.js';
import type { ProxyContext } from './proxy-context.js';
import { RELAY_SOURCE } from './relay-source.js';
import { HTTP_SOCKET, RELAY_FILE, SOCKS_SOCKET } from './sandbox-setup.js';
import { handleSocks5 } from './socks5-handler.js';

export interface NetworkProxyOptions {
  /** Allowlist entries (see parseAllowEntry); a bad entry makes startNetworkProxy reject. */
  allow: string[];
  /** The deny list, checked first: a reason refuses the connection whatever the allowlist says. */
  deny?: DenyFn;
  /** Asked for hosts no entry covers; absent means deny. An error or timeout is a deny. */
  decide?: DecideFn;
  /** Called once per connection attempt, when it ends. */
  onAttempt: OnAttempt;
  /** Name lookup (default: the system resolver). Tests map names to 127.0.0.1 here. */
  resolve?: ResolveFn;
  /** How long decide() may take (default 120 s). */
  decideTimeoutMs?: number;
  /** Tunnels and forwarded requests end after this long without a byte either way (default 5 min). */
  idleTimeoutMs?: number;
  /**
   * Ports whose CONNECT/SOCKS tunnels must open with a TLS ClientHello whose server name is the requested
   * host (default 80 and 443, the ports an entry covers without naming one). On other ports, which an entry
   * or approval must name, any protocol passes, but a ClientHello is still checked.
   */
  tlsPorts?: readonly number[];
  /** Time allowed for a request head, SOCKS handshake or tunnel's ClientHello (default 10 s). */
  handshakeTimeoutMs?: number;
  /** Time allowed for each upstream TCP connect (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * Most connections open at once on each of the two sockets (default 512); more are closed at once, so the
   * sandbox cannot run this process out of file descriptors (each tunnel holds two).
   */
  maxConnections?: number;
  /** Parent of the private socket directory (default: the OS temp dir). */
  tmpDir?: string;
}

export interface NetworkProxy {
  /** Private (0700) directory holding the proxy's unix sockets and the relay script. */
  socketDir: string;
  /** Stops listening, ends every connection, denies pending asks, removes socketDir. */
  close(): Promise<void>;
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}

const stop = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/** Starts the allowlist proxy (HTTP on http.sock, SOCKS5 on socks.sock) in a fresh private directory. */
export async function startNetworkProxy(opts: NetworkProxyOptions): Promise<NetworkProxy> {
  const entries = opts.allow.map(parseAllowEntry);
  const aborter = new AbortController();
  const sockets = new Set<Socket>();
  const ctx: ProxyContext = {
    policy: createConnectionPolicy({
      entries,
      deny: opts.deny,
      decide: opts.decide,
      resolve: opts.resolve ?? systemResolve,
      decideTimeoutMs: opts.decideTimeoutMs ?? 120_000,
      resolveTimeoutMs: 10_000,
      signal: aborter.signal,
    }),
    onAttempt: opts.onAttempt,
    track(socket) {
      if (aborter.signal.aborted) {
        socket.destroy();
        return;
      }
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    },
    closing: () => aborter.signal.aborted,
    tlsPorts: opts.tlsPorts ?? DEFAULT_PORTS,
    idleTimeoutMs: opts.idleTimeoutMs ?? 300_000,
    handshakeTimeoutMs: opts.handshakeTimeoutMs ?? 10_000,
    connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
  };

  const socketDir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'ward-net-'));
  const http = createHttpProxyServer(ctx);
  const socks = createServer({ allowHalfOpen: true }, (socket) => {
    ctx.track(socket);
    handleSocks5(socket, ctx).catch(() => socket.destroy());
  });
  http.maxConnections = opts.maxConnections ?? 512;
  socks.maxConnections = opts.maxConnections ?? 512;
  try {
    await chmod(socketDir, 0o700);
    await writeFile(join(socketDir, RELAY_FILE), RELAY_SOURCE, { mode: 0o444 });
    await listen(http, join(socketDir, HTTP_SOCKET));
    await listen(socks, join(socketDir, SOCKS_SOCKET));
  } catch (err) {
    http.close();
    socks.close();
    await rm(socketDir, { recursive: true, force: true });
    throw err;
  }

  let closed: Promise<void> | undefined;
  return {
    socketDir,
    close() {
      closed ??= (async () => {
        aborter.abort();
        const stopped = Promise.all([stop(http), stop(socks)]);
        for (const socket of sockets) socket.destroy();
        await stopped;
        await rm(socketDir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
