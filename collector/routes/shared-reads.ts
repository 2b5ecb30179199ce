import type { SessionRead, SessionReadsRepo } from '../../store/index.js';
import type { SharedReads } from './hooks.js';

export interface SharedReadsOptions {
  /** Reads noted within this long go into one insert (ms); the calls that noted them wait for it. */
  flushMs?: number;
  /** Reads waiting at most; beyond, a read is held only by the instance that noted it. */
  maxQueued?: number;
  /** A session's read is stored again by the same token only after this long (ms). */
  againAfterMs?: number;
  /** Applied to what was read before it is stored (it quotes the command, which may hold a secret). */
  redact?: (s: string) => string;
}

/** What a read is described by, at most (the hook endpoint's memory keeps as much). */
const MAX_WHAT = 240;

/** Sessions whose last stored read is remembered (to store a repeat once a minute); cleared when full. */
const MAX_STORED = 20_000;

/**
 * The hook endpoint's port to the secret reads kept in the store, with the reads noted close together stored in
 * one insert: a token whose calls read `.env` a hundred times a second makes ten inserts a second, not a hundred
 * new parts; and a session's read is stored again by the same token once a minute at most (the window is 30).
 */
export function createSharedReads(
  repo: Pick<SessionReadsRepo, 'note' | 'latest' | 'since'>,
  shared: boolean,
  o: SharedReadsOptions = {},
): SharedReads & { flush(): Promise<void> } {
  const flushMs = o.flushMs ?? 100;
  const maxQueued = o.maxQueued ?? 10_000;
  const againAfterMs = o.againAfterMs ?? 60_000;
  const redact = o.redact ?? ((s: string) => s);
  let queue: { read: SessionRead; settle: () => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const stored = new Map<string, number>();

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return running;
    // One insert at a time, in order.
    running = running.then(async () => {
      try {
        await repo.note(batch.map((b) => b.read));
      } catch {
        // Held by this instance only; another one may miss it.
        for (const { read } of batch) stored.delete(key(read));
      }
      for (const b of batch) b.settle();
    });
    return running;
  };

  return {
    shared,
    repeatMs: againAfterMs,
    latest: (session, sinceMs) => repo.latest(session, sinceMs),
    since: (sinceMs, limit) => repo.since(sinceMs, limit),
    note(read) {
      const k = key(read);
      const last = stored.get(k);
      if (last !== undefined && read.atMs - last < againAfterMs) return Promise.resolve();
      if (queue.length >= maxQueued) return Promise.resolve();
      if (stored.size >= MAX_STORED) stored.clear();
      stored.set(k, read.atMs);
      // Redacted, then cut (a cut first could leave half a secret the patterns no longer match): only that much
      // waits in the queue.
      const kept = { ...read, what: redact(read.what).slice(0, MAX_WHAT) };
      return new Promise<void>((settle) => {
        queue.push({ read: kept, settle });
        timer ??= setTimeout(() => void flush(), flushMs);
      });
    },
    flush,
  };
}

const key = (r: SessionRead) => `${r.caller}\u0000${r.session_id}`;
