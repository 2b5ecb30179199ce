/**
 * The interactive path as a new user meets it, over real HTTP: an approval round trip (the runner asks, an
 * analyst decides at once, the runner's long-poll returns) and a Claude Code hook round trip (POST to the
 * hook endpoint). Measured idle and while exporters saturate ingest, in the same run.
 */

export interface Tokens {
  runner: string;
  analyst: string;
}

export interface InteractiveSamples {
  /** From the runner's request to the moment its wait returns with the decision. */
  approvalMs: number[];
  /** The analyst's side of the same round trip: the decision request's own answer time. */
  decisionMs: number[];
  hookMs: number[];
  failures: Record<string, number>;
}

async function call(url: string, token: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${new URL(url).pathname}: HTTP ${res.status}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** A runner and an analyst token, minted with the admin token. */
export async function mintTokens(base: string, admin: string): Promise<Tokens> {
  const mint = async (role: string) =>
    (await call(`${base}/api/tokens`, admin, { method: 'POST', body: { name: `bench ${role}`, role } }))
      .token as string;
  return { runner: await mint('runner'), analyst: await mint('analyst') };
}

let seq = 0;

/**
 * Runner asks → analyst decides → the waiting runner proceeds: the time from the runner's request until its
 * wait returns with the decision, and the analyst's decision request's own answer time.
 */
export async function approvalRoundTrip(
  base: string,
  t: Tokens,
): Promise<{ runner: number; analyst: number }> {
  const t0 = performance.now();
  const created = await call(`${base}/api/approvals`, t.runner, {
    method: 'POST',
    body: { session_id: `bench-${seq++}`, agent: 'codex', command: 'git push origin main', risk: 0.5 },
  });
  const id = created.id as string;
  let proceeded = 0;
  const waited = call(`${base}/api/approvals/${id}/wait?timeout_s=60`, t.runner).then((final) => {
    proceeded = performance.now();
    return final;
  });
  const t1 = performance.now();
  await call(`${base}/api/approvals/${id}/decision`, t.analyst, {
    method: 'POST',
    body: { decision: 'approve', scope: 'once' },
  });
  const analyst = performance.now() - t1;
  const final = await waited;
  if (final.status !== 'approved') throw new Error(`the runner saw ${String(final.status)}`);
  return { runner: proceeded - t0, analyst };
}

/** A Claude Code PreToolUse hook for an everyday command, as the agent's hook posts it. */
export async function hookRoundTrip(base: string, t: Tokens): Promise<number> {
  const t0 = performance.now();
  await call(`${base}/api/hooks/claude-code`, t.runner, {
    method: 'POST',
    body: {
      session_id: 'bench-hook',
      cwd: '/work/app',
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command: 'git status' },
    },
  });
  return performance.now() - t0;
}

/** Alternates the two round trips until `count` of each are done or `until()` says stop. */
export async function sampleInteractive(
  base: string,
  t: Tokens,
  opts: { count?: number; until?: () => boolean },
): Promise<InteractiveSamples> {
  const out: InteractiveSamples = { approvalMs: [], decisionMs: [], hookMs: [], failures: {} };
  const more = () =>
    opts.until ? !opts.until() : out.approvalMs.length + out.hookMs.length < 2 * (opts.count ?? 0);
  const failed = (name: string, err: unknown) => {
    const key = `${name}: ${err instanceof Error ? err.message : String(err)}`;
    out.failures[key] = (out.failures[key] ?? 0) + 1;
  };
  while (more()) {
    try {
      const { runner, analyst } = await approvalRoundTrip(base, t);
      out.approvalMs.push(runner);
      out.decisionMs.push(analyst);
    } catch (err) {
      failed('approval', err);
    }
    try {
      out.hookMs.push(await hookRoundTrip(base, t));
    } catch (err) {
      failed('hook', err);
    }
  }
  return out;
}

/**
 * Open-loop interactive traffic at a steady pace until `until()` says stop: a hook call every `hookEveryMs` and
 * an approval round trip every `approvalEveryMs`, each started on time whether or not the previous one has
 * returned (a slow answer does not slow the traffic down, so it cannot hide itself).
 */
export async function paceInteractive(
  base: string,
  t: Tokens,
  opts: { hookEveryMs: number; approvalEveryMs: number; until: () => boolean },
): Promise<InteractiveSamples> {
  const out: InteractiveSamples = { approvalMs: [], decisionMs: [], hookMs: [], failures: {} };
  const failed = (name: string, err: unknown) => {
    const key = `${name}: ${err instanceof Error ? err.message : String(err)}`;
    out.failures[key] = (out.failures[key] ?? 0) + 1;
  };
  const running = new Set<Promise<void>>();
  const start = (p: Promise<void>) => {
    running.add(p);
    void p.finally(() => running.delete(p));
  };
  const t0 = performance.now();
  let hooks = 0;
  let approvals = 0;
  while (!opts.until()) {
    const now = performance.now() - t0;
    if (now >= hooks * opts.hookEveryMs) {
      hooks++;
      start(
        hookRoundTrip(base, t).then(
          (ms) => void out.hookMs.push(ms),
          (err) => failed('hook', err),
        ),
      );
    }
    if (now >= approvals * opts.approvalEveryMs) {
      approvals++;
      start(
        approvalRoundTrip(base, t).then(
          ({ runner, analyst }) => {
            out.approvalMs.push(runner);
            out.decisionMs.push(analyst);
          },
          (err) => failed('approval', err),
        ),
      );
    }
    const next =
      Math.min(hooks * opts.hookEveryMs, approvals * opts.approvalEveryMs) - (performance.now() - t0);
    await new Promise((r) => setTimeout(r, Math.max(1, next)));
  }
  await Promise.all(running);
  return out;
}
