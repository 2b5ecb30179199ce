import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { type ApprovalPort, ApprovalRequestInput } from '../../schema/index.js';
import type { SessionRead } from '../../store/index.js';
import type { ApprovalService, Caller } from '../approvals/index.js';
import type { Authorize, Principal } from '../middleware/auth.js';
import type { HoldLimit } from '../middleware/hold-limit.js';
import { boundedId } from '../normalize/index.js';
import type { HookCallSeen, HookRecorder } from './hook-events.js';
import type { RiskView } from './risk-view.js';

/**
 * The secrets sessions read lately as the store keeps them (store/session-reads.ts): what other instances noted,
 * and what this one noted before it restarted.
 */
export interface SharedReads {
  note(read: SessionRead): Promise<void>;
  latest(session: string, sinceMs: number): Promise<SessionRead | null>;
  since(sinceMs: number, limit: number): Promise<SessionRead[]>;
  /** Other instances note reads too: a session this one holds no read for is looked up (else memory suffices). */
  shared: boolean;
  /** A session's read is stored again by the same token once per this long (ms): a stored one may be this stale. */
  repeatMs: number;
}

export const HOOK_AGENTS = ['claude-code', 'codex', 'gemini-cli'] as const;
export type HookAgent = (typeof HOOK_AGENTS)[number];

/**
 * Answers one agent hook call (the body the agent POSTs) with the agent's hook output JSON. Supplied by
 * the process that wires the server (cli/serve.ts): the gate lives in sandbox-runner, not here.
 */
export type HookDecider = ((
  agent: HookAgent,
  body: unknown,
  ctx: {
    wait: boolean;
    waitMs: number;
    approvals: ApprovalPort;
    /** The analyzer's risk 0..1 for the call's session (0 when unknown): above the policy's threshold, allow becomes ask. */
    sessionRisk?: number;
    /**
     * What the caller may read of that risk when it is not all of it (a runner's own part of a session other tokens
     * sent into, as GET /api/risk answers it): `signals` carry it, and no reason tells the whole number. The
     * decision is still the whole session's.
     */
    riskShown?: number;
    /** Why that risk cannot be trusted now (events of the session not yet scored): allow becomes ask. */
    riskUnknown?: string;
    /** Answer "deny" with this reason at once, without analysing the call (its token is over a limit). */
    refuse?: string;
    /** Who is calling (the token's id): callers take turns for the gate. */
    caller?: string;
    /** Told each tool call decided, to record it as an event. */
    record?: (seen: HookCallSeen) => void;
    /**
     * `?signals=1` (`ward hook` on the agent's machine): answer `{signals}`, what the server knows of the
     * session (risk, whether it is behind, a secret read lately), for the hook's own gate; still record the call.
     */
    signalsOnly?: boolean;
    /** `?read=1` (`ward hook`): the secret its own gate found the call read (header `x-ward-read`), to remember. */
    readNote?: string;
    /** Secrets sessions read, as other instances (and this one before a restart) noted them. */
    sharedReads?: SharedReads;
  },
) => Promise<Record<string, unknown>>) & {
  /** Ends what the decider holds (its threads), when the server stops. */
  close?: () => Promise<void>;
};

function inProcessApprovals(
  service: ApprovalService,
  caller: Caller,
  baseUrl: string,
  signal: AbortSignal,
): ApprovalPort {
  return {
    async request(input) {
      return service.create(ApprovalRequestInput.parse(input), caller);
    },
    async waitForDecision(id, o) {
      const a = await service.waitForFinal(id, o.timeoutMs, signal);
      if (a?.status === 'approved')
        return {
          status: 'approved',
          reason: a.decision_reason || `approved by ${a.decided_by}`,
          approval: a,
        };
      if (a?.status === 'denied')
        return { status: 'denied', reason: a.decision_reason || `denied by ${a.decided_by}`, approval: a };
      if (a?.status === 'expired')
        return { status: 'expired', reason: 'nobody decided before the deadline', approval: a };
      return {
        status: 'denied',
        reason: signal.aborted ? 'the hook call was cancelled' : 'no decision in time',
      };
    },
    urlFor: (id) => `${baseUrl}/api/approvals/${encodeURIComponent(id)}`,
    grants: (q) => service.grants(q, caller),
  };
}

/** A header `ward hook` percent-encodes (a header carries no control characters or UTF-8 as such). */
function decodedHeader(v: string | undefined): string {
  try {
    return decodeURIComponent(v ?? '');
  } catch {
    return v ?? '';
  }
}

/** For a call refused before its decision: it never asks a human. */
const REFUSING: ApprovalPort = {
  request: () => Promise.reject(new Error('this hook call was refused')),
  waitForDecision: async () => ({ status: 'denied', reason: 'this hook call was refused' }),
  urlFor: () => '',
  grants: async () => [],
};

/**
 * POST /api/hooks/:agent — the same decision as `ward hook <agent>`, as an HTTP hook. Always answers 200
 * with the hook JSON (a malformed body is a deny): agents treat a non-2xx answer as a non-blocking error,
 * which would let the tool call through.
 */
export function hookRoutes(deps: {
  decide: HookDecider;
  service: ApprovalService;
  authorize: Authorize;
  /** Caps hook calls held open (a hook may wait for a human) per token and in total. */
  holdLimit?: HoldLimit;
  /** The session's fused risk from the analyzer, and what the caller may read of it (risk-view.ts). */
  riskOf?: (session: string, caller: Principal) => Promise<RiskView>;
  /** Why the analyzer's risk for the session is behind its events (null when it is not). */
  riskBehind?: (session: string) => Promise<string | null>;
  /** Records each decided tool call as an agent event (by the caller's token id). */
  recorder?: Pick<HookRecorder, 'record' | 'hasRoom'>;
  /** Largest hook input (default 1 MiB, the API's limit); over it, a deny. */
  maxBodyBytes?: number;
  /** Secrets sessions read, kept in the store for other instances and restarts. */
  sharedReads?: SharedReads;
}) {
  const app = new Hono();
  const maxBody = deps.maxBodyBytes ?? 1024 * 1024;
  const authorize = deps.authorize('requestApproval', { overLimit: 'flag' });
  /** A deny in the agent's own format, without reading or analysing the call. */
  const refuse = async (c: Context, agent: HookAgent, reason: string) =>
    c.json(
      await deps.decide(agent, undefined, { wait: false, waitMs: 0, approvals: REFUSING, refuse: reason }),
    );

  // Every refusal before the decision is a deny, never a 4xx/5xx: a revoked or unknown token, a token lookup
  // the server cannot make now (503), a token over its in-progress limit (429), a body over the limit (413),
  // a bad timeout. Only an unknown agent name, whose answer format is unknown, is a 404.
  const guard: MiddlewareHandler = async (c, next) => {
    const agent = c.req.param('agent') as HookAgent;
    if (!HOOK_AGENTS.includes(agent))
      throw new HTTPException(404, { message: `no hook for agent '${c.req.param('agent')}'` });
    try {
      // The token's in-progress slot is held until the decision is answered (authorize releases it after).
      await authorize(c, async () => {
        const overLimit = c.get('overLimit');
        const waitS = Number(c.req.query('timeout_s') ?? 300);
        if (overLimit) c.res = await refuse(c, agent, overLimit);
        else if (!(waitS > 0 && waitS <= 3600)) c.res = await refuse(c, agent, 'timeout_s must be 1..3600');
        else await next();
      });
    } catch (err) {
      // Whatever stopped it (a refusal, or the store failing a token lookup: 503/500) is a deny.
      c.res = await refuse(c, agent, err instanceof Error ? err.message : String(err));
    }
  };
  const limitBody = bodyLimit({
    maxSize: maxBody,
    onError: (c) => {
      // The rest of the body stays unread: the socket cannot carry another request.
      c.header('Connection', 'close');
      const size = maxBody === 1024 * 1024 ? '1 MiB' : `${maxBody} bytes`;
      return refuse(c, c.req.param('agent') as HookAgent, `hook input over ${size}, denied unread`);
    },
  });
  app.post(
    '/hooks/:agent',
    Object.assign(guard, { permission: authorize.permission }),
    limitBody,
    async (c) => {
      const agent = c.req.param('agent') as HookAgent;
      // A decision that could not be recorded would be a tool call the analyzer never sees: a token whose
      // recorded decisions are piling up (the store is slow, or it floods its own hook calls) is denied.
      if (deps.recorder && !deps.recorder.hasRoom(c.get('principal').id))
        return refuse(c, agent, "too many of this token's hook decisions wait to be recorded: retry shortly");
      const waitS = Number(c.req.query('timeout_s') ?? 300);
      const body: unknown = await c.req.json().catch(() => undefined);
      const origin = new URL(c.req.url).origin;
      const approvals = inProcessApprovals(deps.service, c.get('principal'), origin, c.req.raw.signal);
      const readNote = c.req.query('read') === '1' ? decodedHeader(c.req.header('x-ward-read')) : undefined;
      const signalsOnly = readNote !== undefined || c.req.query('signals') === '1';
      let wait = !signalsOnly && (c.req.query('wait') === '1' || c.req.query('wait') === 'true');
      // Over the cap a hook does not wait (it answers as without ?wait): never a non-2xx, which an agent
      // would take as "no objection" and run the tool.
      if (wait && deps.holdLimit && !deps.holdLimit.acquire(c).ok) wait = false;
      // Bounded as the normalizer bounds the session ids it stores, so a long id finds its own events.
      const session =
        body && typeof body === 'object' && typeof (body as { session_id?: unknown }).session_id === 'string'
          ? boundedId((body as { session_id: string }).session_id)
          : '';
      // A risk that cannot be read is unknown, not 0: 0 would let a session the analyzer had escalated (a
      // credential read, then an upload) be decided on the command alone while the store fails its lookups.
      let riskUnknown: string | null = null;
      const risk: RiskView =
        session && deps.riskOf
          ? await deps.riskOf(session, c.get('principal')).catch(() => {
              riskUnknown = "the session's risk could not be read";
              return { whole: 0, shown: 0 };
            })
          : { whole: 0, shown: 0 };
      const sessionRisk = risk.whole ?? 0;
      // A risk the analyzer has fallen behind on (an agent flooding ingest holds it back) is not trusted: an
      // agent could read a credential, flood, and upload before the analyzer scored the read. A check that fails
      // counts as behind.
      riskUnknown ??=
        session && deps.riskBehind
          ? await deps.riskBehind(session).catch(() => "the session's risk could not be checked")
          : null;
      try {
        const caller = c.get('principal').id;
        return c.json(
          await deps.decide(agent, body, {
            wait,
            waitMs: waitS * 1000,
            approvals,
            sessionRisk,
            ...(Object.is(risk.shown, sessionRisk) ? {} : { riskShown: risk.shown }),
            ...(riskUnknown ? { riskUnknown } : {}),
            caller,
            ...(signalsOnly ? { signalsOnly } : {}),
            ...(readNote !== undefined ? { readNote } : {}),
            ...(deps.sharedReads ? { sharedReads: deps.sharedReads } : {}),
            ...(deps.recorder
              ? {
                  record: (seen: HookCallSeen) => {
                    deps.recorder?.record(caller, agent, seen, c.get('principal').name);
                  },
                }
              : {}),
          }),
        );
      } finally {
        c.get('releaseHold')?.();
      }
    },
  );
  return app;
}
