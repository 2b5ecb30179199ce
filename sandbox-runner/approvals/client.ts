import type { z } from 'zod';
import {
  Approval,
  type ApprovalPort,
  type ApprovalRequestInput,
  GrantList,
  type GrantRecord,
  type WaitOutcome,
} from '../../schema/index.js';
import { decisionProblem, grantProblem, parseDecisionKey, tokenIdOf } from './verify-decision.js';

export interface ApprovalClientOptions {
  /** Ward server base URL, e.g. http://127.0.0.1:4318 */
  server: string;
  /** Bearer token (runner role). */
  token?: string;
  fetch?: typeof fetch;
  /** Longest one long-poll is held by the server (s); the client re-polls until its own deadline. */
  pollS?: number;
  /** Consecutive network/5xx failures tolerated (with backoff) before the wait fails closed. */
  maxRetries?: number;
  retryDelayMs?: number;
  /**
   * The server's pinned Ed25519 decision key (PEM, <data>/decision-key.pub.pem; WARD_DECISION_KEY). With it,
   * an approval counts only when the server signed it for this request and this exact command: an answer
   * from anything else (a proxy, a spoofed server) is a deny.
   */
  decisionKey?: string;
}

/** A request the server refused or could not be reached for; `retryable` for network errors and 5xx. */
export class ApprovalClientError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ApprovalClientError';
  }
}

const APPROVAL = { schema: Approval, what: 'an approval' };
const GRANTS = { schema: GrantList, what: 'a grant list' };

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? err.message;
  }
  return String(err);
}

/**
 * The runner's side of the approval workflow: create a request, then long-poll until a human decides.
 * Fails closed: an unreachable server, an HTTP error or running out of time is a deny, with the reason.
 */
export function createApprovalClient(opts: ApprovalClientOptions): ApprovalClient {
  const base = opts.server.replace(/\/+$/, '');
  const doFetch = opts.fetch ?? fetch;
  const pollS = opts.pollS ?? 25;
  const maxRetries = opts.maxRetries ?? 3;
  const retryDelayMs = opts.retryDelayMs ?? 500;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const decisionKey = opts.decisionKey ? parseDecisionKey(opts.decisionKey) : undefined;
  // What each request this client made asked for, and when: a signed decision must name exactly it.
  const requested = new Map<string, { command: string; session: string; requestedAt: number }>();
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;

  async function call<T>(
    method: string,
    path: string,
    body: unknown,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    answer: { schema: z.ZodType<T>; what: string },
  ): Promise<T> {
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      if (signal?.aborted) throw new ApprovalClientError('the wait was cancelled', false);
      throw new ApprovalClientError(`cannot reach the Ward server at ${base} (${describe(err)})`, true);
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new ApprovalClientError(
        `the Ward server answered ${res.status}: ${message}`,
        res.status >= 500 || res.status === 429,
      );
    }
    const parsed = answer.schema.safeParse(
      (() => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return undefined;
        }
      })(),
    );
    if (!parsed.success)
      throw new ApprovalClientError(`the Ward server sent something that is not ${answer.what}`, false);
    return parsed.data;
  }

  const sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          resolve();
        },
        { once: true },
      );
    });

  return {
    server: base,
    /** Where a human decides this request (the API resource; the UI links to it). */
    urlFor: (id: string) => `${base}/api/approvals/${encodeURIComponent(id)}`,

    /** Creates a pending request. Throws ApprovalClientError: the caller must then refuse to run. */
    async request(input: z.input<typeof ApprovalRequestInput>): Promise<Approval> {
      const requestedAt = Date.now();
      const a = await call('POST', '/api/approvals', input, 15_000, undefined, APPROVAL);
      if (requested.size > 10_000) requested.clear();
      requested.set(a.id, { command: input.command, session: input.session_id, requestedAt });
      return a;
    },

    /** The live grants of this session and project (GET /api/grants). Throws ApprovalClientError. */
    async grants(q: { session: string; project: string }): Promise<GrantRecord[]> {
      const query = new URLSearchParams({ session: q.session, project: q.project });
      const grants = (await call('GET', `/api/grants?${query}`, undefined, 10_000, undefined, GRANTS)).grants;
      if (!decisionKey) return grants;
      // With a pinned key only grants the server signed for this token, session and project count.
      const expected = {
        ...q,
        requesterId: opts.token ? tokenIdOf(opts.token) : undefined,
        now: Date.now(),
      };
      return grants.filter((g) => grantProblem(g, expected, decisionKey) === null);
    },

    /** Waits until the request is approved, denied or expired, or `timeoutMs` passes (then: denied). */
    async waitForDecision(id: string, o: { timeoutMs: number; signal?: AbortSignal }): Promise<WaitOutcome> {
      const deadline = Date.now() + o.timeoutMs;
      let failures = 0;
      let last = '';
      for (;;) {
        const left = deadline - Date.now();
        if (o.signal?.aborted) return { status: 'denied', reason: 'the wait was cancelled' };
        if (left <= 0)
          return {
            status: 'denied',
            reason: `no decision within ${Math.round(o.timeoutMs / 1000)} s${last ? ` (last error: ${last})` : ''}`,
          };
        const holdS = Math.max(0, Math.min(pollS, left / 1000));
        try {
          const a = await call(
            'GET',
            `/api/approvals/${encodeURIComponent(id)}/wait?timeout_s=${holdS.toFixed(3)}`,
            undefined,
            holdS * 1000 + 10_000,
            o.signal,
            APPROVAL,
          );
          failures = 0;
          if (a.status === 'approved' && decisionKey) {
            const asked = requested.get(id);
            const problem =
              asked === undefined
                ? 'this client did not make the request, so it cannot check the decision'
                : decisionProblem(a, { id, ...asked }, decisionKey);
            if (problem) return { status: 'denied', reason: `not run: ${problem}` };
          }
          if (a.status === 'approved')
            return {
              status: 'approved',
              reason: a.decision_reason || `approved by ${a.decided_by}`,
              approval: a,
            };
          if (a.status === 'denied')
            return {
              status: 'denied',
              reason: a.decision_reason || `denied by ${a.decided_by}`,
              approval: a,
            };
          if (a.status === 'expired')
            return { status: 'expired', reason: 'nobody decided before the deadline', approval: a };
        } catch (err) {
          const e = err instanceof ApprovalClientError ? err : new ApprovalClientError(describe(err), false);
          if (!e.retryable || ++failures > maxRetries) return { status: 'denied', reason: e.message };
          last = e.message;
          await sleep(
            Math.min(retryDelayMs * 2 ** (failures - 1), Math.max(0, deadline - Date.now())),
            o.signal,
          );
        }
      }
    },
  };
}
/** The approval port over HTTP, with the server it talks to. */
export interface ApprovalClient extends ApprovalPort {
  server: string;
  request(input: z.input<typeof ApprovalRequestInput>): Promise<Approval>;
}
