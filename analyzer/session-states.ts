import { metricsOverdue } from './metrics-schedule.js';
import { type MarkBudget, SessionState } from './session-state.js';

export const MAX_FORGOTTEN_DUE = 10_000;

/**
 * The sessions an engine holds in memory, least recently scored first. The oldest are forgotten (and rebuilt
 * from the store if they come back) while there are more than `maxSessions`, their marks hold more than
 * `maxMarkChars` characters in all or their key sets more than `maxKeyChars`; never the one being scored.
 */
export class SessionStates {
  private readonly sessions = new Map<string, SessionState>();
  private readonly budget: MarkBudget = { chars: 0, keyChars: 0 };
  /**
   * Sessions forgotten while their metrics left events out (analyzer/metrics-schedule.ts), oldest first: they are
   * rebuilt to read them, else an agent's last step, then a flood of other sessions, would never reach them.
   */
  private readonly forgottenDue = new Set<string>();

  /**
   * `maxKeyChars`: what all the sessions' key sets (event ids, sighted and noted values) may hold together;
   * `stepFamilies`: the families of mark lists the sessions keep in the store (analyzer/session-steps.ts).
   */
  constructor(
    private readonly maxSessions: number,
    private readonly maxMarkChars: number,
    private readonly maxKeyChars: number = 32 * 2 ** 20,
    private readonly stepFamilies: ReadonlySet<string> = new Set(),
  ) {}

  /** The session's state, made the most recent; `cold` when it was not held (new, or forgotten). */
  take(id: string): { state: SessionState; cold: boolean } {
    const hit = this.sessions.get(id);
    this.sessions.delete(id);
    this.forgottenDue.delete(id);
    const state = hit ?? new SessionState(id, this.budget, this.stepFamilies);
    this.sessions.set(id, state);
    while (
      this.sessions.size > 1 &&
      (this.sessions.size > this.maxSessions ||
        this.budget.chars > this.maxMarkChars ||
        this.budget.keyChars > this.maxKeyChars)
    ) {
      const [oldest, s] = this.sessions.entries().next().value as [string, SessionState];
      s.release();
      this.sessions.delete(oldest);
      if (s.metrics.since > 0) this.noteDue(oldest);
    }
    return { state, cold: !hit };
  }

  /**
   * A session not held whose metrics may have left events out (forgotten, or scored by an analyzer that stopped
   * since): it is rebuilt from the store and read on a later turn.
   */
  noteDue(id: string): void {
    if (this.sessions.has(id)) return;
    this.forgottenDue.add(id);
    // Past the bound the oldest entry goes: ten thousand sessions forgotten within one turn of the analyzer.
    if (this.forgottenDue.size > MAX_FORGOTTEN_DUE)
      this.forgottenDue.delete(this.forgottenDue.values().next().value as string);
  }

  /**
   * Sessions whose metrics left events out and are old enough to be read again though nothing new came
   * (analyzer/metrics-schedule.ts): up to `maxForgotten` forgotten ones first (each is rebuilt from the store;
   * taken out of the list), then held ones, `max` in all. A session's last step must reach the baselines even when
   * it is its last.
   */
  metricsOverdue(now: number, max: number, maxForgotten: number): string[] {
    const due: string[] = [];
    for (const id of this.forgottenDue) {
      if (due.length >= maxForgotten) break;
      due.push(id);
    }
    for (const id of due) this.forgottenDue.delete(id);
    for (const s of this.sessions.values()) {
      if (due.length >= max) break;
      if (metricsOverdue(s.metrics, now)) due.push(s.id);
    }
    return due;
  }

  get(id: string): SessionState | undefined {
    return this.sessions.get(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The characters all held sessions' key sets hold. */
  keyChars(): number {
    return this.budget.keyChars;
  }

  /** The characters all held sessions' marks hold. */
  markChars(): number {
    return this.budget.chars;
  }
}
