import type { SessionMetrics, Store } from '../store/index.js';
import { replaceFactors } from './baseline-evidence.js';
import type { Hit } from './detector.js';
import type { BaselineDetector } from './detectors/baseline-activity.js';
import { noteMetricsRead } from './metrics-schedule.js';
import { readAgain } from './read-pace.js';
import type { SessionState } from './session-state.js';

const BASELINE_TTL_MS = 60_000;
type BaselineScope = 'agent' | 'user_id' | 'repo';
type Samples = Record<BaselineScope, Map<string, SessionMetrics[]>>;

/**
 * The baselines' side of the scorer: the fleet's samples per scope value (one ClickHouse aggregate for every scope
 * type and value, kept for a minute, re-read every few seconds while the fleet is small, and paced by its cost:
 * the read goes over every session of the last 30 days), and the scoring of sessions' metrics against them.
 */
export function createBaselineScoring(
  store: Pick<Store, 'analyzer'>,
  baselines: readonly BaselineDetector[],
) {
  let cache: { at: number; tookMs: number; byScope: Samples } | undefined;

  async function samples(now: number, fleetSessions: number): Promise<Samples> {
    const ttl = fleetSessions >= 500 ? BASELINE_TTL_MS : 5_000;
    if (cache && !readAgain(cache.at, cache.tookMs, ttl, now)) return cache.byScope;
    const started = performance.now();
    const rows = await store.analyzer.baselineSamples(201);
    const tookMs = performance.now() - started;
    const byScope = {} as Samples;
    for (const scope of ['agent', 'user_id', 'repo'] as const) {
      const byValue = new Map<string, SessionMetrics[]>();
      for (const m of rows[scope]) {
        const v = scope === 'agent' ? m.agent : scope === 'user_id' ? m.user_id : m.repo;
        const l = byValue.get(v);
        if (l) l.push(m);
        else byValue.set(v, [m]);
      }
      byScope[scope] = byValue;
    }
    cache = { at: now, byScope, tookMs };
    return byScope;
  }

  /** Scores whole-session metrics just read against their scope and peer group (a session is not its own baseline). */
  async function score(
    metrics: readonly SessionMetrics[],
    o: {
      now: number;
      fleetSessions: number;
      session: (id: string) => SessionState | undefined;
      suppressed: (hit: Hit, s: SessionState) => boolean;
    },
  ): Promise<void> {
    const { repo: byRepo, user_id: byUser, agent: byAgent } = await samples(o.now, o.fleetSessions);
    for (const m of metrics) {
      const state = o.session(m.session_id);
      if (!state) continue;
      noteMetricsRead(state.metrics, m.events, o.now);
      const others = (l: SessionMetrics[] | undefined) =>
        (l ?? []).filter((x) => x.session_id !== m.session_id);
      const scopes = [
        { scope: 'repo' as const, sample: others(byRepo.get(m.repo)) },
        { scope: 'user' as const, sample: others(byUser.get(m.user_id)) },
      ];
      for (const b of baselines) {
        for (const r of b.score(m, scopes, others(byAgent.get(m.agent)))) {
          const hit: Hit = { detector: b.id, evidence: [], factors: r.factors, value: r.value };
          if (o.suppressed(hit, state)) continue;
          replaceFactors(state, b.id, r.factors, Date.parse(m.start), r.value);
        }
      }
    }
  }

  return { score };
}
