import { type GateDecision, secretReadOf, strictest } from '../gate/fast.js';
import type { RiskReason } from '../schema/index.js';
import type { WardEnv } from './env.js';

/** What the server knows of a session, as the gate takes it (GateInput's session fields). */
export interface SessionSignals {
  sessionRisk?: number;
  riskUnknown?: string;
  readEarlier?: string;
}

/**
 * The server's answer: the signals, and whether it remembered this call's secret read itself (null: it was not
 * asked, or did not answer).
 */
export interface Answered {
  signals: SessionSignals;
  noted: boolean | null;
  /** The server's own decision of the call (its policy, the session, its grants): the hook's floor. */
  floor?: Floor;
}

/** A decision as the server answers it (its reasons cut to what the hook shows). */
export interface Floor {
  decision: 'allow' | 'ask' | 'deny';
  risk: number;
  reasons: RiskReason[];
}

/**
 * The hook's decision, made at least as strict as the server's: the user's and project's policy files are the
 * agent's to write (a script can), the server's are not. A stricter floor brings its reasons; what a human may
 * then allow is not offered as a standing grant.
 */
export function atLeast<D extends Pick<GateDecision, 'decision' | 'risk' | 'reasons' | 'grantable'>>(
  d: D,
  floor: Floor | undefined,
): D {
  if (!floor || strictest(d.decision, floor.decision) === d.decision) return d;
  const reasons = floor.reasons.map((r) => ({ ...r, detail: `the Ward server: ${r.detail}` }));
  return {
    ...d,
    decision: floor.decision,
    risk: Math.max(d.risk, floor.risk),
    reasons: [...d.reasons, ...reasons],
    grantable: false,
  };
}

/** The server's answer is cut here: it is only ever a number and two short sentences. */
const MAX_ANSWER_BYTES = 16 * 1024;
const MAX_TEXT = 1_000;

/**
 * One `ward hook` call's exchange with the server: the session's signals asked for at once; then, once the
 * hook has answered, the secret its own gate found the call read when the server's gate did not see it.
 */
export function askServer(o: { server: string; token: string; agent: string; input: string }, env: WardEnv) {
  const answered = fetchSessionSignals(o, env);
  let got: Answered | undefined;
  let read: string | null = null;
  return {
    /**
     * The signals for the hook's gate, once the server has answered (or failed to); throws when it refused the
     * call (the hook denies). Every decision after this is held to the server's (`decided`).
     */
    async signals(): Promise<SessionSignals> {
      const a = await answered;
      if ('deny' in a) throw new Error(`the Ward server refused the call: ${a.deny}`);
      got = a;
      return a.signals;
    },
    /** One decision of the hook's gate for this call, made at least as strict as the server's. */
    decided<D extends Pick<GateDecision, 'decision' | 'risk' | 'reasons' | 'grantable'>>(d: D): D {
      // Before the signals were read there is nothing to hold it to, and nothing may be decided: deny.
      const out = got ? atLeast(d, got.floor) : { ...d, decision: 'deny' as const, grantable: false };
      read = out.decision === 'deny' ? null : secretReadOf(out.reasons);
      return out;
    },
    /** After the hook's answer: a read that ran (or may, once a human allows it) and the server missed. */
    async finish(answer: string | undefined): Promise<void> {
      if (!got || read === null || answer === undefined || answer === 'deny' || got.noted !== false) return;
      await reportSecretRead({ ...o, what: read });
    },
  };
}

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
): Promise<Answered | { deny: string }> {
  const unknown = (why: string): Answered => ({
    signals: { riskUnknown: `the Ward server could not tell this session's risk (${why.slice(0, 300)})` },
    noted: null,
  });
  const trust = await import('./decision-key.js');
  const insecure = trust.insecureServerProblem(o.server, env);
  if (insecure) return unknown(insecure);
  let text: string;
  try {
    const url = new URL(`/api/hooks/${encodeURIComponent(o.agent)}?signals=1`, o.server);
    const answer = await post(url, o.token, o.input, o.timeoutMs ?? 10_000);
    if (answer.status !== 200) return unknown(`HTTP ${answer.status}`);
    if (answer.text === null) return unknown('its answer is too long');
    text = answer.text;
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

function readAnswer(body: unknown): Answered | { deny: string } | null {
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
  const floor = floorOf(b.verdict);
  // No decision of its own (an older server, a proxy that cut it): nothing holds the hook's policy, which the
  // agent can write, so what it would allow asks.
  const why = unknownWhy ?? (floor ? undefined : 'the Ward server gave no decision of its own for this call');
  return {
    signals: {
      sessionRisk,
      ...(why ? { riskUnknown: why } : {}),
      ...(earlier ? { readEarlier: earlier } : {}),
    },
    noted: b.noted === true,
    ...(floor ? { floor } : {}),
  };
}

/** The server's decision in its answer, checked field by field (anything else is no floor). */
function floorOf(v: unknown): Floor | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const { decision, risk, reasons } = v as Record<string, unknown>;
  if (decision !== 'allow' && decision !== 'ask' && decision !== 'deny') return undefined;
  const text = (x: unknown, max: number) => (typeof x === 'string' ? x.slice(0, max) : '');
  const list = Array.isArray(reasons) ? reasons.slice(0, 8) : [];
  return {
    decision,
    risk: typeof risk === 'number' && risk >= 0 && risk <= 1 ? risk : 0,
    reasons: list
      .filter((r): r is Record<string, unknown> => !!r && typeof r === 'object')
      .map((r) => ({
        rule_id: text(r.rule_id, 120),
        category: text(r.category, 60),
        attack_id: text(r.attack_id, 20),
        detail: text(r.detail, 300),
      })),
  };
}

/**
 * Tells the server (`?read=1`) the secret the hook's own gate found this call read, when the server's gate did
 * not see it (a symlink, `~`, a search of the agent's home: paths only the agent's machine resolves). Its later
 * sends then ask there too. Best effort, bounded: a failure leaves it to the analyzer.
 */
export async function reportSecretRead(o: {
  server: string;
  token: string;
  agent: string;
  input: string;
  what: string;
  timeoutMs?: number;
}): Promise<void> {
  const url = new URL(`/api/hooks/${encodeURIComponent(o.agent)}?read=1`, o.server);
  await post(url, o.token, o.input, o.timeoutMs ?? 3_000, encodeURIComponent(o.what.slice(0, 240))).catch(
    () => {},
  );
}

/** The reason of a deny in any agent's hook format (the server refused the call before deciding it), or null. */
function deniedBecause(b: Record<string, unknown>): string | null {
  const claude = b.hookSpecificOutput as Record<string, unknown> | undefined;
  if (claude && typeof claude === 'object' && claude.permissionDecision === 'deny')
    return String(claude.permissionDecisionReason ?? 'denied by the Ward server').slice(0, MAX_TEXT);
  if (b.decision === 'deny') return String(b.reason ?? 'denied by the Ward server').slice(0, MAX_TEXT);
  return null;
}

/**
 * One POST with node:http(s), not fetch: loading fetch costs a cold hook ~20 ms, node:http ~8. The answer's
 * text, or null past MAX_ANSWER_BYTES (read no further: a server cannot make the hook hold more).
 */
async function post(
  url: URL,
  token: string,
  body: string,
  timeoutMs: number,
  read?: string,
): Promise<{ status: number; text: string | null }> {
  const lib = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          connection: 'close',
          ...(read ? { 'x-ward-read': read } : {}),
        },
        // The whole exchange, not only a silent socket: a server trickling bytes is cut off too.
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            resolve({ status: res.statusCode ?? 0, text: null });
            res.destroy();
          } else chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('the answer was cut off')));
      },
    );
    // A server that switches protocols would leave the request unsettled (node drops the socket): no answer.
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      reject(new Error('the server switched protocols'));
    });
    req.on('error', reject);
    req.end(body);
  });
}
