import type { Store } from '../../store/index.js';

export interface RiskBehindOptions {
  store: Pick<Store, 'analyzer'>;
  /** A session's events received this long ago and not yet scored make its risk untrusted (ms). */
  behindMs: number;
  /** How long the analyzer's progress, and a session's answer, are reused (ms). */
  cacheMs?: number;
  now?: () => number;
}

/** Sessions whose answer is kept at once; beyond, the answers are dropped (an agent names sessions freely). */
const MAX_SESSIONS = 10_000;

/**
 * For a hook's decision: why the analyzer's risk for a session cannot be trusted now, or null. The analyzer
 * scores events in the order they arrived and yields to ingest, so an agent that floods ingest holds it back:
 * it could read a credential, flood, and upload before the read was scored and its session's risk raised. A
 * session with events received more than `behindMs` ago that are not scored yet is behind. Cheap when the
 * analyzer is not behind (its progress is read once a second and nothing else), one indexed lookup when it is.
 */
export function createRiskBehind(o: RiskBehindOptions) {
  const cacheMs = o.cacheMs ?? 1_000;
  const now = o.now ?? Date.now;
  let progress: { at: number; value: Awaited<ReturnType<Store['analyzer']['watermark']>> } | undefined;
  const answers = new Map<string, { at: number; reason: string | null }>();

  return async function riskBehind(session: string): Promise<string | null> {
    const t = now();
    const kept = answers.get(session);
    if (kept && t - kept.at < cacheMs) return kept.reason;
    if (!progress || t - progress.at >= cacheMs)
      progress = { at: t, value: await o.store.analyzer.watermark('default', true) };
    const scored = progress.value;
    const cutoff = t - o.behindMs;
    let reason: string | null = null;
    // Scored up to an event received after the cutoff: nothing received before it is left.
    if (!scored || Date.parse(scored.ingestedAt) < cutoff) {
      const behind = await o.store.analyzer.sessionBehind(session, scored, new Date(cutoff).toISOString());
      if (behind)
        reason = `the analyzer has not scored this session's events received more than ${Math.round(o.behindMs / 1000)} s ago (scored up to ${scored?.ingestedAt ?? 'nothing yet'}), so its risk is not known`;
    }
    if (answers.size >= MAX_SESSIONS) answers.clear();
    answers.set(session, { at: t, reason });
    return reason;
  };
}
