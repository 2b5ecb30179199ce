import type { Socket } from 'node:net';
import type { OnAttempt } from './attempt-recorder.js';
import type { Verdict } from './connection-policy.js';

/** What the protocol handlers share: the policy, the attempt sink, limits, and socket tracking for close(). */
export interface ProxyContext {
  policy: (host: string, port: number) => Promise<Verdict>;
  onAttempt: OnAttempt;
  /** Registers a socket that close() must end. */
  track: (socket: Socket) => void;
  /** True once close() has begun: no new upstream connections. */
  closing: () => boolean;
  /** Ports whose tunnels must open with a TLS ClientHello naming the tunnel's host. */
  tlsPorts: readonly number[];
  idleTimeoutMs: number;
  handshakeTimeoutMs: number;
  connectTimeoutMs: number;
}
