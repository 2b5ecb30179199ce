import type { AlertFactor, Severity } from '../schema/index.js';
import type { Observation } from './observation.js';

/** What one detector has found in one session so far: the alert's content. */
export interface Evidence {
  detector: string;
  actionKeys: Set<string>;
  eventIds: string[];
  factors: AlertFactor[];
  firstMs: number;
  lastMs: number;
  severity?: Severity;
  value: string;
  changed: boolean;
}

/** A timestamped action a sequence detector remembers. */
export interface Mark {
  timeMs: number;
  obs: Observation;
}

const MAX_EVENT_IDS = 200;
const MAX_FACTORS = 20;
const MAX_MARKS = 200;

/** Per-session memory of the scorer: bounded, and rebuilt from the store when evicted. */
export class SessionState {
  readonly seen = new Set<string>();
  readonly evidence = new Map<string, Evidence>();
  /** Marks per sequence detector (sensitive reads, egress, denials, destructive actions, new binaries…). */
  readonly marks = new Map<string, Mark[]>();
  /** Values this session already recorded for novelty (so each is looked at once). */
  readonly noted = new Set<string>();
  /** Novelty keys this session already counted in the fleet's sightings (once per session, however often). */
  readonly sighted = new Set<string>();
  agent = '';
  user = '';
  repo = '';
  touched = false;

  constructor(readonly id: string) {}

  mark(list: string, obs: Observation): void {
    let l = this.marks.get(list);
    if (!l) {
      l = [];
      this.marks.set(list, l);
    }
    if (l.some((m) => m.obs.actionKey === obs.actionKey)) return;
    l.push({ timeMs: obs.timeMs, obs });
    if (l.length > MAX_MARKS) l.shift();
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
      if (!ev.actionKeys.has(o.actionKey)) {
        ev.actionKeys.add(o.actionKey);
        grew = true;
      }
      if (ev.eventIds.length < MAX_EVENT_IDS && !ev.eventIds.includes(o.event.event_id)) {
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
