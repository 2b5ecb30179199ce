import type { Store } from '../../store/index.js';

export interface RiskBehindOptions {
  store: Pick<Store, 'analyzer'>;
  /** The analyzer is behind when the oldest event it has not scored is older than this (ms); 0: never asked. */
  behindMs: number;
  /** How long the analyzer's progress, and a session's answer, are reused (ms). */
  cacheMs?: number;
}

type Watermark = Awaited<ReturnType<Store['analyzer']['watermark']>>;

/** Sessions whose answer is kept at once; beyond, the answers are dropped (an agent names sessions freely). */
const MAX_SESSIONS = 10_000;

/**
 * For a hook's decision: why the analyzer's risk for a session cannot be trusted now, or null. The analyzer
 * scores events in the order they arrived and yields to ingest, so an agent that floods ingest (or feeds it text
 * slow to analyse) holds it back: it could read a credential and upload before the read was scored and its
 * session's risk raised. While the oldest unscored event is older than `behindMs`, a session with any event not
 * yet scored, however recent, is behind. Otherwise nothing is looked up per session. Reads are shared: the
 * analyzer's progress once per `cacheMs`, one lookup per session at a time, and a session found behind for
 * `cacheMs`.
 */
export function createRiskBehind(o: RiskBehindOptions) {
  const cacheMs = o.cacheMs ?? 1_000;
  let progress: { at: number; read: Promise<{ scored: Watermark; ageMs: number | null }> } | undefined;
  const answers = new Map<string, { at: number; reason: Promise<string | null> }>();

  const readProgress = async () => {
    const scored = await o.store.analyzer.watermark('default', true);
    return { scored, ageMs: await o.store.analyzer.backlogAgeMs(scored) };
  };

  return async function riskBehind(session: string): Promise<string | null> {
    if (o.behindMs <= 0) return null;
    const t = Date.now();
    if (!progress || t - progress.at >= cacheMs) {
      progress = { at: t, read: readProgress() };
      progress.read.catch(() => {
        progress = undefined; // a failed read is not kept (the caller counts it as behind)
      });
    }
    const { scored, ageMs } = await progress.read;
    if (ageMs === null || ageMs <= o.behindMs) return null;
    const kept = answers.get(session);
    if (kept && t - kept.at < cacheMs) return kept.reason;
    const reason = o.store.analyzer
      .sessionBehind(session, scored)
      .then((behind) =>
        behind
          ? `the analyzer is ${Math.round(ageMs / 1000)} s behind and has not scored this session's latest events, so its risk is not known`
          : null,
      );
    if (answers.size >= MAX_SESSIONS) answers.clear();
    const entry = { at: t, reason };
    answers.set(session, entry);
    // Only "behind" is kept for the next calls: "not behind" can end at the session's next recorded call (a read
    // whose decision was stored a moment ago), so it is shared only while the lookup runs.
    const drop = () => {
      if (answers.get(session) === entry) answers.delete(session);
    };
    reason.then((r) => r === null && drop(), drop);
    return reason;
  };
}
