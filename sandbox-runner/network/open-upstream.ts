import type { Socket } from 'node:net';
import type { AllowEntry } from './allow-entry.js';
import type { AttemptRecorder } from './attempt-recorder.js';
import { connectUpstream, UpstreamError } from './connect-upstream.js';
import type { ProxyContext } from './proxy-context.js';

/**
 * An upstream connection (with the canonical host and the allow entry that let it through, none when a
 * human approved it), or why there is none: denied by policy, refused by the host, or unreachable.
 */
export type Opened =
  | { ok: true; socket: Socket; address: string; host: string; entry?: AllowEntry }
  | { ok: false; failure: 'denied' | 'refused' | 'unreachable'; reason: string };

/**
 * Decides `host:port` for one client, records the decision on `attempt`, and connects to a checked address.
 * The caller replies to its client and then ends the attempt.
 */
export async function openUpstream(
  ctx: ProxyContext,
  attempt: AttemptRecorder,
  client: Socket,
  host: string,
  port: number,
): Promise<Opened> {
  const verdict = await ctx.policy(host, port);
  if (verdict.decision === 'deny') {
    attempt.decided({
      host: verdict.host,
      decision: 'deny',
      reason: verdict.reason,
      resolved_ip: verdict.address,
    });
    return { ok: false, failure: 'denied', reason: verdict.reason };
  }
  if (ctx.closing() || client.destroyed) {
    const reason = 'client or proxy went away before the connect';
    attempt.decided({ host: verdict.host, decision: 'deny', reason });
    return { ok: false, failure: 'denied', reason };
  }
  attempt.decided({ host: verdict.host, decision: 'allow', reason: verdict.reason });
  try {
    const { socket, address } = await connectUpstream(verdict.addresses, port, ctx.connectTimeoutMs);
    ctx.track(socket);
    attempt.upstream(socket, address);
    if (client.destroyed) socket.destroy();
    return { ok: true, socket, address, host: verdict.host, entry: verdict.entry };
  } catch (err) {
    const reason = `${verdict.reason}; ${err instanceof Error ? err.message : String(err)}`;
    attempt.decided({ decision: 'allow', reason });
    const refused = err instanceof UpstreamError && err.refused;
    return { ok: false, failure: refused ? 'refused' : 'unreachable', reason };
  }
}
