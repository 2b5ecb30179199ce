import type { HookDecider } from '../collector/index.js';
import type { WardEnv } from './env.js';

/**
 * The server's hook decisions (POST /api/hooks/:agent): the same gate and answer as `ward hook`, with the
 * approval service in-process for `?wait=1`. Policy: the server user's ~/.ward/policy.yaml and the
 * project's .ward/policy.yaml under the agent's cwd when that path exists on the server.
 */
export function createServerHookDecider(env: WardEnv): HookDecider {
  return async (agent, body, ctx) => {
    const hooks = await import('../sandbox-runner/fast.js');
    const format = agent === 'codex' ? hooks.codexOutput : hooks.claudeCodeOutput;
    try {
      const parsed = hooks.parseHookInput(body ?? '');
      if (!parsed.ok) return format({ decision: 'deny', reason: `Ward: ${parsed.reason}` });
      const gate = await hooks.loadHookGate({ cwd: parsed.input.cwd || '/', home: env.home });
      const answer = await hooks.answerHook(parsed.input, {
        agent,
        decide: hooks.hookDecider(gate),
        wait: ctx.wait,
        approvals: ctx.approvals,
        grants: ctx.approvals.grants,
        waitMs: ctx.waitMs,
      });
      return answer ? format(answer) : {};
    } catch (err) {
      return format({
        decision: 'deny',
        reason: `Ward: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  };
}
