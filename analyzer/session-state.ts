import { createHash } from 'node:crypto';
import type { AlertFactor, Severity } from '../schema/index.js';
import { FILLED_KEY } from './build-output.js';
import { type Mark, markChars, markOf } from './mark.js';
import { MarkLosses } from './mark-losses.js';
import { neverRead } from './metrics-schedule.js';
import type { Observation } from './observation.js';
import { SessionKeys } from './session-keys.js';
import { SessionSteps } from './session-steps.js';

export type { Mark } from './mark.js';

/** What one detector has found in one session so far: the alert's content. */
export interface Evidence {
  detector: string;
  /** Digests of the first MAX_ACTION_KEYS actions' keys. */
  actionKeys: Set<string>;
  /** Digests of the latest actions past those (rows of one action arrive together). */
  recentKeys: string[];
  /** Distinct actions: those above, and later ones told apart from the recent ones. */
  actions: number;
  eventIds: string[];
  factors: AlertFactor[];
  firstMs: number;
  lastMs: number;
  severity?: Severity;
  value: string;
  changed: boolean;
}

/** The characters the marks, and the key sets, of an engine's sessions hold, all together. */
export interface MarkBudget {
  chars: number;
  keyChars: number;
}

/**
 * Events an alert links: the first half and the latest half. Only the first 200 were kept, so an agent could
 * make a finding's first 200 actions harmless ones and the real one would not be among the alert's events.
 */
const MAX_EVENT_IDS = 200;
/**
 * Actions remembered per finding, as 16-character digests. Kept whole and without a bound, one session's
 * credential reads with 256-character call ids held ~0.5 KB each for good (100 MB after 200k events: an
 * attacker helper's probe); later actions are still counted.
 */
const MAX_ACTION_KEYS = 200;
const RECENT_KEYS = 32;
const keyDigest = (k: string) => createHash('sha256').update(k).digest('base64').slice(0, 16);
const MAX_FACTORS = 20;
const MAX_MARKS = 200;
/**
 * What one session's marks may hold: characters (a mark keeps a slim copy of its observation, ~1k characters at
 * most: analyzer/mark.ts) and lists (one per path written outside the workspace). Counted in marks alone, an
 * agent's sessions could hold 200 marks in thousands of lists each.
 */
const MAX_SESSION_MARK_CHARS = 2 ** 20;
const MAX_MARK_LISTS = 256;
/**
 * Event ids, sighted and noted values each set of a session holds (analyzer/session-keys.ts), and their characters
 * (a value is at most a stored command's 8 KiB). A session sights one value per distinct host, program, bucket,
 * folder filled from outside or archive packed, far fewer than this; past either bound the sets say they overflowed
 * and the storage detector stops trusting what the session did not do.
 */
const SESSION_KEYS = 20_000;
const SESSION_KEY_CHARS = 2 ** 21;
const sessionKeys = (budget: MarkBudget, indexed: readonly string[] = []) =>
  new SessionKeys(SESSION_KEYS, SESSION_KEY_CHARS, budget, indexed);
const NO_FAMILIES: ReadonlySet<string> = new Set();

interface Held {
  list: string;
  mark: Mark;
  chars: number;
}

/** Per-session memory of the scorer: bounded, and rebuilt from the store when evicted. */
export class SessionState {
  /** Event ids scored (a replay or an overlapping read skips them). */
  readonly seen: SessionKeys;
  readonly evidence = new Map<string, Evidence>();
  /** Marks per sequence detector (sensitive reads, egress, denials, destructive actions, new binaries…). */
  readonly marks = new Map<string, Mark[]>();
  /** What the marks lost (forgotten past the bounds, or never replayed): for detectors to fail closed on. */
  readonly lost = new MarkLosses();
  /** The first steps it keeps in the store, of the mark families detectors keep there (analyzer/session-steps.ts). */
  readonly steps: SessionSteps;
  /** The action being scored is replayed history: its marks were kept in the store when it was scored first. */
  replaying = false;
  /** Values this session already recorded for novelty (so each is looked at once). */
  readonly noted: SessionKeys;
  /**
   * Novelty keys this session already counted in the fleet's sightings (once per session, however often), and what
   * the storage detector remembers of it: buckets named, folders filled from outside, archives packed. Overflowed
   * when it forgot some, or when the session was rebuilt from its newest events only.
   */
  readonly sighted: SessionKeys;
  /**
   * Tokens that sent this session's events: their sightings make its behaviour familiar only from other sessions
   * received well before `firstReceivedMs` (analyzer/sightings.ts).
   */
  readonly senders = new Set<string>();
  /** When its whole-session metrics were read, and what it got since (analyzer/metrics-schedule.ts). */
  readonly metrics = neverRead();
  /** When the store received this session's first event (ms; Infinity until one is read). */
  firstReceivedMs = Number.POSITIVE_INFINITY;

  /** Notes that the store received one of this session's events at `iso` (a time that does not parse is left out). */
  noteReceived(iso: string): void {
    const ms = Date.parse(iso);
    if (ms < this.firstReceivedMs) this.firstReceivedMs = ms;
  }
  agent = '';
  user = '';
  repo = '';
  touched = false;

  /** Every mark, oldest first, with its size. */
  private readonly held = new Map<Mark, Held>();
  private markChars = 0;
  /** Forgotten by the engine (a batch may still be scoring it): its marks no longer count in the budget. */
  private released = false;

  /** `stepFamilies`: the families of mark lists kept in the store (detectors' `storedMarks`). */
  constructor(
    readonly id: string,
    private readonly budget: MarkBudget = { chars: 0, keyChars: 0 },
    stepFamilies: ReadonlySet<string> = NO_FAMILIES,
  ) {
    this.steps = new SessionSteps(id, stepFamilies);
    this.seen = sessionKeys(budget);
    this.noted = sessionKeys(budget);
    // Folders filled from outside are checked on every write command (analyzer/build-output.ts): indexed.
    this.sighted = sessionKeys(budget, [FILLED_KEY]);
  }

  mark(list: string, obs: Observation): void {
    if (this.marks.get(list)?.some((m) => m.obs.actionKey === obs.actionKey)) return;
    const mark = markOf(obs);
    if (!this.replaying) this.steps.noted(list, mark);
    this.hold(list, mark);
  }

  /** Holds again the marks the session kept in the store (`rows`), as it is rebuilt (analyzer/session-steps.ts). */
  restoreSteps(rows: Parameters<SessionSteps['restore']>[0], covered: boolean): void {
    for (const { list, mark } of this.steps.restore(rows, covered))
      if (!this.marks.get(list)?.some((m) => m.obs.actionKey === mark.obs.actionKey)) this.hold(list, mark);
  }

  private hold(list: string, mark: Mark): void {
    let l = this.marks.get(list);
    if (!l) {
      l = [];
      this.marks.set(list, l);
    }
    const chars = markChars(mark);
    l.push(mark);
    this.held.set(mark, { list, mark, chars });
    this.markChars += chars;
    if (!this.released) this.budget.chars += chars;
    if (l.length > MAX_MARKS) this.forget(l[0] as Mark);
    // The oldest marks go first while the session holds too much (never the newest), those of the per-path lists
    // before those of the detectors' own: a flood of written paths (one list each) must not push out the
    // credential read that a later upload pairs with.
    while (
      (this.markChars > MAX_SESSION_MARK_CHARS || this.marks.size > MAX_MARK_LISTS) &&
      this.held.size > 1
    )
      this.forget(this.oldestPerPath(mark) ?? (this.held.keys().next().value as Mark));
  }

  /** The oldest mark of a per-path list (`written:…`) other than `newest`, or undefined. */
  private oldestPerPath(newest: Mark): Mark | undefined {
    for (const [m, h] of this.held) if (m !== newest && h.list.includes(':')) return m;
    return undefined;
  }

  private forget(mark: Mark): void {
    const h = this.held.get(mark);
    if (!h) return;
    this.held.delete(mark);
    this.lost.forgot(h.list, mark.timeMs);
    this.markChars -= h.chars;
    if (!this.released) this.budget.chars -= h.chars;
    const l = this.marks.get(h.list);
    if (!l) return;
    l.splice(l.indexOf(mark), 1);
    if (l.length === 0) this.marks.delete(h.list);
  }

  /** The characters this session's marks hold. */
  markSize(): number {
    return this.markChars;
  }

  /** Gives back this session's share of the engine's budget (the engine forgets the session). */
  release(): void {
    if (!this.released) this.budget.chars -= this.markChars;
    this.released = true;
    for (const keys of [this.seen, this.noted, this.sighted]) keys.detach();
  }

  marksOf(list: string): readonly Mark[] {
    return this.marks.get(list) ?? [];
  }

  /** Adds a finding; returns true when it grew the evidence (a new action or factor). */
  record(
    detector: string,
    evidence: readonly Observation[],
    factors: readonly AlertFactor[],
    value = '',
  ): boolean {
    let ev = this.evidence.get(detector);
    if (!ev) {
      ev = {
        detector,
        actionKeys: new Set(),
        recentKeys: [],
        actions: 0,
        eventIds: [],
        factors: [],
        firstMs: Number.POSITIVE_INFINITY,
        lastMs: 0,
        value,
        changed: false,
      };
      this.evidence.set(detector, ev);
    }
    let grew = false;
    for (const o of evidence) {
      const key = keyDigest(o.actionKey);
      if (!ev.actionKeys.has(key) && !ev.recentKeys.includes(key)) {
        if (ev.actionKeys.size < MAX_ACTION_KEYS) ev.actionKeys.add(key);
        else if (ev.recentKeys.push(key) > RECENT_KEYS) ev.recentKeys.shift();
        ev.actions++;
        grew = true;
      }
      if (!ev.eventIds.includes(o.event.event_id)) {
        if (ev.eventIds.length >= MAX_EVENT_IDS) ev.eventIds.splice(MAX_EVENT_IDS / 2, 1);
        ev.eventIds.push(o.event.event_id);
        grew = true;
      }
      ev.firstMs = Math.min(ev.firstMs, o.timeMs);
      ev.lastMs = Math.max(ev.lastMs, o.timeMs);
    }
    for (const f of factors) {
      if (ev.factors.length < MAX_FACTORS && !ev.factors.some((x) => x.text === f.text)) {
        ev.factors.push(f);
        grew = true;
      }
    }
    if (grew) {
      ev.changed = true;
      this.touched = true;
    }
    return grew;
  }
}
