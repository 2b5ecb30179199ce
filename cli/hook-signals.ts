import type { WardEnv } from './env.js';

/** What the server knows of a session, as the gate takes it (GateInput's session fields). */
export interface SessionSignals {
  sessionRisk?: number;
  riskUnknown?: string;
  readEarlier?: string;
}

/** The server's answer is cut here: it is only ever a number and two short sentences. */
const MAX_ANSWER_BYTES = 16 * 1024;
const MAX_TEXT = 1_000;

/**
 * `ward hook` with a server and a runner token: asks the server (`POST /api/hooks/:agent?signals=1`, the same
 * hook input) what it knows of the call's session — the analyzer's risk, whether it is behind the session, a
 * secret the session read lately — and the server records the call. The hook's own gate (with the project's
 * policy) then decides with them. Fail closed: an unreachable, slow, refusing or garbled server is a risk
 * not known (the gate asks for what it would allow); a server that denies the call (a revoked token, one over
 * its limits) is `{deny}`.
 */
export async function fetchSessionSignals(
  o: { server: string; token: string; agent: string; input: string; timeoutMs?: number },
  env: WardEnv,
): Promise<SessionSignals | { deny: string }> {
  const unknown = (why: string): SessionSignals => ({
    riskUnknown: `the Ward server could not tell this session's risk (${why.slice(0, 300)})`,
  });
  const trust = await import('./decision-key.js');
  const insecure = trust.insecureServerProblem(o.server, env);
  if (insecure) return unknown(insecure);
  let text: string;
  try {
    const url = new URL(`/api/hooks/${encodeURIComponent(o.agent)}?signals=1`, o.server);
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
      body: o.input,
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
    if (!res.ok) {
      await res.body?.cancel();
      return unknown(`HTTP ${res.status}`);
    }
    const read = await readCapped(res, MAX_ANSWER_BYTES);
    if (read === null) return unknown('its answer is too long');
    text = read;
  } catch (err) {
    return unknown(err instanceof Error ? err.message : String(err));
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return unknown('its answer is not JSON');
  }
  return readAnswer(body) ?? unknown('its answer has no session signals');
}

function readAnswer(body: unknown): SessionSignals | { deny: string } | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  const deny = deniedBecause(b);
  if (deny !== null) return { deny };
  const s = b.signals;
  if (!s || typeof s !== 'object') return null;
  const { sessionRisk, riskUnknown, readEarlier } = s as Record<string, unknown>;
  // A risk that is not a number in 0..1 is not a low risk: the gate counts a non-finite one as unknown.
  if (typeof sessionRisk !== 'number' || !(sessionRisk >= 0 && sessionRisk <= 1)) return null;
  const text = (x: unknown) => (typeof x === 'string' && x !== '' ? x.slice(0, MAX_TEXT) : undefined);
  const unknownWhy = text(riskUnknown);
  const earlier = text(readEarlier);
  return {
    sessionRisk,
    ...(unknownWhy ? { riskUnknown: unknownWhy } : {}),
    ...(earlier ? { readEarlier: earlier } : {}),
  };
}

/** The reason of a deny in any agent's hook format (the server refused the call before deciding it), or null. */
function deniedBecause(b: Record<string, unknown>): string | null {
  const claude = b.hookSpecificOutput as Record<string, unknown> | undefined;
  if (claude && typeof claude === 'object' && claude.permissionDecision === 'deny')
    return String(claude.permissionDecisionReason ?? 'denied by the Ward server').slice(0, MAX_TEXT);
  if (b.decision === 'deny') return String(b.reason ?? 'denied by the Ward server').slice(0, MAX_TEXT);
  return null;
}

/** The body as text, or null past `max` bytes (read no further: a server cannot make the hook hold more). */
async function readCapped(res: Response, max: number): Promise<string | null> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) {
      await res.body.cancel().catch(() => {});
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
