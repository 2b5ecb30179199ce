import { READ_THEN_SEND_WINDOW_S } from './read-then-send.js';

export interface ReadMemoryOptions {
  /** How long a read is remembered (ms; default the analyzer's read-then-send window). */
  windowMs?: number;
  /** Sessions one caller may have remembered at once; beyond, every send of that caller asks (fail closed). */
  perCaller?: number;
  /** Sessions remembered at once in all; beyond, every send asks until the window has passed. */
  total?: number;
  now?: () => number;
}

/** The longest description of a read kept (the gate's reasons quote the command). */
const MAX_WHAT = 240;

/**
 * The secrets each session read lately, for the gate's read-then-send check (`GateInput.readEarlier`). In
 * memory, bounded: a caller (a token) that fills its share cannot push another session's read out; instead its
 * own sends all ask until the window has passed, and a full memory makes every send ask. A read is kept per
 * session whoever noted it (any runner can name any session: one that names another's makes its sends ask).
 */
export function createReadMemory(o: ReadMemoryOptions = {}) {
  const windowMs = o.windowMs ?? READ_THEN_SEND_WINDOW_S * 1000;
  const perCaller = o.perCaller ?? 1_000;
  const total = o.total ?? 20_000;
  const now = o.now ?? Date.now;
  // In the order of their last read, so the expired ones are at the front.
  const reads = new Map<string, { at: number; until: number; what: string; caller: string }>();
  const held = new Map<string, number>();
  /** Callers whose share overflowed, until when; the whole memory's overflow under ''. */
  const full = new Map<string, number>();

  const release = (caller: string) => {
    const n = (held.get(caller) ?? 1) - 1;
    if (n > 0) held.set(caller, n);
    else held.delete(caller);
  };
  const prune = (t: number) => {
    for (const [session, r] of reads) {
      if (t < r.until) break;
      reads.delete(session);
      release(r.caller);
    }
    for (const [caller, until] of full) if (t >= until) full.delete(caller);
  };

  return {
    /**
     * Notes that `session` (through `caller`) read a secret, described by `what`, at `atMs` (now, or the time
     * another instance noted it), remembered for the window and `slackMs` more (repeats of a stored read that
     * were not stored after it).
     */
    note(caller: string, session: string, what: string, atMs?: number, slackMs = 0): void {
      const t = now();
      prune(t);
      const at = Math.min(atMs ?? t, t);
      const until = at + windowMs + slackMs;
      if (t >= until) return;
      const before = reads.get(session);
      if (before && before.until > until) return; // a read of the session remembered longer is kept
      // A caller over its share, or a full memory, remembers nothing new, and never takes a read another
      // caller noted out of memory (it stays, under its first caller, until the window has passed).
      const own = before?.caller === caller ? 1 : 0;
      if ((held.get(caller) ?? 0) - own >= perCaller) full.set(caller, t + windowMs);
      else if (!before && reads.size >= total) full.set('', t + windowMs);
      else {
        if (before) {
          reads.delete(session);
          release(before.caller);
        }
        reads.set(session, { at, until, what: what.slice(0, MAX_WHAT), caller });
        held.set(caller, (held.get(caller) ?? 0) + 1);
      }
    },
    /** What `session` read within the window, as the gate's reason says it, or undefined. */
    earlier(caller: string, session: string): string | undefined {
      const t = now();
      prune(t);
      if (full.has(caller) || full.has(''))
        return `may have read a secret: more sessions read secrets lately than Ward keeps (${full.has(caller) ? `${perCaller} for this token` : `${total} in all`})`;
      const r = reads.get(session);
      // One noted out of order (from another instance) may sit behind newer ones that prune stops at.
      if (!r || t >= r.until) return undefined;
      // What was read is told only to the token that read it: another runner naming the session learns no
      // more than a runner's GET /api/risk tells it.
      const what = r.caller === caller ? ` (${r.what})` : ' (through another token)';
      return `read a secret ${Math.round((t - r.at) / 1000)} s ago${what}`;
    },
    stats: () => ({ sessions: reads.size, full: full.size }),
    /** How long a read is remembered (ms). */
    windowMs,
  };
}
export type ReadMemory = ReturnType<typeof createReadMemory>;
