import { isIP, type Socket } from 'node:net';
import type { AttemptRecorder } from './attempt-recorder.js';
import { awaitServerAnswer } from './hello-retry.js';
import type { Opened } from './open-upstream.js';
import type { ProxyContext } from './proxy-context.js';
import { rawResponse } from './raw-response.js';
import { tunnel } from './tunnel.js';
import { admitTunnel, type TunnelRule } from './tunnel-admission.js';
import { watchUpgrades } from './upgrade-watch.js';

/** TLS fatal alert access_denied (RFC 8446 §6.2), so a refused TLS client fails with a clear error. */
const TLS_ACCESS_DENIED = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x31]);

/**
 * Runs an accepted CONNECT or SOCKS5 tunnel (its success reply already sent): the client's first bytes
 * are judged against what was allowed (tunnel-admission.ts) before any of them reach the upstream; a
 * refusal turns the attempt into a denial with its reason. Ends the attempt when the tunnel closes.
 */
export async function runTunnel(
  ctx: ProxyContext,
  attempt: AttemptRecorder,
  client: Socket,
  opened: Extract<Opened, { ok: true }>,
  port: number,
  early: Buffer,
): Promise<void> {
  const rule: TunnelRule = {
    host: opened.host,
    port,
    tlsOnly: ctx.tlsPorts.includes(port),
    ipNamedByEntry: isIP(opened.host) !== 0 && opened.entry?.ip === true,
  };
  const refuse = (reason: string, tls: boolean) => {
    attempt.decided({ decision: 'deny', reason: `refused inside the tunnel: ${reason}` });
    const answer = tls ? TLS_ACCESS_DENIED : rawResponse('403 Forbidden', reason);
    // Flushed, then closed; a client that will not read is dropped after the handshake timeout.
    const drop = setTimeout(() => client.destroy(), ctx.handshakeTimeoutMs);
    client.once('close', () => clearTimeout(drop));
    if (client.writable) client.end(answer, () => client.destroy());
    else client.destroy();
    return null;
  };
  await tunnel(client, opened.socket, ctx.idleTimeoutMs, async () => {
    const first = await admitTunnel(client, rule, ctx.handshakeTimeoutMs, early);
    if (!first.ok) return refuse(first.reason, first.tls);
    // Not TLS (a port an entry names): a later switch to TLS (STARTTLS, SSLRequest) is judged the same way.
    if (first.helloEnd === 0)
      return {
        ...first,
        watch: watchUpgrades(opened.socket, rule, ctx.handshakeTimeoutMs, (reason) => {
          refuse(reason, true);
          opened.socket.destroy();
        }),
      };
    // A server that answers with a HelloRetryRequest reads a second ClientHello, which a client could
    // send already now with another name: what follows the first waits for the server's answer.
    const answer = awaitServerAnswer(opened.socket, ctx.handshakeTimeoutMs);
    opened.socket.write(first.bytes.subarray(0, first.helloEnd));
    const rest = first.bytes.subarray(first.helloEnd);
    const server = await answer;
    if (server === 'timeout') return refuse('the server did not answer the ClientHello in time', true);
    if (server === 'other') return { bytes: rest, ended: first.ended };
    const second = await admitTunnel(client, rule, ctx.handshakeTimeoutMs, rest, true);
    return second.ok ? second : refuse(second.reason, second.tls);
  });
  attempt.end();
}
