import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  type Approval,
  type ApprovalDecisionInput,
  type ApprovalRequestInput,
  type ApprovalStatus,
  type GrantRecord,
  type GrantRule,
  type GrantsQuery,
  OWN_ROWS_ONLY,
  type SignedDecisionFields,
  type SignedGrantFields,
} from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import { type ApprovalStep, approvalEvent } from './approval-event.js';
import { createGrantMaker } from './grant-maker.js';

export interface ApprovalServiceDeps {
  store: Pick<Store, 'approvals' | 'audit' | 'events' | 'grants'>;
  /** Without it, an approval with scope session or project counts once and says so. */
  grantRule?: GrantRule;
  log?: (msg: string) => void;
  /** Redacts secrets from requester text (command, cwd, reasons) and decision reasons before they are stored. */
  redact?: (text: string) => string;
  /**
   * The server's own risk score for a command (the gate with the server's policy). The stored risk is the
   * higher of it and the runner's claim (a runner cannot play a command down to the analyst); a grant's
   * ceiling is the server's score alone (a runner cannot widen a grant). Without it, no grant is made.
   */
  riskOf?: (command: string) => Promise<number>;
  /** Signs a decided approval (the server's Ed25519 decision key); without it answers carry no signature. */
  signDecision?: (a: SignedDecisionFields) => string;
  /** Signs a grant as served (the same key); without it grants carry no signature. */
  signGrant?: (g: SignedGrantFields) => string;
  /** Longest a timer waits before re-checking (a clock jump or a far deadline; ms). */
  maxTimerMs?: number;
  /**
   * How often waiters on this instance re-read their requests from the store (ms, default 500): a decision
   * made on another instance behind the same load balancer reaches them within this bound. One query per
   * interval for all of this instance's waiters, none while nobody waits.
   */
  pollMs?: number;
  /** How often this instance expires overdue requests, whoever created them (ms, default 5000). */
  sweepMs?: number;
}

/** Result of a decision: the final approval and the grant it made (or why none), or why there is none. */
export type DecideResult =
  | { ok: true; approval: Approval; grant: GrantRecord | null; noGrantReason: string }
  | { ok: false; reason: 'unknown' | 'final' | 'own-request'; approval?: Approval };

/** The caller of a service method: the token's id, its name and role (see collector/middleware/auth.ts). */
export interface Caller {
  id: string;
  name: string;
  role: string;
}

/** Runners see only their own requests and grants (the token id to filter by); other readers see all. */
export function ownedBy(caller: Pick<Caller, 'id' | 'role'>): string | undefined {
  return (OWN_ROWS_ONLY as readonly string[]).includes(caller.role) ? caller.id : undefined;
}

export function isFinal(a: Pick<Approval, 'status'>): boolean {
  return a.status !== 'pending';
}

/**
 * The approval workflow: requests start pending with a deadline, an analyst approves or denies, the deadline
 * turns a pending request into `expired` (a deny). Every step goes to the audit chain and to agent_events,
 * and waiters in this process (long-poll, SSE) hear about it at once.
 */
/** Pending requests one token may hold at once: enough for any real agent, too few to bury a queue. */
export const MAX_PENDING_PER_TOKEN = 64;

/** Thrown by create when the caller already has MAX_PENDING_PER_TOKEN requests pending (the route: 429). */
export class TooManyPending extends Error {
  constructor(readonly limit: number) {
    super(`this token already has ${limit} approval requests pending: wait for decisions (or their expiry)`);
  }
}

export function createApprovalService(deps: ApprovalServiceDeps) {
  const { store } = deps;
  const log = deps.log ?? (() => {});
  const redact = deps.redact ?? ((s: string) => s);
  const maxTimerMs = deps.maxTimerMs ?? 60_000;
  const pollMs = deps.pollMs ?? 500;
  const sweepMs = deps.sweepMs ?? 5_000;
  // Local wake-ups for waiters (long-polls, SSE) of this instance; the store poll below covers the others.
  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  const timers = new Map<string, NodeJS.Timeout>();
  const locks = new Map<string, Promise<unknown>>();
  // Each token's pending count as this instance last read it from the store (only ever a hint: see create).
  const pendingSeen = new Map<string, number>();
  const notePending = (token: string, n: number) => {
    if (pendingSeen.size >= 10_000 && !pendingSeen.has(token)) pendingSeen.clear();
    pendingSeen.set(token, n);
  };
  const lifetime = new AbortController();
  const grants = createGrantMaker({
    store,
    redact,
    ...(deps.grantRule ? { rule: deps.grantRule } : {}),
    ...(deps.riskOf ? { riskOf: deps.riskOf } : {}),
  });

  /** Requester text redacted (rows written before redaction at rest are redacted again when read). */
  function redacted(a: Approval): Approval {
    return {
      ...a,
      command: redact(a.command),
      cwd: redact(a.cwd),
      decision_reason: redact(a.decision_reason),
      reasons: a.reasons.map((r) => ({ ...r, detail: redact(r.detail) })),
    };
  }
  /** As served: redacted, and signed once final (the signature covers the command digest, not the text). */
  function present(a: Approval): Approval {
    const r = redacted(a);
    if (!deps.signDecision || !isFinal(r)) return r;
    return {
      ...r,
      signature: deps.signDecision({
        id: r.id,
        status: r.status,
        scope: r.scope,
        decided_at: r.decided_at,
        command_sha256: r.command_sha256 ?? '',
        session_id: r.session_id,
      }),
    };
  }
  const read = async (id: string) => {
    const a = await store.approvals.get(id);
    return a && present(a);
  };

  async function serverRisk(command: string): Promise<number | undefined> {
    if (!deps.riskOf) return undefined;
    try {
      return await deps.riskOf(command);
    } catch (err) {
      log(`scoring an approval's command failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  /** Changes to one approval run one at a time (decide racing expiry must not both win). */
  function serialized<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const next = (locks.get(id) ?? Promise.resolve()).then(fn, fn);
    const tail = next.catch(() => {});
    locks.set(id, tail);
    void tail.then(() => {
      if (locks.get(id) === tail) locks.delete(id);
    });
    return next;
  }

  async function record(
    a: Approval,
    step: ApprovalStep,
    actor: string,
    extra: Record<string, string> = {},
  ): Promise<void> {
    const event = approvalEvent(redacted(a), step);
    await Promise.all([
      store.audit.append({
        actor,
        action: `approval.${step}`,
        target: a.id,
        details: {
          status: a.status,
          session_id: a.session_id,
          agent: a.agent,
          command: redact(a.command),
          risk: a.risk,
          rule_ids: a.reasons.map((r) => r.rule_id),
          scope: a.scope,
          reason: redact(a.decision_reason),
          ...extra,
        },
      }),
      store.events.insert([event]),
    ]);
  }

  function schedule(a: Approval): void {
    if (isFinal(a)) return;
    if (lifetime.signal.aborted) return;
    clearTimeout(timers.get(a.id));
    const delay = Math.max(0, Math.min(Date.parse(a.expires_at) - Date.now(), maxTimerMs));
    const timer = setTimeout(() => {
      timers.delete(a.id);
      expire(a.id).catch((err: unknown) => {
        log(
          `expiring approval ${a.id} failed, will retry: ${err instanceof Error ? err.message : String(err)}`,
        );
        schedule({ ...a, expires_at: new Date(Date.now() + 1000).toISOString() });
      });
    }, delay);
    timer.unref();
    timers.set(a.id, timer);
  }

  function finished(a: Approval): void {
    clearTimeout(timers.get(a.id));
    timers.delete(a.id);
    changes.emit(a.id, present(a));
  }

  /** Expires the request if it is still pending and its deadline has passed; reschedules it otherwise. */
  function expire(id: string): Promise<Approval | null> {
    return serialized(id, async () => {
      const current = await store.approvals.get(id);
      if (!current || isFinal(current)) return current;
      if (Date.parse(current.expires_at) > Date.now()) {
        schedule(current);
        return current;
      }
      const r = await store.approvals.expire(id);
      if (!r.ok) return r.approval ?? null;
      await record(r.approval, 'expired', 'system');
      finished(r.approval);
      return r.approval;
    });
  }

  /** Waiters of this instance hear of decisions and expiries made by other instances (one query a tick). */
  let polling = false;
  async function pollWaited(): Promise<void> {
    const ids = changes.eventNames().filter((n): n is string => typeof n === 'string');
    if (polling || ids.length === 0) return;
    polling = true;
    try {
      for (const a of await store.approvals.finalAmong(ids)) finished(a);
    } catch (err) {
      log(`re-reading waited approvals failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      polling = false;
    }
  }

  /** Expires overdue requests, also those whose instance went away (resolving once makes races harmless). */
  let sweeping = false;
  async function sweep(): Promise<number> {
    if (sweeping) return 0;
    sweeping = true;
    let expired = 0;
    try {
      for (const a of await store.approvals.overdue()) {
        const r = await expire(a.id);
        if (r?.status === 'expired') expired++;
      }
    } finally {
      sweeping = false;
    }
    return expired;
  }

  /** Calls `listener` with the approval when it becomes final. Returns the unsubscribe function. */
  function onFinal(id: string, listener: (a: Approval) => void): () => void {
    changes.on(id, listener);
    return () => changes.off(id, listener);
  }

  return {
    /** A new pending request by `caller` (its token id is kept: separation of duties and visibility). */
    async create(input: ApprovalRequestInput, caller: Caller): Promise<Approval> {
      // Counted in the store, not here: a runner hopping between instances gets no fresh allowance. The count
      // after the insert below is the one that decides; this one only spares a full token the writes, so it
      // is skipped while this instance's last count for the token left room.
      const seen = pendingSeen.get(caller.id);
      if (seen === undefined || seen >= MAX_PENDING_PER_TOKEN - 1) {
        const n = await store.approvals.pendingOf(caller.id);
        notePending(caller.id, n);
        if (n >= MAX_PENDING_PER_TOKEN) throw new TooManyPending(MAX_PENDING_PER_TOKEN);
      }
      const now = Date.now();
      const scored = await serverRisk(input.command);
      const approval: Approval = redacted({
        id: randomUUID(),
        created_at: new Date(now).toISOString(),
        expires_at: new Date(now + input.timeout_s * 1000).toISOString(),
        session_id: input.session_id,
        agent: input.agent,
        command: input.command,
        cwd: input.cwd,
        risk: Math.max(input.risk, scored ?? 0),
        command_sha256: createHash('sha256').update(input.command, 'utf8').digest('hex'),
        reasons: input.reasons,
        requested_by: caller.name,
        requester_id: caller.id,
        project: input.project,
        grantable: input.grantable,
        status: 'pending',
        scope: '',
        decided_by: '',
        decided_at: '',
        decision_reason: '',
      });
      await store.approvals.create(approval);
      // Requests racing (on several instances, or past the skipped check above): the earliest keep the places.
      const [, pending] = await Promise.all([
        record(approval, 'requested', caller.name, { by_token: caller.id }),
        store.approvals.pendingOf(caller.id, approval),
      ]);
      notePending(caller.id, pending);
      if (pending > MAX_PENDING_PER_TOKEN) {
        const r = await serialized(approval.id, () =>
          store.approvals.decide(approval.id, {
            status: 'denied',
            scope: '',
            decided_by: 'system',
            decision_reason: `over the limit of ${MAX_PENDING_PER_TOKEN} pending requests per token`,
          }),
        );
        if (r.ok) {
          await record(r.approval, 'decided', 'system', { by_token: caller.id });
          finished(r.approval);
        }
        throw new TooManyPending(MAX_PENDING_PER_TOKEN);
      }
      schedule(approval);
      return approval;
    },

    /** The request, or null when unknown or (for a runner) not its own: it learns nothing of others'. */
    async get(id: string, caller?: Pick<Caller, 'id' | 'role'>): Promise<Approval | null> {
      const a = await read(id);
      const owner = caller && ownedBy(caller);
      return a && (owner === undefined || a.requester_id === owner) ? a : null;
    },
    /**
     * Newest first; a runner gets only its own requests. Unsigned (a signature costs ~0.1 ms and a list may
     * hold a thousand): runners take decisions from a single approval's answer (get, wait, stream).
     */
    async list(status?: ApprovalStatus, limit?: number, caller?: Pick<Caller, 'id' | 'role'>) {
      const requester = caller && ownedBy(caller);
      const rows = await store.approvals.list({ status, limit, ...(requester ? { requester } : {}) });
      return rows.map(redacted);
    },

    /**
     * Approves or denies a pending request; `{ ok: false }` for an unknown or already final one. An approve
     * with scope session or project also makes a grant when the gate's rules allow one; otherwise it counts
     * once (the stored scope says `once`) and `noGrantReason` says why.
     */
    decide(id: string, input: ApprovalDecisionInput, caller: Caller): Promise<DecideResult> {
      const decidedBy = caller.name;
      return serialized(id, async () => {
        // One read serves the checks below and the conditional change (repo.decide would read it again).
        let found: Awaited<ReturnType<typeof store.approvals.getVersioned>> | undefined =
          await store.approvals.getVersioned(id);
        const current = found && present(found.approval);
        // Separation of duties: the credential that asked never answers, whatever its role.
        if (current && current.requester_id !== '' && current.requester_id === caller.id) {
          await store.audit.append({
            actor: caller.name,
            action: 'approval.self-decision-refused',
            target: id,
            details: { by_token: caller.id, decision: input.decision },
          });
          return { ok: false, reason: 'own-request', approval: current };
        }
        if (current && !isFinal(current) && Date.parse(current.expires_at) <= Date.now()) {
          // The deadline passed before the decision arrived: the request is expired, not decided.
          const expired = await store.approvals.expire(id);
          if (expired.ok) {
            await record(expired.approval, 'expired', 'system');
            finished(expired.approval);
            return { ok: false, reason: 'final', approval: expired.approval };
          }
          found = undefined; // changed meanwhile: decide reads it afresh
        }
        const wanted = input.decision === 'approve' && input.scope !== 'once' ? input.scope : null;
        const plan = wanted && current && !isFinal(current) ? await grants.plan(current, wanted) : null;
        // The scope stays what the analyst chose; without a grant the approval only ever covered this request.
        const r = await store.approvals.decide(
          id,
          {
            status: input.decision === 'approve' ? 'approved' : 'denied',
            scope: input.scope,
            decided_by: decidedBy,
            decision_reason: redact(input.reason),
          },
          found,
        );
        if (!r.ok) return r;
        const noGrantReason = plan && 'refused' in plan ? plan.refused : '';
        try {
          await record(r.approval, 'decided', decidedBy, {
            by_token: caller.id,
            ...(noGrantReason ? { no_grant_reason: noGrantReason } : {}),
          });
          const grant =
            wanted && plan && 'prefix' in plan ? await grants.create(r.approval, plan, wanted) : null;
          return { ok: true, approval: present(r.approval), grant, noGrantReason };
        } finally {
          finished(r.approval);
        }
      });
    },

    /** Live grants of this session and of this project; a runner gets only those made from its own requests. */
    async grants(q: GrantsQuery, caller?: Pick<Caller, 'id' | 'role'>): Promise<GrantRecord[]> {
      const requester = caller && ownedBy(caller);
      const found = await store.grants.active({ ...q, ...(requester !== undefined ? { requester } : {}) });
      const signGrant = deps.signGrant;
      return signGrant ? found.map((g) => ({ ...g, signature: signGrant(g) })) : found;
    },

    onFinal,

    /** How many waiters (long-polls, streams) this process holds for the request. */
    waiters: (id: string) => changes.listenerCount(id),

    /**
     * Resolves with the approval once it is final, or with its current state after `timeoutMs`
     * (null when unknown, or for a runner `caller` when not its own). An aborted signal ends the wait early.
     */
    async waitForFinal(
      id: string,
      timeoutMs: number,
      signal?: AbortSignal,
      caller?: Pick<Caller, 'id' | 'role'>,
    ): Promise<Approval | null> {
      let resolveChange: (a: Approval | undefined) => void = () => {};
      const changed = new Promise<Approval | undefined>((r) => {
        resolveChange = r;
      });
      // Subscribe before reading so a decision landing in between is not missed.
      const off = onFinal(id, (a) => resolveChange(a));
      const timer = setTimeout(() => resolveChange(undefined), timeoutMs);
      const onAbort = () => resolveChange(undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      lifetime.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const current = await read(id);
        const owner = caller && ownedBy(caller);
        // The same answer as for an unknown id: a runner learns nothing of others' requests.
        if (current && owner !== undefined && current.requester_id !== owner) return null;
        if (!current || isFinal(current) || timeoutMs <= 0) return current;
        const final = await changed;
        return final ?? (await read(id));
      } finally {
        off();
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        lifetime.signal.removeEventListener('abort', onAbort);
      }
    },

    /** Expires every overdue request and schedules the deadlines of the pending ones (run at startup). */
    async start(): Promise<number> {
      const expired = await sweep();
      for (const a of await store.approvals.list({ status: 'pending', limit: 10_000 })) schedule(a);
      if (expired)
        log(`expired ${expired} approval request(s) whose deadline passed while the server was down`);
      if (!lifetime.signal.aborted) {
        const poll = setInterval(() => void pollWaited(), pollMs);
        const sweeper = setInterval(() => {
          sweep().catch((err: unknown) =>
            log(`expiring overdue approvals failed: ${err instanceof Error ? err.message : String(err)}`),
          );
        }, sweepMs);
        poll.unref();
        sweeper.unref();
        lifetime.signal.addEventListener('abort', () => {
          clearInterval(poll);
          clearInterval(sweeper);
        });
      }
      return expired;
    },

    /** Aborted when the service closes: open streams end. */
    closed: lifetime.signal,

    close(): void {
      lifetime.abort();
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      changes.removeAllListeners();
    },
  };
}
export type ApprovalService = ReturnType<typeof createApprovalService>;
