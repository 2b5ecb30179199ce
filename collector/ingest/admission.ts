/**
 * Bounds OTLP work in flight across requests: how many requests are being read, decoded or stored at
 * once, and how many body bytes (as received plus decompressed) they hold. A request over either bound
 * is refused before it costs memory (503 + Retry-After: exporters retry later), so memory stays bounded
 * however many local processes send at once.
 */
export interface AdmissionOptions {
  maxRequests: number;
  maxBytes: number;
}

/** Work one admitted request holds; released once its response is decided. */
export interface AdmissionTicket {
  /** Reserves `n` more bytes; false when the shared budget is spent (the caller answers 503). */
  reserve(n: number): boolean;
  release(): void;
}

export interface AdmissionStats {
  requests: number;
  bytes: number;
  refused: number;
}

export function createAdmission(opts: AdmissionOptions) {
  let requests = 0;
  let bytes = 0;
  let refused = 0;
  return {
    /** A ticket, or null when `maxRequests` are already in flight. */
    enter(): AdmissionTicket | null {
      if (requests >= opts.maxRequests) {
        refused++;
        return null;
      }
      requests++;
      let held = 0;
      let open = true;
      return {
        reserve(n) {
          // The budget is at least two maximal bodies (config), so a request alone always fits.
          if (bytes + n > opts.maxBytes) {
            refused++;
            return false;
          }
          bytes += n;
          held += n;
          return true;
        },
        release() {
          if (!open) return;
          open = false;
          requests--;
          bytes -= held;
          held = 0;
        },
      };
    },
    stats(): AdmissionStats {
      return { requests, bytes, refused };
    },
  };
}
export type Admission = ReturnType<typeof createAdmission>;
