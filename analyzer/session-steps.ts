import type { StepRow, Store } from '../store/index.js';
import type { Mark } from './mark.js';
import { familyOf } from './mark-losses.js';
import type { SessionState } from './session-state.js';

/**
 * Steps kept in the store per session and family (analyzer_steps); one more row says the family overflowed. An
 * agent can take as many first steps as it likes, and each only adds a row up to this bound: past it, a rebuilt
 * session takes the family's steps it lacks as possibly forgotten (fails closed), never as absent.
 */
export const MAX_STEPS = 64;

/** The latest time a step's row can hold (DateTime64(3) ends in 2299); the mark keeps the true one. */
const MAX_ROW_MS = Date.UTC(2299, 11, 31);

/** A stored mark read back, or undefined when it does not read as one (then it is left out). */
function parseMark(text: string): Mark | undefined {
  try {
    const m = JSON.parse(text) as Partial<Mark> | null;
    const obs = m?.obs as Partial<Mark['obs']> | undefined;
    const facts = obs?.facts;
    if (
      typeof m?.timeMs !== 'number' ||
      typeof m.command !== 'string' ||
      typeof obs?.actionKey !== 'string' ||
      typeof obs.event !== 'object' ||
      obs.event === null ||
      !facts ||
      ![
        facts.tags,
        facts.categories,
        facts.attack,
        facts.binaries,
        facts.argv,
        facts.paths,
        facts.hosts,
      ].every(Array.isArray)
    )
      return undefined;
    return m as Mark;
  } catch {
    return undefined;
  }
}

/**
 * What one session keeps in the store of the first steps it took: the marks of the families detectors keep
 * (`storedMarks`), as they are made while scoring its actions (not while replaying them), so that a session
 * rebuilt from its newest events after a restart or an eviction has them back. Bounded per family (MAX_STEPS).
 */
export class SessionSteps {
  /** The next step's number per family. */
  private readonly next = new Map<string, number>();
  private pending: StepRow[] = [];
  /** Families whose every step the store had when the session was rebuilt (all of them until it is). */
  whole: ReadonlySet<string>;

  constructor(
    private readonly session: string,
    private readonly families: ReadonlySet<string>,
  ) {
    this.whole = families;
  }

  /** Notes a mark the session made of an action it is scored for. */
  noted(list: string, mark: Mark): void {
    const family = familyOf(list);
    if (!this.families.has(family)) return;
    const seq = this.next.get(family) ?? 0;
    if (seq > MAX_STEPS) return;
    this.next.set(family, seq + 1);
    const kept = seq < MAX_STEPS;
    const ms = Number.isFinite(mark.timeMs) ? Math.min(Math.max(mark.timeMs, 0), MAX_ROW_MS) : 0;
    this.pending.push({
      session_id: this.session,
      family,
      seq,
      list: kept ? list : family,
      time: new Date(ms).toISOString(),
      mark: kept ? JSON.stringify(mark) : '',
    });
  }

  /** The rows to write; given back when the write fails. */
  take(): StepRow[] {
    const rows = this.pending;
    this.pending = [];
    return rows;
  }

  giveBack(rows: readonly StepRow[]): void {
    this.pending = [...rows, ...this.pending];
  }

  /**
   * Takes the session's stored rows as it is rebuilt: numbers its next steps after them, and returns the marks to
   * hold again, oldest first per family. `covered`: the store kept every step the session took (it began after the
   * analyzer started keeping them); else no family is whole.
   */
  restore(rows: readonly StepRow[], covered: boolean): { list: string; mark: Mark }[] {
    const out: { list: string; mark: Mark }[] = [];
    const overflowed = new Set<string>();
    for (const r of rows) {
      if (r.session_id !== this.session || !this.families.has(r.family)) continue;
      this.next.set(r.family, Math.max(this.next.get(r.family) ?? 0, r.seq + 1));
      const mark = r.mark === '' ? undefined : parseMark(r.mark);
      if (mark && r.seq < MAX_STEPS) out.push({ list: r.list, mark });
      else overflowed.add(r.family);
    }
    this.whole = covered ? new Set([...this.families].filter((f) => !overflowed.has(f))) : new Set();
    return out;
  }
}

/**
 * Writes the first steps the sessions' scored actions took (undefined: none); each session has its own back when
 * the write fails, for the batch's next try (its actions are not scored again).
 */
export function writeSteps(
  store: Pick<Store['analyzer'], 'addSteps'>,
  sessions: readonly SessionState[],
): Promise<void> | undefined {
  const taken = sessions.map((s) => ({ s, rows: s.steps.take() })).filter((x) => x.rows.length > 0);
  if (taken.length === 0) return undefined;
  return store.addSteps(taken.flatMap((x) => x.rows)).catch((err: unknown) => {
    for (const { s, rows } of taken) s.steps.giveBack(rows);
    throw err;
  });
}

/**
 * When the analyzer began keeping sessions' first steps (store.analyzer.stepsFrom), read once and asked again after
 * a failure. `fresh`: nothing was scored yet, so every session's steps will be kept.
 */
export function stepsKeptFrom(
  store: Pick<Store['analyzer'], 'stepsFrom'>,
): (fresh: boolean) => Promise<string> {
  let from: Promise<string> | undefined;
  return (fresh) => {
    from ??= store.stepsFrom(fresh).catch((err: unknown) => {
      from = undefined;
      throw err;
    });
    return from;
  };
}
