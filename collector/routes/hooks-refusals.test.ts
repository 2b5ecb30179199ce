import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createGate, loadPolicy } from '../../gate/index.js';
import { createRedactor } from '../../schema/fast.js';
import type { ApprovalService } from '../approvals/index.js';
import { createErrorHandler } from '../errors.js';
import { createAuthorize } from '../middleware/auth.js';
import { createHookRecorder } from './hook-events.js';
import { type HookDecider, hookRoutes } from './hooks.js';

// An agent runs its tool past any error status of its hook: whatever stops a hook call before its decision
// (here, the store failing the token lookup while the engine restarts) must be a 200 deny.

type HookDeps = Parameters<typeof hookRoutes>[0];

/** The hook routes behind the server's error handler, as a runner off the loopback reaches them. */
function mount(
  decide: HookDecider,
  deps: Omit<HookDeps, 'decide' | 'service' | 'authorize'> = {},
  lookup: (token: string) => Promise<{ name: string; role: 'runner' }> = async (t) => ({
    name: t.slice(0, 6),
    role: 'runner',
  }),
): Hono {
  const a = new Hono();
  a.onError(createErrorHandler(() => {}));
  a.route(
    '/api',
    hookRoutes({
      decide,
      service: {} as ApprovalService,
      ...deps,
      authorize: createAuthorize({ lookup, remoteAddress: () => '10.0.0.2', openLoopbackIngest: false }),
    }),
  );
  return a;
}

function app(lookup: (token: string) => Promise<never>) {
  const decide: HookDecider = async (_agent, _body, ctx) =>
    ctx.refuse ? { decision: 'deny', reason: ctx.refuse } : {};
  return mount(decide, {}, lookup);
}

const call = (a: Hono) =>
  a.request('/api/hooks/claude-code', {
    method: 'POST',
    headers: { authorization: 'Bearer runner-token-0123456789', 'content-type': 'application/json' },
    body: JSON.stringify({ tool_name: 'Bash', tool_input: { command: 'rm -rf ~' } }),
  });

describe('hook calls stopped before their decision', () => {
  it('answer a deny when the token lookup fails in the store', async () => {
    class EngineUnavailableError extends Error {}
    for (const err of [
      new EngineUnavailableError('store unavailable: engine restarting'),
      new Error('boom'),
    ]) {
      const res = await call(app(() => Promise.reject(err)));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ decision: 'deny', reason: err.message });
    }
  });
});

describe('hook decisions that cannot be recorded', () => {
  it("deny a token's calls while its recorded decisions pile up, and only that token's", async () => {
    // The store takes the decisions and never answers: what a slow engine, or a token flooding its own hook
    // calls to push its next decisions out of the record, would leave.
    const recorder = createHookRecorder({
      store: { events: { insert: () => new Promise<void>(() => {}) } },
      redact: createRedactor(),
      flushMs: 0,
      maxQueued: 4,
    });
    const decide: HookDecider = async (_agent, _body, ctx) => {
      if (ctx.refuse) return { decision: 'deny', reason: ctx.refuse };
      ctx.record?.({
        session: 's',
        tool: 'Bash',
        command: 'ls',
        toolInput: {},
        cwd: '/w',
        callId: '',
        decision: 'defer',
        reason: '',
      });
      return {};
    };
    const a = mount(decide, { recorder });
    const as = (token: string) =>
      a.request('/api/hooks/claude-code', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tool_name: 'Bash', tool_input: { command: 'ls' } }),
      });
    const flooder = 'flooder-token-0123456789';
    for (let i = 0; i < 3; i++) expect(await (await as(flooder)).json()).toEqual({});
    expect(await (await as(flooder)).json()).toEqual({
      decision: 'deny',
      reason: "too many of this token's hook decisions wait to be recorded: retry shortly",
    });
    // Another token's calls are still decided (and recorded).
    expect(await (await as('victim-token-0123456789')).json()).toEqual({});
  });
});

describe("a session's risk that cannot be read", () => {
  // The real gate behind the route: a failed lookup of the session's risk must not be taken as risk 0, which
  // decides an escalated session's upload on the command alone while the store fails its reads.
  async function gateApp(riskOf: (session: string) => Promise<number>, mode?: 'ci') {
    const gate = await createGate({
      policy: await loadPolicy(mode ? { inline: { mode } } : {}),
      workspace: '/w',
    });
    const decide: HookDecider = async (_agent, body, ctx) => {
      const command = (body as { tool_input: { command: string } }).tool_input.command;
      const d = gate.decide({
        command,
        sessionRisk: ctx.sessionRisk ?? 0,
        ...(ctx.riskUnknown ? { riskUnknown: ctx.riskUnknown } : {}),
      });
      return d.decision === 'allow' ? {} : { decision: d.decision, reason: d.reasons.at(-1)?.rule_id ?? '' };
    };
    const a = mount(decide, {
      riskOf: async (session) => {
        const r = await riskOf(session);
        return { whole: r, shown: r };
      },
      riskBehind: async () => null,
    });
    return async (command: string) => {
      const res = await a.request('/api/hooks/claude-code', {
        method: 'POST',
        headers: { authorization: 'Bearer runner-token-0123456789', 'content-type': 'application/json' },
        body: JSON.stringify({ session_id: 's1', tool_name: 'Bash', tool_input: { command } }),
      });
      return res.json();
    };
  }

  it('asks (ci: denies) where a readable low risk allows', async () => {
    const calm = await gateApp(async () => 0);
    expect(await calm('git status')).toEqual({});
    const failing = await gateApp(() => Promise.reject(new Error('store unavailable: engine restarting')));
    expect(await failing('git status')).toEqual({ decision: 'ask', reason: 'policy.risk-unknown' });
    const ci = await gateApp(() => Promise.reject(new Error('boom')), 'ci');
    expect(await ci('git status')).toMatchObject({ decision: 'deny' });
  });
});
