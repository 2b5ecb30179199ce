import { once } from 'node:events';
import type { Socket } from 'node:net';
import type { Transform } from 'node:stream';

const closed = (s: Socket): Promise<unknown> => (s.closed ? Promise.resolve() : once(s, 'close'));

/**
 * The client's first bytes once admitted (and whether it already half-closed), or null when refused; `watch`
 * (optional) is what the client's later bytes go through on their way upstream.
 */
export type Admit = () => Promise<{ bytes: Buffer; ended: boolean; watch?: Transform } | null>;

const admitAll: Admit = async () => ({ bytes: Buffer.alloc(0), ended: false });

/**
 * Pipes bytes both ways (half-close respected) until both sockets have closed. Either side's error, or
 * `idleMs` without a byte in either direction, ends both. Upstream bytes flow at once; client bytes only
 * once `admit` has judged the client's opening (a refusal has already answered the client: the upstream
 * is dropped without a byte from the client).
 */
export async function tunnel(
  client: Socket,
  upstream: Socket,
  idleMs: number,
  admit = admitAll,
): Promise<void> {
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
  upstream.pipe(client);
  try {
    const opening = await admit();
    if (opening === null) {
      upstream.unpipe(client);
      upstream.destroy();
    } else {
      if (opening.bytes.length > 0) upstream.write(opening.bytes);
      if (opening.ended) upstream.end();
      else if (opening.watch) client.pipe(opening.watch).pipe(upstream);
      else client.pipe(upstream);
      client.resume();
    }
    await Promise.all([closed(client), closed(upstream)]);
  } finally {
    clearTimeout(idle);
  }
}
