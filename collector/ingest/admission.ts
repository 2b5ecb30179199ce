/**
 * Bounds OTLP work in flight across requests: how many requests are being read, decoded or stored at
 * once, and how many body bytes (as received plus decompressed) they hold. A request over either bound
 * is refused before it costs memory (503 + Retry-After: exporters retry later), so memory stays bounded
 * however many local processes send at once.
 *
 * One sender (a token; every open loopback sender is one) may hold only a share of each bound, so the rest
 * is always there for the others: an agent that floods, or trickles bodies on many connections, gets its own
 * requests refused and cannot make every other sender's telemetry be refused (and dropped by its exporter).
 */
export interface AdmissionOptions {
  maxRequests: number;
  maxBytes: number;
  /** Requests one sender may have in flight (default: maxRequests, no share). */
  perSenderRequests?: number;
  /** Bytes one sender's requests may hold (default: maxBytes, no share). */
  perSenderBytes?: number;
}

/** Work one admitted request holds; released once its response is decided. */
export interface AdmissionTicket {
  /** Reserves `n` more bytes; false when the shared budget or the sender's share is spent (503). */
  reserve(n: number): boolean;
  release(): void;
}

export interface AdmissionStats {
  requests: number;
  bytes: number;
  refused: number;
  /** Of `refused`, those refused for the sender's share while the total had room. */
  refusedShare: number;
  /** Senders with requests in flight. */
  senders: number;
}

/** What one sender may hold of a shared bound: the rest stays for the others. */
export const SENDER_SHARE = 0.75;

/**
 * Ward's bounds from its settings: the byte budget never below three maximal bodies (one request as sent plus
 * decompressed within one sender's share, and one more body's room that a sender holding its share leaves to
 * the others); a sender holds three quarters of the requests.
 */
export function admissionBounds(
  limits: { maxInflightRequests: number; maxInflightBytes: number },
  maxBodyBytes: number,
  /** Every request is one sender (open loopback ingest): no shares, they would only leave room unused. */
  oneSender = false,
): AdmissionOptions {
  const maxRequests = limits.maxInflightRequests;
  const maxBytes = Math.max(limits.maxInflightBytes, 3 * maxBodyBytes);
  if (oneSender) return { maxRequests, maxBytes };
  return {
    maxRequests,
    maxBytes,
    perSenderRequests: Math.max(1, Math.floor(maxRequests * SENDER_SHARE)),
    perSenderBytes: maxBytes - maxBodyBytes,
  };
}

/** One sender's share of the writer's queue (rows waiting for the store), as of the requests in flight. */
export function writerShares(batch: { maxQueuedBytes?: number; maxQueuedRows?: number }, oneSender = false) {
  if (oneSender) return {};
  return {
    maxSenderQueuedBytes: Math.floor((batch.maxQueuedBytes ?? 32 * 2 ** 20) * SENDER_SHARE),
    maxSenderQueuedRows: Math.floor((batch.maxQueuedRows ?? 400_000) * SENDER_SHARE),
  };
}

export function createAdmission(opts: AdmissionOptions) {
  const perSenderRequests = Math.min(opts.perSenderRequests ?? opts.maxRequests, opts.maxRequests);
  const perSenderBytes = Math.min(opts.perSenderBytes ?? opts.maxBytes, opts.maxBytes);
  let requests = 0;
  let bytes = 0;
  let refused = 0;
  let refusedShare = 0;
  // Held per sender; an entry goes when its sender holds nothing (at most maxRequests entries).
  const senders = new Map<string, { requests: number; bytes: number }>();
  const refuse = (share: boolean) => {
    refused++;
    if (share) refusedShare++;
  };
  return {
    /** A ticket, or null when `maxRequests` are in flight or the sender holds its share of them. */
    enter(sender = ''): AdmissionTicket | null {
      if (requests >= opts.maxRequests) {
        refuse(false);
        return null;
      }
      const mine = senders.get(sender) ?? { requests: 0, bytes: 0 };
      if (mine.requests >= perSenderRequests) {
        refuse(true);
        return null;
      }
      requests++;
      mine.requests++;
      senders.set(sender, mine);
      let held = 0;
      let open = true;
      return {
        reserve(n) {
          // The budget is at least three maximal bodies and a share two (config), so a request alone fits.
          if (bytes + n > opts.maxBytes) {
            refuse(false);
            return false;
          }
          if (mine.bytes + n > perSenderBytes) {
            refuse(true);
            return false;
          }
          bytes += n;
          mine.bytes += n;
          held += n;
          return true;
        },
        release() {
          if (!open) return;
          open = false;
          requests--;
          bytes -= held;
          mine.requests--;
          mine.bytes -= held;
          held = 0;
          if (mine.requests === 0) senders.delete(sender);
        },
      };
    },
    stats(): AdmissionStats {
      return { requests, bytes, refused, refusedShare, senders: senders.size };
    },
  };
}
export type Admission = ReturnType<typeof createAdmission>;
