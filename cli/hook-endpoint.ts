import type { HookDecider } from '../collector/index.js';
import {
  analysisBudgetMs,
  discoverPolicyLayers,
  type Gate,
  type PolicyLayers,
  type ResolvedPolicy,
} from '../gate/fast.js';
import type { WardEnv } from './env.js';
import { createGateThreads, gateThreadScript } from './gate-threads.js';
import { loadedLayers, type PolicyAudit } from './policy-audit.js';
import { layerDigests } from './policy-digest.js';

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
  // The layer files as this thread loaded them: the gate threads hold to the same content.
  let loadedDigests: Record<string, string> | undefined;
  // Decisions run on threads of their own (gate-threads.ts): never on the event loop approvals share, one
  // caller at a time in turn, a thread past its deadline ended. Without a built thread (sources without a
  // build), in this thread.
  const script = gateThreadScript();
  const threads = script
    ? createGateThreads({
        script,
        layers: serverLayers(env),
        digests: () => loadedDigests,
        deadlineMs: (chars) => 2 * analysisBudgetMs(chars) + 2_000,
      })
    : undefined;
  const decider: HookDecider = async (agent, body, ctx) => {
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
  return Object.assign(decider, { close: async () => threads?.close() });

  function answerCall(
    hooks: typeof import('../sandbox-runner/fast.js'),
    agent: Parameters<HookDecider>[0],
    body: unknown,
    ctx: Parameters<HookDecider>[2],
  ): Promise<Record<string, unknown> | null> {
    return hooks.answerHookCall(agent, body ?? '', {
      loadGate: async (input) => {
        policy ??= (async () => {
          const digests = layerDigests(serverLayers(env));
          const resolved = await serverPolicy(env, policyAudit);
          // Read between two digests: a file that changed meanwhile is read again on the next call.
          if (JSON.stringify(layerDigests(serverLayers(env))) !== JSON.stringify(digests))
            throw new Error('the policy files changed while they were read: try again');
          loadedDigests = digests;
          return resolved;
        })();
        policy.catch(() => {
          policy = undefined; // a broken server policy is retried on the next call (each call denies meanwhile)
        });
        const resolved = await policy;
        // The analyzer's session risk reaches the gate: above the policy's escalation threshold, allow becomes ask.
        const sessionRisk = ctx.sessionRisk ?? 0;
        const workspace = input.cwd || '/';
        let gate: Gate;
        if (threads) {
          const caller = ctx.caller ?? 'anonymous';
          gate = {
            decide: () => {
              throw new Error('the server decides on its gate threads (decideAsync)');
            },
            decideAsync: (i) => threads.decide(caller, workspace, { ...i, sessionRisk }),
          };
        } else {
          const { createGate } = await import('../gate/fast.js');
          const loaded = await createGate({ policy: resolved, workspace, deferParser: true });
          gate = {
            decide: (i) => loaded.decide({ ...i, sessionRisk }),
            decideAsync: (i) => loaded.decideAsync({ ...i, sessionRisk }),
          };
        }
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
  const layers = serverLayers(env);
  const resolved = await gate.loadPolicy(layers);
  policyAudit?.observe(await loadedLayers(layers), '/');
  return resolved;
}

/** The organisation's and the server user's policy files; never a project's (the requester controls it). */
function serverLayers(env: WardEnv): PolicyLayers {
  const { project: _requesterControlled, ...layers } = discoverPolicyLayers({
    workspace: '/nonexistent-ward-workspace',
    home: env.home,
  });
  return layers;
}
