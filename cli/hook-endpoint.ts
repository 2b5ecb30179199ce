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
    if (ctx.refuse) return hooks.formatFor(agent)({ decision: 'deny', reason: `Ward: ${ctx.refuse}` }) ?? {};
    // answerHookCall never throws; the guard stays because an error answer (5xx) lets the agent go ahead.
    try {
      return (await answerCall(hooks, agent, body, ctx)) ?? {};
    } catch (err) {
      const reason = `Ward: ${err instanceof Error ? err.message : String(err)}`;
      return hooks.formatFor(agent)({ decision: 'deny', reason }) ?? {};
    }
  };

  function answerCall(
    hooks: typeof import('../sandbox-runner/fast.js'),
    agent: Parameters<HookDecider>[0],
    body: unknown,
    ctx: Parameters<HookDecider>[2],
  ): Promise<Record<string, unknown> | null> {
    return hooks.answerHookCall(agent, body ?? '', {
      loadGate: async (input) => {
        policy ??= serverPolicy(env, policyAudit);
        policy.catch(() => {
          policy = undefined; // a broken server policy is retried on the next call (each call denies meanwhile)
        });
        const { createGate } = await import('../gate/fast.js');
        const resolved = await policy;
        const loaded = await createGate({ policy: resolved, workspace: input.cwd || '/', deferParser: true });
        // The analyzer's session risk reaches the gate: above the policy's escalation threshold, allow becomes ask.
        const sessionRisk = ctx.sessionRisk ?? 0;
        const gate: typeof loaded = {
          decide: (i) => loaded.decide({ ...i, sessionRisk }),
          decideAsync: (i) => loaded.decideAsync({ ...i, sessionRisk }),
        };
        return { decide: hooks.hookDecider(gate), autoApprove: resolved.hooks.autoApprove };
      },
      wait: ctx.wait,
      approvals: ctx.approvals,
      waitMs: ctx.waitMs,
    });
  }
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
