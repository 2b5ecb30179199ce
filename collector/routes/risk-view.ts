import { OWN_ROWS_ONLY } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import type { Principal } from '../middleware/auth.js';

/** A session's risk for one caller: what the gate decides on, and what the caller may read of it. */
export interface RiskView {
  /** The analyzer's risk of the whole session (null: none written; NaN: not a number). */
  whole: number | null;
  /** What the caller reads (GET /api/risk, the hook endpoint's `?signals=1`): for a runner, its own part. */
  shown: number;
}

/**
 * A session's risk as a caller may read it. Analysts and admins read the whole session. A runner reads the risk
 * of what its own token sent into the session (with the tokenless events): of a session it sent nothing into, 0;
 * of one only it sent into, the whole; of a contested one (another token sent into it too: session ids are the
 * clients' to choose, and an agent holding its own runner's token can name a session it predicts), its own part
 * (session_sender_risk), never what the other token's events add. The hook path reads this on every tool call:
 * a session without risk (most) costs the one read it always did, one with risk a read of its parts, and only
 * one whose parts do not settle it a look at which tokens sent into it.
 */
export function createRiskView(store: Pick<Store, 'analyzer' | 'events'>) {
  return async function riskView(session: string, caller: Pick<Principal, 'id' | 'role'>): Promise<RiskView> {
    const whole = (await store.analyzer.risk(session))?.risk ?? null;
    if (!(OWN_ROWS_ONLY as readonly string[]).includes(caller.role)) return { whole, shown: whole ?? 0 };
    // No risk: nothing of another token's to withhold (and the gate decides on this 0 too).
    if (whole === null || whole === 0) return { whole, shown: 0 };
    const parts = await store.analyzer.senderRisks(session);
    const own = parts.get(caller.id);
    // Another token's part is written: the session is contested, or not the caller's at all.
    if ([...parts.keys()].some((s) => s !== caller.id)) return { whole, shown: own ?? 0 };
    // The caller's part is the whole session: the number holds nothing another token sent.
    if (own !== undefined && Object.is(own, whole)) return { whole, shown: own };
    // The whole moved past the caller's part (another token's events scored before their parts were written), or
    // the session was scored before parts were: the tokens that sent into it decide.
    const tokens = await store.events.tokenSenders(session);
    if (!tokens.includes(caller.id)) return { whole, shown: 0 };
    return { whole, shown: tokens.length === 1 ? whole : (own ?? 0) };
  };
}
