import type { Socket } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';
import { scanClientHello } from './client-hello.js';
import { scanServerAnswer } from './hello-retry.js';
import { judgeServerName, MAX_OPENING_BYTES, type TunnelRule } from './tunnel-admission.js';

const RECORD_HANDSHAKE = 0x16;
const RECORD_CCS = 0x14;
const HANDSHAKE_CLIENT_HELLO = 0x01;
/** The change_cipher_spec record a TLS 1.3 client may send ahead of its second ClientHello. */
const CCS = [RECORD_CCS, 0x03, undefined, 0x00, 0x01, 0x01] as const;

/**
 * Whether the client bytes `b` (the start of a turn) may open a ClientHello: a handshake record whose first
 * handshake byte is ClientHello (or an empty record, which only a parser trick would send), optionally behind one
 * change_cipher_spec record. 'more' while a prefix of such bytes; 'no' for anything else, e.g. the TLS 1.2
 * ClientKeyExchange, application data, or a plain protocol's bytes.
 */
export function opensClientHello(b: Buffer): 'yes' | 'no' | 'more' {
  let at = 0;
  if (b[0] === RECORD_CCS) {
    for (let i = 0; i < CCS.length; i++) {
      if (i >= b.length) return 'more';
      if (CCS[i] !== undefined && b[i] !== CCS[i]) return 'no';
    }
    at = CCS.length;
  }
  const head = [RECORD_HANDSHAKE, 0x03];
  for (let i = 0; i < 6; i++) {
    if (at + i >= b.length) return 'more';
    const v = b[at + i]!;
    if (i < 2 && v !== head[i]) return 'no';
    if (i === 2 && v > 0x04) return 'no';
  }
  const length = b.readUInt16BE(at + 3);
  return length === 0 || b[at + 5] === HANDSHAKE_CLIENT_HELLO ? 'yes' : 'no';
}

/**
 * On a tunnel whose opening was not TLS (a port an entry names: any protocol), the client's bytes to the
 * upstream. A protocol may switch to TLS later (STARTTLS, Postgres' SSLRequest): its ClientHello then starts
 * what the client sends once the server has answered (servers drop bytes pipelined ahead of their go-ahead), and
 * may name any host on a server that routes by SNI. So each such turn that opens a ClientHello is held until it
 * is complete and judged like an opening one; `refuse` ends the tunnel with the reason. Other bytes pass as they come.
 * Once a ClientHello passed, only the turn after a HelloRetryRequest is looked at (the second ClientHello);
 * after any other server answer the stream is TLS and nothing more is judged (its records are not ClientHellos).
 */
export function watchUpgrades(
  upstream: Socket,
  rule: TunnelRule,
  timeoutMs: number,
  refuse: (reason: string) => void,
): Transform {
  let serverSpoke = false;
  let held: Buffer | undefined;
  let timer: NodeJS.Timeout | undefined;
  let refused = false;
  /** 'plain' until a ClientHello passes, 'hello' until the server's answer says no retry, then 'tls'. */
  let phase: 'plain' | 'hello' | 'tls' = 'plain';
  let answer = Buffer.alloc(0);
  upstream.on('data', (d: Buffer) => {
    serverSpoke = true;
    if (phase === 'hello' && answer.length < 256) answer = Buffer.concat([answer, d]).subarray(0, 256);
  });
  const stop = (watch: Transform, reason: string) => {
    refused = true;
    held = undefined;
    clearTimeout(timer);
    refuse(reason);
    watch.push(null);
  };
  const release = (watch: Transform, bytes: Buffer) => {
    held = undefined;
    clearTimeout(timer);
    timer = undefined;
    watch.push(bytes);
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (refused || phase === 'tls') {
        if (!refused) this.push(chunk);
        return done();
      }
      const turn = serverSpoke;
      serverSpoke = false;
      // Plain: only a turn's start may open a ClientHello. After one passed, every byte may carry the second
      // one until the server's answer is known not to be a HelloRetryRequest; then the stream is TLS.
      if (held === undefined && phase === 'plain' && !turn) {
        this.push(chunk);
        return done();
      }
      if (held === undefined && phase === 'hello' && scanServerAnswer(answer) === 'other') {
        phase = 'tls';
        this.push(chunk);
        return done();
      }
      let buf: Buffer = held === undefined ? chunk : Buffer.concat([held, chunk]);
      held = undefined;
      // A ClientHello's records are judged, then whatever follows them in the same turn as if it began one
      // (a second ClientHello sent ahead of the server's HelloRetryRequest is judged too).
      while (buf.length > 0) {
        if (phase === 'tls') {
          release(this, buf);
          return done();
        }
        const opens = opensClientHello(buf);
        const scan =
          opens === 'no'
            ? ({ kind: 'not-tls' } as const)
            : opens === 'more'
              ? ({ kind: 'more' } as const)
              : scanClientHello(buf, buf[0] === RECORD_CCS);
        if (scan.kind === 'more') {
          if (buf.length > MAX_OPENING_BYTES)
            stop(this, `TLS opening longer than ${MAX_OPENING_BYTES} bytes`);
          else {
            held = buf;
            timer ??= setTimeout(
              () => stop(this, `no complete TLS ClientHello within ${timeoutMs} ms`),
              timeoutMs,
            );
          }
          return done();
        }
        if (scan.kind === 'invalid') {
          stop(this, `malformed TLS ClientHello: ${scan.reason}`);
          return done();
        }
        if (scan.kind === 'not-tls') {
          release(this, buf);
          return done();
        }
        const reason = judgeServerName(scan, rule);
        if (reason !== null) {
          stop(this, `ClientHello after a plaintext exchange: ${reason}`);
          return done();
        }
        release(this, buf.subarray(0, scan.end));
        buf = buf.subarray(scan.end);
        if (phase === 'plain') answer = Buffer.alloc(0);
        phase = phase === 'plain' ? 'hello' : 'tls';
      }
      return done();
    },
    flush(done: TransformCallback) {
      if (held !== undefined && !refused)
        stop(this, 'client closed the tunnel before a complete TLS ClientHello');
      done();
    },
  });
}
