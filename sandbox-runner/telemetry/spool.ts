import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * OTLP/JSON requests waiting to reach the server. A request is written before it is sent (".pending") and
 * removed once the server took it, so a crash or a down server never loses a span; the next run resends.
 */
export interface Spool {
  dir: string;
  /** Saves a request; returns its file. */
  save(body: Uint8Array): string;
  /** Marks a saved request sent (deletes it). */
  done(file: string): void;
  /** Moves a request the server refused for good into `rejected/` (kept for a look, never resent). */
  reject(file: string): void;
  /** Every waiting request (including ones left by earlier runs). */
  list(): string[];
}

/** Saves within one millisecond keep their order: names sort by time, then by this run's count. */
let saved = 0;

export function createSpool(dir: string): Spool {
  return {
    dir,
    save(body) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      saved += 1;
      const order = `${Date.now()}-${String(saved).padStart(10, '0')}`;
      const file = join(dir, `${order}-${randomBytes(4).toString('hex')}.otlp.json`);
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, body, { mode: 0o600 });
      renameSync(tmp, file);
      return file;
    },
    done(file) {
      try {
        unlinkSync(file);
      } catch {
        // already sent by a concurrent run
      }
    },
    reject(file) {
      try {
        mkdirSync(join(dir, 'rejected'), { recursive: true, mode: 0o700 });
        renameSync(file, join(dir, 'rejected', basename(file)));
      } catch {
        // taken by a concurrent run
      }
    },
    list() {
      try {
        return readdirSync(dir)
          .filter((f) => f.endsWith('.otlp.json'))
          .sort()
          .map((f) => join(dir, f));
      } catch {
        return [];
      }
    },
  };
}

/**
 * Answers that refuse the request itself (malformed, too large, wrong type): sending it again never helps, and
 * left in line it would hold back every request behind it (a file planted in the spool would blind the runner).
 */
const REFUSED_FOR_GOOD = new Set([400, 413, 415, 422]);

/**
 * Resends spooled requests (oldest first, at most `max`) as OTLP/JSON. A request refused for good is moved aside
 * and the next one goes on; any other failure (server down, busy, token refused) stops until the next run.
 */
export async function drainSpool(
  spool: Spool,
  url: string,
  headers: Record<string, string>,
  opts: { max?: number; timeoutMs?: number; except?: string } = {},
): Promise<{ sent: number; rejected: number; left: number }> {
  const files = spool.list().filter((f) => f !== opts.except);
  let sent = 0;
  let rejected = 0;
  for (const file of files.slice(0, opts.max ?? 20)) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: readFileSync(file),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 2000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (REFUSED_FOR_GOOD.has(res.status)) {
        spool.reject(file);
        rejected++;
        continue;
      }
      if (!res.ok) break;
      spool.done(file);
      sent++;
    } catch {
      break;
    }
  }
  return { sent, rejected, left: files.length - sent - rejected };
}
