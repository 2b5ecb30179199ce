import type { HookDecider } from '../collector/index.js';
import type { PolicyLayers, ResolvedPolicy } from '../gate/fast.js';
import type { WardEnv } from './env.js';
import { loadedLayers, type PolicyAudit } from './policy-audit.js';

/**
 * The server's hook decisions (POST /api/hooks/:agent): the same gate and answer as `ward hook`, with the
 * approval service in-process for `?wait=1`. Policy: only the server's own layers — the organisation file
 * (/etc/ward/policy.yaml) and the server user's ~/.ward/policy.yaml — loaded once. The `cwd` a caller sends
 * is only the workspace the command is analysed against: the server never reads a file under a path the
 * caller names (a caller could otherwise point it at any file on the server, or at a policy it wrote to
 * relax its own gate). A project's .ward/policy.yaml applies where the agent runs (`ward hook`, `ward exec`).
 */
export function createServerHookDecider(env: WardEnv, policyAudit?: PolicyAudit): HookDecider {
  let policy: Promise<ResolvedPolicy> | undefined;
  return async (agent, body, ctx) => {
    const hooks = await import('../sandbox-runner/fast.js');
    const format = (a: import('../sandbox-runner/fast.js').HookAnswer) => hooks.formatFor(agent)(a) ?? {};
    try {
      const parsed = hooks.parseHookInput(body ?? '');
      if (!parsed.ok) return format({ decision: 'deny', reason: `Ward: ${parsed.reason}` });
      policy ??= serverPolicy(env, policyAudit);
      policy.catch(() => {
        policy = undefined; // a broken server policy is retried on the next call (each call denies meanwhile)
      });
      const { createGate } = await import('../gate/fast.js');
      const resolved = await policy;
      const loaded = await createGate({
        policy: resolved,
        workspace: parsed.input.cwd || '/',
        deferParser: true,
      });
      // The analyzer's session risk reaches the gate: above the policy's escalation threshold, allow becomes ask.
      const sessionRisk = ctx.sessionRisk ?? 0;
      const gate: typeof loaded = {
        decide: (input) => loaded.decide({ ...input, sessionRisk }),
        decideAsync: (input) => loaded.decideAsync({ ...input, sessionRisk }),
      };
      const answer = await hooks.answerHook(parsed.input, {
        agent,
        autoApprove: resolved.hooks.autoApprove,
        decide: hooks.hookDecider(gate),
        wait: ctx.wait,
        approvals: ctx.approvals,
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
export async function serverPolicy(env: WardEnv, policyAudit?: PolicyAudit): Promise<ResolvedPolicy> {
  const gate = await import('../gate/fast.js');
  const { project: _requesterControlled, ...layers }: PolicyLayers = gate.discoverPolicyLayers({
    workspace: '/nonexistent-ward-workspace',
    home: env.home,
  });
  const resolved = await gate.loadPolicy(layers);
  policyAudit?.observe(await loadedLayers(layers), '/');
  return resolved;
}
