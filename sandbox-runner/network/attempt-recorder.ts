import type { Socket } from 'node:net';
import type { NetworkAttempt, NetworkProtocol } from '../../schema/index.js';

/** Collects one attempt while it runs and reports it exactly once, when it ends. */
export interface AttemptRecorder {
  /** Sets the canonical host, the decision and its reason. */
  decided(fields: { host?: string; decision: 'allow' | 'deny'; reason: string; resolved_ip?: string }): void;
  /** The upstream socket whose byte counters are the attempt's bytes. */
  upstream(socket: Socket, address: string): void;
  /** Reports the attempt (later calls do nothing). */
  end(reason?: string): void;
}

export type OnAttempt = (attempt: NetworkAttempt) => void;

/** Starts the clock on one attempt. A throwing `onAttempt` is swallowed: it must not take the proxy down. */
export function startAttempt(
  onAttempt: OnAttempt,
  protocol: NetworkProtocol,
  host: string,
  port: number,
  now: () => number = Date.now,
): AttemptRecorder {
  const started = now();
  const attempt: NetworkAttempt = {
    time: new Date(started).toISOString(),
    protocol,
    host: host.slice(0, 255),
    port: Number.isInteger(port) && port >= 0 && port <= 65_535 ? port : 0,
    resolved_ip: '',
    decision: 'deny',
    reason: 'connection ended before a decision',
    bytes_in: 0,
    bytes_out: 0,
    duration_ms: 0,
  };
  let socket: Socket | undefined;
  let ended = false;
  return {
    decided(fields) {
      if (fields.host !== undefined) attempt.host = fields.host;
      attempt.decision = fields.decision;
      attempt.reason = fields.reason;
      if (fields.resolved_ip !== undefined) attempt.resolved_ip = fields.resolved_ip;
    },
    upstream(s, address) {
      socket = s;
      attempt.resolved_ip = address;
    },
    end(reason) {
      if (ended) return;
      ended = true;
      if (reason !== undefined) attempt.reason = reason;
      attempt.bytes_in = socket?.bytesRead ?? 0;
      attempt.bytes_out = socket?.bytesWritten ?? 0;
      attempt.duration_ms = Math.max(0, now() - started);
      try {
        onAttempt(attempt);
      } catch {
        // The observer's failure is not the connection's.
      }
    },
  };
}
