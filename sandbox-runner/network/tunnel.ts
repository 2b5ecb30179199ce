import { once } from 'node:events';
import type { Socket } from 'node:net';

const closed = (s: Socket): Promise<unknown> => (s.closed ? Promise.resolve() : once(s, 'close'));

/**
 * Pipes bytes both ways (half-close respected) until both sockets have closed. Either side's error, or
 * `idleMs` without a byte in either direction, ends both.
 */
export async function tunnel(client: Socket, upstream: Socket, idleMs: number): Promise<void> {
  const endBoth = () => {
    client.destroy();
    upstream.destroy();
  };
  const idle = setTimeout(endBoth, idleMs);
  const active = () => idle.refresh();
  client.on('error', endBoth);
  upstream.on('error', endBoth);
  client.on('data', active);
  upstream.on('data', active);
  // A vanished client can take no more bytes; a vanished upstream leaves the client its buffered reply.
  client.once('close', () => upstream.destroy());
  upstream.once('close', () => client.end());
  if (client.destroyed || upstream.destroyed) endBoth();
  client.pipe(upstream);
  upstream.pipe(client);
  client.resume();
  try {
    await Promise.all([closed(client), closed(upstream)]);
  } finally {
    clearTimeout(idle);
  }
}
