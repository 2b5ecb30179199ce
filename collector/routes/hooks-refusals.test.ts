import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ApprovalService } from '../approvals/index.js';
import { createErrorHandler } from '../errors.js';
import { createAuthorize } from '../middleware/auth.js';
import { type HookDecider, hookRoutes } from './hooks.js';

// An agent runs its tool past any error status of its hook: whatever stops a hook call before its decision
// (here, the store failing the token lookup while the engine restarts) must be a 200 deny.

function app(lookup: (token: string) => Promise<never>) {
  const decide: HookDecider = async (_agent, _body, ctx) =>
    ctx.refuse ? { decision: 'deny', reason: ctx.refuse } : {};
  const a = new Hono();
  a.onError(createErrorHandler(() => {}));
  a.route(
    '/api',
    hookRoutes({
      decide,
      service: {} as ApprovalService,
      authorize: createAuthorize({ lookup, remoteAddress: () => '10.0.0.2', openLoopbackIngest: false }),
    }),
  );
  return a;
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
