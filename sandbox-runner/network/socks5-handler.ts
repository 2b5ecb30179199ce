import type { Socket } from 'node:net';
import { startAttempt } from './attempt-recorder.js';
import { openUpstream } from './open-upstream.js';
import type { ProxyContext } from './proxy-context.js';
import { runTunnel } from './run-tunnel.js';
import { SocketReader } from './socket-reader.js';
import { MAX_OPENING_BYTES } from './tunnel-admission.js';

// RFC 1928 reply codes.
const REP = {
  ok: 0x00,
  failure: 0x01,
  notAllowed: 0x02,
  hostUnreachable: 0x04,
  refused: 0x05,
  commandNotSupported: 0x07,
  addressNotSupported: 0x08,
} as const;

/** A reply with bound address 0.0.0.0:0: the sandbox learns nothing about the host's interfaces. */
const reply = (code: number) => Buffer.from([0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0]);

function formatIpv6(b: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return groups.join(':');
}

type Target = { host: string; port: number } | { error: number };

async function readRequest(reader: SocketReader, socket: Socket): Promise<Target | null> {
  const [version = 0, methodCount = 0] = await reader.read(2);
  const methods = await reader.read(methodCount);
  if (version !== 0x05 || !methods.includes(0x00)) {
    socket.end(Buffer.from([0x05, 0xff]));
    return null;
  }
  socket.write(Buffer.from([0x05, 0x00]));
  const [ver = 0, command = 0, , addressType = 0] = await reader.read(4);
  if (ver !== 0x05) return { error: REP.failure };
  if (command !== 0x01) return { error: REP.commandNotSupported };
  let host: string;
  if (addressType === 0x01) host = [...(await reader.read(4))].join('.');
  else if (addressType === 0x04) host = formatIpv6(await reader.read(16));
  else if (addressType === 0x03) {
    const [length = 0] = await reader.read(1);
    host = (await reader.read(length)).toString('latin1');
  } else return { error: REP.addressNotSupported };
  const port = (await reader.read(2)).readUInt16BE(0);
  return { host, port };
}

/** Serves one SOCKS5 client: no-auth, CONNECT only; every request is decided and recorded. */
export async function handleSocks5(socket: Socket, ctx: ProxyContext): Promise<void> {
  socket.on('error', () => socket.destroy());
  // The request is at most 262 bytes; what follows it is the tunnel's opening, judged within the same bound.
  const reader = new SocketReader(socket, MAX_OPENING_BYTES);
  const handshake = setTimeout(() => socket.destroy(), ctx.handshakeTimeoutMs);
  let target: Target | null;
  try {
    target = await readRequest(reader, socket);
  } catch {
    socket.destroy();
    return;
  } finally {
    clearTimeout(handshake);
  }
  if (target === null) return;
  if ('error' in target) {
    socket.end(reply(target.error));
    return;
  }
  const attempt = startAttempt(ctx.onAttempt, 'socks5', target.host, target.port);
  const opened = await openUpstream(ctx, attempt, socket, target.host, target.port);
  if (!opened.ok) {
    const code = { denied: REP.notAllowed, refused: REP.refused, unreachable: REP.hostUnreachable }[
      opened.failure
    ];
    socket.end(reply(code));
    attempt.end();
    return;
  }
  const early = reader.release();
  socket.write(reply(REP.ok));
  await runTunnel(ctx, attempt, socket, opened, target.port, early);
}
