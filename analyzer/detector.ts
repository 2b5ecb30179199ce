import type { AgentEvent, AlertFactor, Severity } from '../schema/index.js';
import type { Observation } from './observation.js';
import type { SessionState } from './session-state.js';
import type { SightingView } from './sightings.js';

export type DetectorKind = 'signature' | 'novelty' | 'baseline' | 'sequence';

/** An event in a fixture: a few fields of an AgentEvent, `t` seconds after the fixture's start. */
export type FixtureEvent = Partial<AgentEvent> & { t?: number };

/** A fixture: optional earlier sessions (warm-up, baselines) and the session the detector looks at. */
export interface Fixture {
  history?: FixtureEvent[][];
  session: FixtureEvent[];
}

/** What every detector declares: metadata for analysts, thresholds as data, and its fixtures. */
export interface DetectorMeta {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  /** MITRE ATT&CK technique ids. */
  attack: string[];
  falsepositives: string[];
  /** What an analyst should check first. */
  triage: string;
  thresholds: Readonly<Record<string, number>>;
  kind: DetectorKind;
  fixtures: { positive: Fixture; negative: Fixture };
}

/** A detector's finding on one observation (or a set of them). */
export interface Hit {
  detector: string;
  evidence: Observation[];
  factors: AlertFactor[];
  /** For suppressions: the novel value or the baseline metric; '' for signatures and sequences. */
  value?: string;
}

/** "Nothing found": one shared, frozen empty list (detectors run for every action; the engine only reads it). */
export const NO_HITS: Hit[] = Object.freeze([]) as unknown as Hit[];

/** Lookups a streaming detector may make (all synchronous: the engine preloads what they need). */
export interface DetectContext {
  /** Tokens other than the session's own that sent a novelty key, and a sample of where they saw it. */
  sighting(key: string, session: SessionState): SightingView;
  /** Distinct sessions in the store (novelty's warm-up). */
  fleetSessions: number;
  /** Distinct tokens novelty has sightings from (its warm-up and the fleet share's denominator). */
  fleetSenders: number;
}

/** A detector that looks at each observation as it arrives, with its session's state. */
export interface StreamDetector extends DetectorMeta {
  observe(obs: Observation, session: SessionState, ctx: DetectContext): Hit[];
  /**
   * Families of its mark lists (a list, or a per-path prefix such as `written:`) that sessions keep in the store:
   * first steps a session rebuilt from its newest events has back (analyzer/session-steps.ts). For first steps
   * that are rare and whose absence keeps the detector quiet.
   */
  storedMarks?: readonly string[];
  /** Novelty keys this observation would look up (preloaded in one query per batch). */
  keys?(obs: Observation): string[];
  /**
   * Keys this observation adds to the session's given what it holds already (read after the detectors, in event
   * order; session facts, not looked up in the fleet's sightings).
   */
  followKeys?(obs: Observation, s: SessionState): string[];
}
