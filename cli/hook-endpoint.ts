import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { HookDecider, SharedReads } from '../collector/index.js';
import {
  analysisBudgetMs,
  createReadMemory,
  discoverPolicyLayers,
  type Gate,
  type GateDecision,
  type PolicyLayers,
  type ReadMemoryOptions,
  type ResolvedPolicy,
  secretReadOf,
} from '../gate/fast.js';
import { inert } from '../schema/fast.js';
import type { SessionRead } from '../store/index.js';
import type { WardEnv } from './env.js';
import { createGateThreads, gateThreadScript } from './gate-threads.js';
import type { LoadedLayer, PolicyAudit } from './policy-audit.js';

/** The longest session id a read is remembered under (the normalizer bounds stored ids the same way). */
const MAX_SESSION_KEY = 256;
/** Reads loaded from the store when the first hook call comes (the memory's own bound). */
const WARM_READS = 20_000;

/**
 * The key a session's reads are remembered and stored under: bounded, and well-formed (a lone surrogate, or a pair
 * the bound cuts in half, would be stored as U+FFFD and found under another key after a restart).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
function sessionKey(id: string): string {
  return id.slice(0, MAX_SESSION_KEY).replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * The server's hook decisions (POST /api/hooks/:agent): the same gate and answer as `ward hook`, with the
 * approval service in-process for `?wait=1`. Policy: only the server's own layers — the organisation file
 * (/etc/ward/policy.yaml) and the server user's ~/.ward/policy.yaml — loaded once. The `cwd` a caller sends
 * is only the workspace the command is analysed against: the server never reads a file under a path the
 * caller names (a caller could otherwise point it at any file on the server, or at a policy it wrote to
 * relax its own gate). A project's .ward/policy.yaml applies where the agent runs (`ward hook`, `ward exec`).
 */
export function createServerHookDecider(
  env: WardEnv,
  policyAudit?: PolicyAudit,
  layers: PolicyLayers = serverLayers(env),
  /** The bounds of the memory of secrets read (read-memory.ts defaults). */
  readMemory: ReadMemoryOptions = {},
): HookDecider {
  let policy: Promise<ResolvedPolicy> | undefined;
  // Decisions run on threads of their own (gate-threads.ts): never on the event loop approvals share, one
  // caller at a time in turn, a thread past its deadline ended. Without a built thread (sources without a
  // build), in this thread.
  const script = gateThreadScript();
  const threads = script
    ? createGateThreads({
        script,
        layers,
        deadlineMs: (chars) => 2 * analysisBudgetMs(chars) + 2_000,
      })
    : undefined;
  // The secrets each session read lately: a later call of the session that sends anything out asks at once,
  // before the analyzer has scored the read (read-then-send.ts).
  const reads = createReadMemory(readMemory);
  // The store's copy (store/session-reads.ts): loaded into memory once, for the reads noted before a restart;
  // looked up on a miss when other instances note reads too.
  let warmed: Promise<void> | undefined;
  const sharedEarlier = async (
    shared: SharedReads,
    caller: string,
    session: string,
  ): Promise<string | undefined> => {
    try {
      // A stored read may stand for repeats not stored after it (once per `repeatMs`): counted as that much newer.
      const restore = (r: SessionRead) => reads.note(r.caller, r.session_id, r.what, r.atMs, shared.repeatMs);
      const since = () => Date.now() - reads.windowMs - shared.repeatMs;
      warmed ??= shared.since(since(), WARM_READS).then((rs) => {
        for (const r of rs) restore(r);
      });
      await warmed.catch((err: unknown) => {
        warmed = undefined; // tried again on the next call
        throw err;
      });
      if (shared.shared) {
        const r = await shared.latest(session, Date.now() - reads.windowMs - shared.repeatMs);
        if (r) restore(r);
      }
      return reads.earlier(caller, session);
    } catch {
      // Fail closed: a read noted elsewhere may be missed.
      return 'may have read a secret: the reads noted by other instances (or before a restart) could not be checked';
    }
  };
  const decider: HookDecider = async (agent, body, ctx) => {
    const hooks = await import('../sandbox-runner/fast.js');
    if (ctx.refuse) return hooks.formatFor(agent)({ decision: 'deny', reason: `Ward: ${ctx.refuse}` }) ?? {};
    // answerHookCall never throws; the guard stays because an error answer (5xx) lets the agent go ahead.
    try {
      if (ctx.readNote !== undefined) return await readCall(hooks, body, ctx);
      if (ctx.signalsOnly) return await signalsCall(hooks, body, ctx);
      return (await answerCall(hooks, agent, body, ctx)) ?? {};
    } catch (err) {
      const reason = `Ward: ${err instanceof Error ? err.message : String(err)}`;
      return hooks.formatFor(agent)({ decision: 'deny', reason }) ?? {};
    }
  };
  return Object.assign(decider, { close: async () => threads?.close() });

  type Hooks = typeof import('../sandbox-runner/fast.js');
  type Ctx = Parameters<HookDecider>[2];
  type Input = import('../sandbox-runner/fast.js').PreToolUseInput;

  /**
   * The gate for one call with what the server knows of its session: the analyzer's risk (above the policy's
   * escalation threshold, allow becomes ask), whether it is behind, and a secret the session read lately
   * (remembered here: the analyzer scores it seconds later); `signals`, those as the caller may read them.
   * `note()` remembers what this call read of secrets, once decided (nothing, or it was denied: false).
   */
  async function prepare(input: Input, ctx: Ctx) {
    policy ??= serverPolicy(env, policyAudit, layers);
    policy.catch(() => {
      policy = undefined; // a broken server policy is retried on the next call (each call denies meanwhile)
    });
    const resolved = await policy;
    const caller = ctx.caller ?? 'anonymous';
    const session = sessionKey(input.session_id);
    // An empty session id is a session too: a read under it makes its sends ask.
    const earlier =
      reads.earlier(caller, session) ??
      (ctx.sharedReads ? await sharedEarlier(ctx.sharedReads, caller, session) : undefined);
    const known = {
      ...(ctx.riskUnknown ? { riskUnknown: ctx.riskUnknown } : {}),
      ...(earlier ? { readEarlier: earlier } : {}),
    };
    // The gate decides on the whole session's risk; the caller reads what it may of it (its own part of a session
    // other tokens sent into), and the gate's reasons then do not tell the whole number.
    const withheld = ctx.riskShown !== undefined;
    const signals = {
      sessionRisk: ctx.sessionRisk ?? 0,
      ...(withheld ? { riskWithheld: true } : {}),
      ...known,
    };
    const shown = { sessionRisk: ctx.riskShown ?? ctx.sessionRisk ?? 0, ...known };
    let read: string | null = null;
    const seen = (d: GateDecision) => {
      read = d.decision === 'deny' ? null : secretReadOf(d.reasons);
      return d;
    };
    const workspace = input.cwd || '/';
    let gate: Gate;
    if (threads) {
      gate = {
        decide: () => {
          throw new Error('the server decides on its gate threads (decideAsync)');
        },
        decideAsync: async (i) => seen(await threads.decide(caller, workspace, { ...i, ...signals })),
      };
    } else {
      const { createGate } = await import('../gate/fast.js');
      const loaded = await createGate({ policy: resolved, workspace, deferParser: true });
      gate = {
        decide: (i) => seen(loaded.decide({ ...i, ...signals })),
        decideAsync: async (i) => seen(await loaded.decideAsync({ ...i, ...signals })),
      };
    }
    /** Remembers this call's secret read, if it had one (true then), here and in the store. */
    const note = (): Promise<boolean> => {
      if (read === null) return Promise.resolve(false);
      return remember(ctx, caller, session, read).then(() => true);
    };
    return { gate, signals: shown, autoApprove: resolved.hooks.autoApprove, note };
  }

  /** Notes a read in memory, and in the store before the answer goes out (the next call may reach another instance). */
  async function remember(ctx: Ctx, caller: string, session: string, read: string): Promise<void> {
    const atMs = Date.now();
    // Shown again in later reasons: control and format characters as escapes. Not cut here: the store's copy is
    // redacted first (a cut could leave half a secret the patterns no longer see), and the memory cuts its own.
    const what = inert(read);
    reads.note(caller, session, what, atMs);
    // Not stored: this instance still holds it; another one may miss it (see docs/scale.md).
    await ctx.sharedReads?.note({ session_id: session, caller, atMs, what }).catch(() => {});
  }

  async function answerCall(hooks: Hooks, agent: Parameters<HookDecider>[0], body: unknown, ctx: Ctx) {
    let note = (): Promise<boolean> => Promise.resolve(false);
    let noted: Promise<boolean> = Promise.resolve(false);
    const answer = await hooks.answerHookCall(agent, body ?? '', {
      loadGate: async (input) => {
        const p = await prepare(input, ctx);
        note = p.note;
        return { decide: hooks.hookDecider(p.gate), autoApprove: p.autoApprove };
      },
      wait: ctx.wait,
      approvals: ctx.approvals,
      waitMs: ctx.waitMs,
      onDecided: ({ input, request, answer }) => {
        // A read the gate allowed or asked about (a human may let it run) counts from now; a denied one never ran.
        if (answer.decision !== 'deny') noted = note();
        ctx.record?.(seenOf(input, request, answer));
      },
    });
    await noted;
    return answer;
  }

  /**
   * For `ward hook` on the agent's machine (`?signals=1`): what the server knows of the call's session, for
   * the hook's own gate (which has the project's policy), taken before this call counts; and the server's own
   * decision of the call (`verdict`), which the hook may only make stricter. It also records the call and
   * remembers what it read (an ask may be approved there).
   */
  async function signalsCall(hooks: Hooks, body: unknown, ctx: Ctx): Promise<Record<string, unknown>> {
    const parsed = hooks.parseHookInput(body ?? '');
    if (!parsed.ok) throw new Error(parsed.reason);
    const { input } = parsed;
    if (input.hook_event_name !== 'PreToolUse' && input.hook_event_name !== 'BeforeTool')
      return { signals: { sessionRisk: 0 } };
    const p = await prepare(input, ctx);
    const request = hooks.toToolRequest(input);
    // The server's own decision, with its policy, the session's signals and its grants: the floor under the
    // hook's (whose user and project policy files the agent can write).
    const verdict = await hooks.decideWithGrants(
      (g) => hooks.hookDecider(p.gate)(request, g),
      () => ctx.approvals.grants({ session: request.session, project: request.cwd }),
    );
    const noted = verdict.decision !== 'deny' && (await p.note());
    ctx.record?.(seenOf(input, request, { decision: verdict.decision, reason: summary(verdict) }));
    const reasons = verdict.reasons.slice(0, 8).map((r) => ({ ...r, detail: r.detail.slice(0, 300) }));
    return {
      signals: p.signals,
      noted,
      verdict: { decision: verdict.decision, risk: verdict.risk, reasons },
    };
  }

  /**
   * `?read=1` (`ward hook`, after deciding a call `?signals=1` did not see as a secret read): the secret the
   * hook's own gate found it read (through a symlink, `~`, the agent's home: what only the agent's machine
   * resolves). Remembered for the session as the server's own reads are; it can only make later sends ask.
   */
  async function readCall(hooks: Hooks, body: unknown, ctx: Ctx): Promise<Record<string, unknown>> {
    const parsed = hooks.parseHookInput(body ?? '');
    if (!parsed.ok) throw new Error(parsed.reason);
    // Shown later in a reason: control and format characters shown as escapes (the header is percent-decoded).
    const what = inert((ctx.readNote ?? '').slice(0, 240));
    if (what === '') throw new Error('no read to note');
    await remember(
      ctx,
      ctx.caller ?? 'anonymous',
      sessionKey(parsed.input.session_id),
      `${what} (the hook's)`,
    );
    return { noted: true };
  }
}

type HookCallSeen = Parameters<NonNullable<Parameters<HookDecider>[2]['record']>>[0];

function seenOf(
  input: import('../sandbox-runner/fast.js').PreToolUseInput,
  request: import('../sandbox-runner/fast.js').ToolRequest,
  answer: { decision: HookCallSeen['decision']; reason: string },
): HookCallSeen {
  return {
    session: input.session_id,
    tool: input.tool_name,
    command: request.command ?? '',
    toolInput: request.toolInput,
    cwd: request.cwd,
    callId: input.tool_use_id ?? '',
    decision: answer.decision,
    reason: answer.reason,
  };
}

/** The server's own decision of a call `ward hook` decides, as its recorded reason says it. */
function summary(v: { decision: string; risk: number; reasons: readonly { detail: string }[] }): string {
  const why = v.reasons.map((r) => r.detail).join('; ');
  return `Ward (the server's view, for ward hook): ${v.decision}, risk ${v.risk.toFixed(2)}${why ? `: ${why}` : ''}`;
}

/**
 * The server's own policy: the organisation layer and the server user's ~/.ward/policy.yaml, never a
 * project's (the requester controls its workspace). Used for hook decisions and approval risk scores.
 */
export async function serverPolicy(
  env: WardEnv,
  policyAudit?: PolicyAudit,
  layers: PolicyLayers = serverLayers(env),
): Promise<ResolvedPolicy> {
  const gate = await import('../gate/fast.js');
  const resolved = await gate.loadPolicy(layers);
  policyAudit?.observe(textLayers(layers), '/');
  return resolved;
}

/**
 * The organisation's and the server user's policy files, never a project's (the requester controls it), with
 * their text read now and never again: `ward serve` (and every gate thread it starts or replaces) keeps the
 * policy it started with. An agent running as the server's user could otherwise edit ~/.ward/policy.yaml and
 * have a new thread, or the first hook call after a restart, load it (a swap between two reads took 5 of 43
 * decisions into autonomous mode).
 */
export function serverLayers(env: WardEnv): PolicyLayers {
  const { project: _requesterControlled, ...paths } = discoverPolicyLayers({
    workspace: '/nonexistent-ward-workspace',
    home: env.home,
  });
  const read = (path: string | undefined) => {
    if (!path) return null;
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  };
  return { ...paths, texts: { org: read(paths.org), user: read(paths.user) } };
}

/** What `policy.loaded` records: each layer file's path and the SHA-256 of the text the server loaded. */
function textLayers(layers: PolicyLayers): LoadedLayer[] {
  const out: LoadedLayer[] = [];
  for (const layer of ['org', 'user'] as const) {
    const path = layers[layer];
    const text = layers.texts?.[layer];
    if (!path) continue;
    out.push({
      layer,
      path,
      sha256: text == null ? 'unreadable' : createHash('sha256').update(text, 'utf8').digest('hex'),
    });
  }
  return out;
}
