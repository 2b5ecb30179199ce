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

/** Novelty thresholds: warm-up (fleet size) and rarity (share of sessions that saw the value). */
export interface NoveltyThresholds {
  min_fleet_sessions: number;
  max_fleet_share: number;
}

/** Where a value is new: per agent, user and repo, from the sample of sessions that saw it. */
export function newFor(
  session: SessionState,
  sample: readonly [string, string, string, string][],
): { agent: boolean; user: boolean; repo: boolean } {
  return {
    agent: !sample.some((s) => s[1] === session.agent),
    user: session.user !== '' && !sample.some((s) => s[2] === session.user),
    repo: session.repo !== '' && !sample.some((s) => s[3] === session.repo),
  };
}

/**
 * The shared novelty check: once per (session, key), after warm-up, when the value is new for the scope
 * and rare in the fleet.
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
  if (ctx.fleetSessions < d.thresholds.min_fleet_sessions) return NO_HITS;
  const { others, sample } = ctx.sighting(key, s.id);
  const share = others / Math.max(1, ctx.fleetSessions);
  if (share > d.thresholds.max_fleet_share) return NO_HITS;
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
          baseline: ctx.fleetSessions,
          deviation: share,
          text: `first ${label} for this ${scopes.join(', ')}; seen in ${others} of ${ctx.fleetSessions} sessions fleet-wide`,
        },
      ],
    },
  ];
}

/** A warm-up fleet for fixtures: sessions doing ordinary work with ordinary tools. */
export function warmFleet(n: number, extra: FixtureEvent[] = []): FixtureEvent[][] {
  return Array.from({ length: n }, (_, i) => [
    { kind: 'command' as const, command: 'git status', t: 0, repo: `https://git.example/fleet/r${i % 5}` },
    { kind: 'command' as const, command: 'npm test', t: 5, repo: `https://git.example/fleet/r${i % 5}` },
    ...extra,
  ]);
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
