import { describe } from '../behaviour.js';
import { type Hit, NO_HITS } from '../detector.js';
import { lossNote } from '../mark-losses.js';
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
  // Marks of the list forgotten within the window count as near (each forgotten one, or as many as it takes when the
  // session was rebuilt from its newest events): the burst may have been pushed out of memory on purpose.
  const loss = near.length < o.min ? s.lost.since(o.list, obs.timeMs - windowMs) : undefined;
  const count = loss?.rebuilt ? o.min : near.length + (loss?.forgotten ?? 0);
  if (count < o.min) return NO_HITS;
  const note = loss ? `; ${lossNote(loss, `some of the ${o.what}`)}` : '';
  return [
    {
      detector,
      evidence: near.map((m) => m.obs),
      factors: [
        {
          rule: detector,
          value: near.length,
          baseline: o.min,
          text: `${near.length} ${o.what} within ${o.windowS} s, latest ${describe(obs)}${note}`,
        },
      ],
    },
  ];
}
