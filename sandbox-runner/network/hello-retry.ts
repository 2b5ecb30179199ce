import type { Socket } from 'node:net';

/** ServerHello.random of a HelloRetryRequest (RFC 8446 §4.1.3). */
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');
/** Handshake type (1), length (3), legacy_version (2), random (32). */
const NEEDED = 38;
/** Bytes watched at most: NEEDED spread one byte a record, with the record headers. */
const MAX_WATCHED = NEEDED * 6;

/**
 * Reads the start of the server's answer to a ClientHello: 'retry' for a HelloRetryRequest (the client
 * then sends a second ClientHello, which must be judged too), 'other' for anything else, or 'more'.
 */
export function scanServerAnswer(buf: Buffer): 'retry' | 'other' | 'more' {
  const payload: Buffer[] = [];
  let have = 0;
  for (let at = 0; have < NEEDED; ) {
    if (buf.length < at + 5) return buf.length >= MAX_WATCHED ? 'other' : 'more';
    if (buf[at] !== 0x16) return 'other';
    const length = buf.readUInt16BE(at + 3);
    if (length === 0) return 'other';
    const part = buf.subarray(at + 5, at + 5 + length);
    payload.push(part);
    have += part.length;
    if (part.length < length && have < NEEDED) return 'more';
    at += 5 + length;
  }
  const hello = Buffer.concat(payload);
  return hello[0] === 0x02 && hello.subarray(6, NEEDED).equals(HRR_RANDOM) ? 'retry' : 'other';
}

/**
 * Watches (without consuming: the tunnel pipes it on) the upstream's answer to the client's first
 * ClientHello. Resolves 'timeout' when it has not shown within `timeoutMs`, 'other' if the upstream ends.
 */
export function awaitServerAnswer(
  upstream: Socket,
  timeoutMs: number,
): Promise<'retry' | 'other' | 'timeout'> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const finish = (answer: 'retry' | 'other' | 'timeout') => {
      clearTimeout(timer);
      upstream.off('data', onData);
      upstream.off('close', onClose);
      resolve(answer);
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk.subarray(0, MAX_WATCHED)]).subarray(0, MAX_WATCHED);
      const answer = scanServerAnswer(buf);
      if (answer !== 'more') finish(answer);
    };
    const onClose = () => finish('other');
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    upstream.on('data', onData);
    upstream.once('close', onClose);
  });
}
