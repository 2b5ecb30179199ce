import type { HookDecider } from '../collector/index.js';
import type { PolicyLayers, ResolvedPolicy } from '../gate/fast.js';
import type { WardEnv } from './env.js';

/**
 * The server's hook decisions (POST /api/hooks/:agent): the same gate and answer as `ward hook`, with the
 * approval service in-process for `?wait=1`. Policy: only the server's own layers — the organisation file
 * (/etc/ward/policy.yaml) and the server user's ~/.ward/policy.yaml — loaded once. The `cwd` a caller sends
 * is only the workspace the command is analysed against: the server never reads a file under a path the
 * caller names (a caller could otherwise point it at any file on the server, or at a policy it wrote to
 * relax its own gate). A project's .ward/policy.yaml applies where the agent runs (`ward hook`, `ward exec`).
 */
export function createServerHookDecider(env: WardEnv): HookDecider {
  let policy: Promise<ResolvedPolicy> | undefined;
  return async (agent, body, ctx) => {
    const hooks = await import('../sandbox-runner/fast.js');
    const format = agent === 'codex' ? hooks.codexOutput : hooks.claudeCodeOutput;
    try {
      const parsed = hooks.parseHookInput(body ?? '');
      if (!parsed.ok) return format({ decision: 'deny', reason: `Ward: ${parsed.reason}` });
      policy ??= serverPolicy(env);
      policy.catch(() => {
        policy = undefined; // a broken server policy is retried on the next call (each call denies meanwhile)
      });
      const { createGate } = await import('../gate/fast.js');
      const gate = await createGate({
        policy: await policy,
        workspace: parsed.input.cwd || '/',
        deferParser: true,
      });
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

/**
 * The server's own policy: the organisation layer and the server user's ~/.ward/policy.yaml, never a
 * project's (the requester controls its workspace). Used for hook decisions and approval risk scores.
 */
export async function serverPolicy(env: WardEnv): Promise<ResolvedPolicy> {
  const gate = await import('../gate/fast.js');
  const { project: _requesterControlled, ...layers }: PolicyLayers = gate.discoverPolicyLayers({
    workspace: '/nonexistent-ward-workspace',
    home: env.home,
  });
  return gate.loadPolicy(layers);
}
