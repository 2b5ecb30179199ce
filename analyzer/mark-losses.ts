/**
 * What a session's marks lost: a sequence detector that finds no first step may only not remember it. Marks are
 * forgotten past the session's bounds (analyzer/session-state.ts) and a session rebuilt from its newest events
 * never had the older ones; an agent can cause either on purpose (300 written paths, 5,000 model calls and an
 * eviction) between the two steps of a sequence. Kept per family of lists (a detector's own list, or the prefix of
 * per-path lists: `written:`, `storage-endpoint:`), as a count and the newest forgotten time: bounded, whatever
 * the session sends. A rebuild lacks nothing of the families whose marks the store kept (analyzer/session-steps.ts).
 */

/** What may have been forgotten of a family of lists within a window: for a detector to fail closed on. */
export interface MarkLoss {
  /**
   * Marks of the family forgotten past the bounds, all of them when the newest lies within the window (0 when only
   * the rebuild lost them): at least the number forgotten within it.
   */
  forgotten: number;
  /** The session was rebuilt from its newest events, and what it did before them may lie within the window. */
  rebuilt: boolean;
}

/** Families tracked apart; more (a detector list named from data) share one entry. */
const MAX_FAMILIES = 64;
const OTHER = '*';

/** The family of a list: a per-path list's prefix up to its first `:`, else the list itself. */
export const familyOf = (list: string): string => {
  const i = list.indexOf(':');
  return i < 0 ? list : list.slice(0, i + 1);
};

export class MarkLosses {
  private readonly byFamily = new Map<string, { count: number; newestMs: number }>();
  /** Events older than this were not replayed when the session was rebuilt (-Infinity: never rebuilt short). */
  private rebuiltBeforeMs = Number.NEGATIVE_INFINITY;
  /** Families whose marks the rebuild had back whole from the store (analyzer/session-steps.ts). */
  private whole: ReadonlySet<string> | undefined;

  /** Notes that a mark of `list` made at `timeMs` was forgotten. */
  forgot(list: string, timeMs: number): void {
    let family = familyOf(list);
    if (!this.byFamily.has(family) && this.byFamily.size >= MAX_FAMILIES) family = OTHER;
    const f = this.byFamily.get(family);
    if (!f) this.byFamily.set(family, { count: 1, newestMs: timeMs });
    else {
      f.count++;
      if (timeMs > f.newestMs) f.newestMs = timeMs;
    }
  }

  /**
   * Notes that the session was rebuilt from its events at or after `oldestMs` only (the store keeps them by time),
   * its marks of the families `whole` excepted: those were had back from the store.
   */
  rebuiltFrom(oldestMs: number, whole: ReadonlySet<string> = new Set()): void {
    if (oldestMs > this.rebuiltBeforeMs) this.rebuiltBeforeMs = oldestMs;
    this.whole = this.whole ? new Set([...this.whole].filter((f) => whole.has(f))) : whole;
  }

  /**
   * What may have been forgotten of `list`'s family made at or after `sinceMs` (the start of a detector's window),
   * or undefined: its marks since then are whole.
   */
  since(list: string, sinceMs: number): MarkLoss | undefined {
    let forgotten = 0;
    for (const family of [familyOf(list), OTHER]) {
      const f = this.byFamily.get(family);
      if (f && f.newestMs >= sinceMs) forgotten += f.count;
    }
    const rebuilt = this.rebuiltBeforeMs >= sinceMs && !this.whole?.has(familyOf(list));
    return forgotten > 0 || rebuilt ? { forgotten, rebuilt } : undefined;
  }
}

/** For an alert's explanation: why the first step is taken as present though no mark of it is left. */
export function lossNote(loss: MarkLoss, what: string): string {
  const why = [
    loss.forgotten > 0
      ? `${loss.forgotten} such mark(s) were forgotten past the session's memory bounds`
      : '',
    loss.rebuilt ? 'the session was rebuilt from its newest events only, after Ward forgot it' : '',
  ].filter((x) => x !== '');
  return `${what} may have been forgotten (${why.join('; ')}): taken as present, check the session's earlier actions`;
}
