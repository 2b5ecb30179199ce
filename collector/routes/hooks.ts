import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { type ApprovalPort, ApprovalRequestInput } from '../../schema/index.js';
import type { ApprovalService, Caller } from '../approvals/index.js';
import type { Authorize } from '../middleware/auth.js';
import type { HoldLimit } from '../middleware/hold-limit.js';

export const HOOK_AGENTS = ['claude-code', 'codex', 'gemini-cli'] as const;
export type HookAgent = (typeof HOOK_AGENTS)[number];

/**
 * Answers one agent hook call (the body the agent POSTs) with the agent's hook output JSON. Supplied by
 * the process that wires the server (cli/serve.ts): the gate lives in sandbox-runner, not here.
 */
export type HookDecider = (
  agent: HookAgent,
  body: unknown,
  ctx: {
    wait: boolean;
    waitMs: number;
    approvals: ApprovalPort;
    /** The analyzer's risk 0..1 for the call's session (0 when unknown): above the policy's threshold, allow becomes ask. */
    sessionRisk?: number;
    /** Answer "deny" with this reason at once, without analysing the call (its token is over a limit). */
    refuse?: string;
  },
) => Promise<Record<string, unknown>>;

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
  /** The session's fused risk from the analyzer. */
  riskOf?: (session: string) => Promise<number>;
}) {
  const app = new Hono();
  app.post('/hooks/:agent', deps.authorize('requestApproval', { overLimit: 'flag' }), async (c) => {
    const agent = c.req.param('agent') as HookAgent;
    if (!HOOK_AGENTS.includes(agent))
      throw new HTTPException(404, { message: `no hook for agent '${c.req.param('agent')}'` });
    // Over its token's in-progress limit a hook call is denied at once, unread and unanalysed (a 429 would be
    // taken as "no objection", and analysing it would let one token's calls fill the engine's lanes).
    const overLimit = c.get('overLimit');
    if (overLimit) {
      const approvals = inProcessApprovals(deps.service, c.get('principal'), '', c.req.raw.signal);
      return c.json(
        await deps.decide(agent, undefined, { wait: false, waitMs: 0, approvals, refuse: overLimit }),
      );
    }
    const waitS = Number(c.req.query('timeout_s') ?? 300);
    if (!(waitS > 0 && waitS <= 3600)) throw new HTTPException(400, { message: 'timeout_s must be 1..3600' });
    const body: unknown = await c.req.json().catch(() => undefined);
    const origin = new URL(c.req.url).origin;
    const approvals = inProcessApprovals(deps.service, c.get('principal'), origin, c.req.raw.signal);
    let wait = c.req.query('wait') === '1' || c.req.query('wait') === 'true';
    // Over the cap a hook does not wait (it answers as without ?wait): never a non-2xx, which an agent
    // would take as "no objection" and run the tool.
    if (wait && deps.holdLimit && !deps.holdLimit.acquire(c).ok) wait = false;
    const session =
      body && typeof body === 'object' && typeof (body as { session_id?: unknown }).session_id === 'string'
        ? (body as { session_id: string }).session_id.slice(0, 256)
        : '';
    // Fail closed on the lookup only in the direction of caution: an unreadable risk counts as 0 (the gate
    // still decides the command itself), never as a reason to allow more.
    const sessionRisk = session && deps.riskOf ? await deps.riskOf(session).catch(() => 0) : 0;
    try {
      return c.json(await deps.decide(agent, body, { wait, waitMs: waitS * 1000, approvals, sessionRisk }));
    } finally {
      c.get('releaseHold')?.();
    }
  });
  return app;
}
