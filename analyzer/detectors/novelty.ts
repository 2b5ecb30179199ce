import { SENDER_ATTRS } from '../../schema/index.js';
import { inert } from '../behaviour.js';
import type { CommandFacts } from '../command-facts.js';
import {
  type DetectContext,
  type FixtureEvent,
  type Hit,
  NO_HITS,
  type StreamDetector,
} from '../detector.js';
import type { Observation } from '../observation.js';
import type { SessionState } from '../session-state.js';
import type { SightingSample } from '../sightings.js';

/**
 * Novelty thresholds: warm-up (fleet sessions, and tokens other than the session's own) and rarity (other tokens
 * that sent the value, in number and as a share of the fleet's).
 */
export interface NoveltyThresholds {
  min_fleet_sessions: number;
  /** Tokens besides the session's own that novelty needs sightings from: with none, nothing can be familiar. */
  min_other_senders: number;
  /** Other tokens that must have sent a value before the fleet counts it as common. */
  min_common_senders: number;
  max_fleet_share: number;
}

/** Where a value is new: per agent, user and repo, from the sample of where other tokens saw it. */
export function newFor(
  session: SessionState,
  sample: readonly SightingSample[],
): { agent: boolean; user: boolean; repo: boolean } {
  return {
    agent: !sample.some((s) => s[1] === session.agent),
    user: session.user !== '' && !sample.some((s) => s[2] === session.user),
    repo: session.repo !== '' && !sample.some((s) => s[3] === session.repo),
  };
}

/**
 * The shared novelty check: once per (session, key), after warm-up, when the value is new for the scope and rare
 * in the fleet. Both count sending tokens other than the session's own: an agent holds its runner's token and
 * can send any number of sessions of its own making (claiming the victim's repo) that ran what it is about to
 * misuse, and they are one token, its own.
 */
export function noveltyHit(
  d: { id: string; thresholds: NoveltyThresholds },
  scope: 'repo' | 'user',
  key: string,
  label: string,
  obs: Observation,
  s: SessionState,
  ctx: DetectContext,
): Hit[] {
  if (s.noted.has(`${d.id}\0${key}`)) return NO_HITS;
  s.noted.add(`${d.id}\0${key}`);
  const t = d.thresholds;
  const fleet = ctx.fleetSenders - s.senders.size;
  if (ctx.fleetSessions < t.min_fleet_sessions || fleet < t.min_other_senders) return NO_HITS;
  const { others, sample } = ctx.sighting(key, s);
  const share = others / Math.max(1, fleet);
  if (others >= t.min_common_senders && share > t.max_fleet_share) return NO_HITS;
  const where = newFor(s, sample);
  if (!where[scope]) return NO_HITS;
  const scopes = (['agent', 'user', 'repo'] as const).filter((k) => where[k]);
  return [
    {
      detector: d.id,
      evidence: [obs],
      value: key,
      factors: [
        {
          // rule carries the value so a false-positive verdict can suppress exactly this value
          rule: `${d.id}:${key}`,
          value: others,
          baseline: fleet,
          deviation: share,
          text: `first ${label} for this ${scopes.join(', ')}; sent by ${others} of ${fleet} other tokens fleet-wide`,
        },
      ],
    },
  ];
}

/**
 * A warm-up fleet for fixtures: sessions doing ordinary work with ordinary tools, sent by five runners' tokens
 * (the fixture's own session by none of them).
 */
export function warmFleet(n: number, extra: FixtureEvent[] = []): FixtureEvent[][] {
  return Array.from({ length: n }, (_, i) => {
    const repo = `https://git.example/fleet/r${i % 5}`;
    const attributes = { [SENDER_ATTRS.id]: `fleet-runner-${i % 5}` };
    return [
      { kind: 'command' as const, command: 'git status', t: 0, repo, attributes },
      { kind: 'command' as const, command: 'npm test', t: 5, repo, attributes },
      ...extra.map((e) => ({ ...e, attributes: { ...e.attributes, ...attributes } })),
    ];
  });
}

/** A function of an analysed command's facts, computed once per facts object (they are memoized per command). */
export function perFacts<T>(fn: (facts: CommandFacts) => T): (facts: CommandFacts) => T {
  const memo = new WeakMap<CommandFacts, T>();
  return (facts) => {
    let v = memo.get(facts);
    if (v === undefined) {
      v = fn(facts);
      memo.set(facts, v);
    }
    return v;
  };
}

export const quote = (s: string) => `'${inert(s, 120)}'`;
export type { Observation, SessionState, StreamDetector };
