import { describe } from '../behaviour.js';
import { type Hit, NO_HITS } from '../detector.js';
import type { Observation } from '../observation.js';
import type { SessionState } from '../session-state.js';

/**
 * A burst: marks `obs` in the session's `list` and hits when at least `min` marks of that list lie within
 * `windowS` seconds of it. One rule for every "several X close together" detector.
 */
export function burstHit(
  detector: string,
  s: SessionState,
  obs: Observation,
  o: { list: string; windowS: number; min: number; what: string },
): Hit[] {
  s.mark(o.list, obs);
  const windowMs = o.windowS * 1000;
  const near = s.marksOf(o.list).filter((m) => Math.abs(m.timeMs - obs.timeMs) <= windowMs);
  if (near.length < o.min) return NO_HITS;
  return [
    {
      detector,
      evidence: near.map((m) => m.obs),
      factors: [
        {
          rule: detector,
          value: near.length,
          baseline: o.min,
          text: `${near.length} ${o.what} within ${o.windowS} s, latest ${describe(obs)}`,
        },
      ],
    },
  ];
}
