import type { Socket } from 'node:net';
import { canonicalHostname } from './allow-entry.js';
import { MAX_HELLO_BYTES, scanClientHello } from './client-hello.js';
import { canonicalIp } from './ip-literal.js';

/** Most bytes held from a client while its first bytes are judged (a ClientHello plus its record headers). */
export const MAX_OPENING_BYTES = 2 * MAX_HELLO_BYTES;

/** What an accepted tunnel was allowed for: what its first bytes are judged against. */
export interface TunnelRule {
  /** Canonical CONNECT host: a lower-case name without trailing dot, or a canonical IP literal. */
  host: string;
  port: number;
  /** The port is a TLS port (443, 80 by default): the client must open with a ClientHello. */
  tlsOnly: boolean;
  /** `host` is an IP that an allow entry names literally: whatever name lives there was allowed. */
  ipNamedByEntry: boolean;
}

/**
 * The verdict on a tunnel's first bytes; `bytes` (all read so far) go upstream when admitted, the first
 * `helloEnd` of them being the ClientHello (0 when not TLS).
 */
export type Admission =
  | { ok: true; bytes: Buffer; ended: boolean; helloEnd: number }
  | { ok: false; reason: string; tls: boolean };

const quote = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);

/** Why a ClientHello may not open this tunnel, or null when its server name fits the rule. */
export function judgeServerName(
  hello: { serverName: string | null; ech: boolean },
  rule: TunnelRule,
): string | null {
  if (hello.ech) return 'TLS ClientHello offers encrypted_client_hello, which hides the real server name';
  const isIp = canonicalIp(rule.host) !== null;
  if (hello.serverName === null) {
    return isIp ? null : `TLS ClientHello without a server name (SNI) on a tunnel to "${rule.host}"`;
  }
  const name = canonicalIp(hello.serverName) ?? canonicalHostname(hello.serverName);
  if (name === null) return `TLS server name ${quote(hello.serverName)} is not a host name`;
  if (name === rule.host) return null;
  if (isIp && rule.ipNamedByEntry) return null;
  return isIp
    ? `TLS server name ${quote(name)} on a tunnel to IP ${rule.host}, which no allow entry names`
    : `TLS server name ${quote(name)} does not match the CONNECT host "${rule.host}"`;
}

function describeBytes(b: Buffer): string {
  const head = b.subarray(0, 16);
  const text = head.toString('latin1');
  return /^[\x20-\x7e\r\n\t]+$/.test(text) ? quote(text) : `0x${head.toString('hex')}`;
}

/**
 * Reads the client's first bytes on an accepted tunnel and judges them: a ClientHello must name the tunnel's
 * host; other bytes pass only where the port is not a TLS port. Holds at most MAX_OPENING_BYTES, and a
 * ClientHello must be complete within `timeoutMs` (from the start on TLS ports, else from its first byte).
 * Leaves the socket paused, its bytes in the result. `afterRetry`: judge the second ClientHello, which the
 * client owes after a HelloRetryRequest.
 */
export function admitTunnel(
  client: Socket,
  rule: TunnelRule,
  timeoutMs: number,
  early: Buffer,
  afterRetry = false,
): Promise<Admission> {
  const tlsOnly = rule.tlsOnly || afterRetry;
  return new Promise((resolve) => {
    const chunks: Buffer[] = early.length > 0 ? [early] : [];
    let length = early.length;
    let need = 1;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const refuse = (reason: string, tls: boolean) => finish({ ok: false, reason, tls });
    const startClock = () => {
      timer ??= setTimeout(
        () => refuse(`no complete TLS ClientHello within ${timeoutMs} ms`, true),
        timeoutMs,
      );
    };
    function finish(a: Admission): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.off('data', onData);
      client.off('end', onEnd);
      client.off('close', onEnd);
      client.pause();
      resolve(a);
    }
    function judge(): void {
      if (length < need) return;
      const buf = Buffer.concat(chunks);
      chunks.splice(0, chunks.length, buf);
      const scan = scanClientHello(buf, afterRetry);
      if (scan.kind === 'more') {
        need = scan.need;
        if (need > MAX_OPENING_BYTES) refuse(`TLS opening longer than ${MAX_OPENING_BYTES} bytes`, true);
        return;
      }
      if (scan.kind === 'invalid') refuse(`malformed TLS ClientHello: ${scan.reason}`, true);
      else if (scan.kind === 'not-tls') {
        if (afterRetry)
          refuse(`no second ClientHello after a HelloRetryRequest: ${describeBytes(buf)}`, true);
        else if (rule.tlsOnly) {
          refuse(
            `port ${rule.port} tunnels must open with a TLS ClientHello, got ${describeBytes(buf)}`,
            false,
          );
        } else finish({ ok: true, bytes: buf, ended: false, helloEnd: 0 });
      } else {
        const reason = judgeServerName(scan, rule);
        if (reason === null) finish({ ok: true, bytes: buf, ended: false, helloEnd: scan.end });
        else refuse(afterRetry ? `second ClientHello: ${reason}` : reason, true);
      }
    }
    function onData(chunk: Buffer): void {
      if (settled) return;
      chunks.push(chunk);
      length += chunk.length;
      startClock();
      judge();
    }
    function onEnd(): void {
      if (length === 0 && !tlsOnly) finish({ ok: true, bytes: Buffer.alloc(0), ended: true, helloEnd: 0 });
      else refuse('client closed the tunnel before a complete TLS ClientHello', length > 0);
    }
    if (tlsOnly || length > 0) startClock();
    judge();
    if (settled) return;
    client.on('data', onData);
    client.once('end', onEnd);
    client.once('close', onEnd);
    client.resume(); // a SOCKS handshake left it paused
  });
}
