import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { canonicalHostname, parsePort } from './allow-entry.js';
import { startAttempt } from './attempt-recorder.js';
import { canonicalIp } from './ip-literal.js';
import { type Opened, openUpstream } from './open-upstream.js';
import type { ProxyContext } from './proxy-context.js';
import { rawResponse } from './raw-response.js';
import { runTunnel } from './run-tunnel.js';

/** Largest request head accepted; bigger gets 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

const STATUS: Record<Exclude<Opened, { ok: true }>['failure'], string> = {
  denied: '403 Forbidden',
  refused: '502 Bad Gateway',
  unreachable: '504 Gateway Timeout',
};

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Request headers the proxy sets itself on a forwarded request. */
const OURS = new Set(['host', 'content-length', 'transfer-encoding']);

/** Raw header pairs without hop-by-hop headers (including those the Connection header names). */
function endToEndHeaders(raw: readonly string[]): string[] {
  const named = new Set<string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'connection') {
      for (const n of raw[i + 1]!.split(',')) named.add(n.trim().toLowerCase());
    }
  }
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!HOP_BY_HOP.has(name) && !named.has(name)) out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

/** Splits a CONNECT authority `host:port` or `[v6]:port`; null when malformed. */
export function parseAuthority(s: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s/@]+)):([0-9]{1,5})$/.exec(s);
  const port = m?.[3] === undefined ? null : parsePort(m[3]);
  const host = m?.[1] ?? m?.[2];
  return host === undefined || port === null ? null : { host, port };
}

async function handleConnect(
  ctx: ProxyContext,
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
): Promise<void> {
  socket.setTimeout(0);
  socket.on('error', () => socket.destroy());
  const target = parseAuthority(req.url ?? '');
  if (target === null) {
    const attempt = startAttempt(ctx.onAttempt, 'http-connect', req.url ?? '', 0);
    attempt.decided({ decision: 'deny', reason: 'malformed CONNECT target' });
    socket.end(rawResponse('400 Bad Request', 'CONNECT needs host:port'));
    attempt.end();
    return;
  }
  const attempt = startAttempt(ctx.onAttempt, 'http-connect', target.host, target.port);
  const opened = await openUpstream(ctx, attempt, socket, target.host, target.port);
  if (!opened.ok) {
    socket.end(rawResponse(STATUS[opened.failure], opened.reason));
    attempt.end();
    return;
  }
  socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  await runTunnel(ctx, attempt, socket, opened, target.port, head);
}

const canonicalHost = (h: string): string | null => canonicalIp(h) ?? canonicalHostname(h);

/**
 * Why the request's Host header disagrees with its absolute URL (only the URL is checked and used, so a
 * different Host would be a request meant for another site), or null. A missing Host (HTTP/1.0) is fine.
 */
export function hostHeaderMismatch(
  rawHeaders: readonly string[],
  urlHost: string,
  urlPort: number,
): string | null {
  const values = rawHeaders.filter((_, i) => i % 2 === 1 && rawHeaders[i - 1]!.toLowerCase() === 'host');
  if (values.length === 0) return null;
  if (values.length > 1) return 'more than one Host header';
  const value = values[0]!.trim();
  const m = /^(?:(\[[0-9a-fA-F:.]+\])|([^:[\]\s/@]+))(?::([0-9]{1,5}))?$/.exec(value);
  const host = m === null ? null : canonicalHost(m[1] ?? m[2] ?? '');
  const port = m?.[3] === undefined ? 80 : parsePort(m[3]);
  if (host !== null && host === canonicalHost(urlHost) && port === urlPort) return null;
  return `Host header ${JSON.stringify(value.slice(0, 100))} does not match the URL's ${urlHost}:${urlPort}`;
}

function sendError(res: ServerResponse, status: string, body: string): void {
  const text = `ward proxy: ${body}\n`;
  const code = Number(status.slice(0, 3));
  // Its own reason phrase: one an upstream answer left on `res` may be what writeHead refused.
  res.writeHead(code, STATUS_CODES[code] ?? '', {
    'content-type': 'text/plain; charset=utf-8',
    connection: 'close',
  });
  res.end(text);
}

async function handleForward(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = req.url ?? '';
  let url: URL | undefined;
  try {
    if (/^http:\/\//i.test(raw)) url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined) {
    sendError(res, '400', 'send an absolute http:// URL, or use CONNECT for https');
    return;
  }
  const port = url.port === '' ? 80 : Number(url.port);
  const attempt = startAttempt(ctx.onAttempt, 'http', url.hostname, port);
  const mismatch = hostHeaderMismatch(req.rawHeaders, url.hostname, port);
  if (mismatch !== null) {
    attempt.decided({ decision: 'deny', reason: mismatch });
    sendError(res, '403', mismatch);
    attempt.end();
    return;
  }
  const opened = await openUpstream(ctx, attempt, req.socket, url.hostname, port);
  if (!opened.ok) {
    sendError(res, STATUS[opened.failure], opened.reason);
    attempt.end();
    return;
  }
  const upstream = opened.socket;
  upstream.setTimeout(ctx.idleTimeoutMs, () => upstream.destroy(new Error('upstream idle')));
  res.once('close', () => {
    upstream.destroy();
    attempt.end();
  });
  // Host names what was checked, whatever the client put there. The body's framing is the one this parser
  // read, set here: without it (Transfer-Encoding is hop-by-hop, and a client may name Content-Length in
  // Connection) Node sends a GET/HEAD/DELETE/OPTIONS body bare, which the upstream reads as a second request.
  const headers = endToEndHeaders(req.rawHeaders).filter(
    (_, i, all) => !OURS.has(all[i - (i % 2)]!.toLowerCase()),
  );
  headers.push('Host', url.host, 'Connection', 'close');
  if (req.headers['transfer-encoding'] !== undefined) headers.push('Transfer-Encoding', 'chunked');
  else if (req.headers['content-length'] !== undefined)
    headers.push('Content-Length', req.headers['content-length']);
  const forward = request({
    createConnection: () => upstream,
    method: req.method,
    path: `${url.pathname}${url.search}`,
    headers,
    setHost: false,
  });
  forward.on('response', (reply) => {
    try {
      res.writeHead(reply.statusCode ?? 502, reply.statusMessage, endToEndHeaders(reply.rawHeaders));
    } catch (err) {
      // Node's parser accepts what writeHead refuses (a status under 100, a control byte in the reason): a
      // throw here would be uncaught, in the runner's process.
      upstream.destroy();
      sendError(
        res,
        '502',
        `upstream answer not relayed: ${err instanceof Error ? err.message : String(err)}`,
      );
      return;
    }
    reply.pipe(res);
    reply.on('error', () => res.destroy());
  });
  forward.on('error', (err) => {
    if (res.headersSent) res.destroy();
    else sendError(res, '502', `upstream: ${err.message}`);
  });
  req.pipe(forward);
}

/** The HTTP side of the proxy: CONNECT tunnels and absolute-URI http:// forwarding, nothing else. */
export function createHttpProxyServer(ctx: ProxyContext): Server {
  const server = createServer({
    maxHeaderSize: MAX_HEADER_BYTES,
    headersTimeout: ctx.handshakeTimeoutMs,
    // Node checks headersTimeout only this often (default 30 s).
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, ctx.handshakeTimeoutMs / 2)),
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket: Socket) => ctx.track(socket));
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    socket.end(rawResponse(status));
  });
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    handleConnect(ctx, req, socket, head).catch(() => socket.destroy());
  });
  server.on('upgrade', (_req: IncomingMessage, socket: Socket) => {
    socket.on('error', () => socket.destroy());
    socket.end(rawResponse('400 Bad Request', 'protocol upgrades are not forwarded; use CONNECT'));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handleForward(ctx, req, res).catch(() => res.destroy());
  });
  return server;
}
