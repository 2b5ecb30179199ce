import { createHash, randomUUID } from 'node:crypto';
import type {
  Approval,
  ApprovalDecisionInput,
  ApprovalRequestInput,
  ApprovalStatus,
  GrantRecord,
  GrantsQuery,
} from '../../schema/index.js';
import type { ApprovalResolution } from '../../store/index.js';
import { createApprovalLifecycle } from './approval-lifecycle.js';
import { createWrites } from './approval-writes.js';
import { createAskRate } from './ask-rate.js';
import { createGrantMaker } from './grant-maker.js';
import {
  type ApprovalServiceDeps,
  AuditPendingError,
  type Caller,
  type DecideResult,
  isFinal,
  MAX_PENDING_PER_TOKEN,
  ownedBy,
  RUNNER_LIST_BYTES,
  TooManyPending,
} from './service-types.js';
import { recordUnrecorded } from './unrecorded.js';

/**
 * The approval workflow: requests start pending with a deadline, an analyst approves or denies, the deadline
 * turns a pending request into `expired` (a deny). Every step goes to the audit chain and to agent_events,
 * and waiters in this process (long-poll, SSE) hear about it at once.
 */
export function createApprovalService(deps: ApprovalServiceDeps) {
  const { store } = deps;
  const pollMs = deps.pollMs ?? 500;
  const sweepMs = deps.sweepMs ?? 5_000;
  const {
    log,
    redact,
    changes,
    timers,
    lifetime,
    redacted,
    present,
    read,
    serverRisk,
    serialized,
    hold,
    waitHeld,
    shown,
    heldBefore,
    keepRecording,
    audited,
    eventRow,
    record,
    notStored,
    schedule,
    finished,
    pollWaited,
    sweep,
    onFinal,
  } = createApprovalLifecycle(deps);
  // Each token's pending count as this instance last read it from the store (only ever a hint: see create).
  const pendingSeen = new Map<string, number>();
  const notePending = (token: string, n: number) => {
    if (pendingSeen.size >= 10_000 && !pendingSeen.has(token)) pendingSeen.clear();
    pendingSeen.set(token, n);
  };
  const { createThenRecord, createAlongside, decideAlongside } = createWrites(store, {
    audited,
    eventRow,
    record,
    notStored,
    finished,
    present,
    keepRecording,
  });
  const askRate = createAskRate(deps.askRate, (c) => {
    const record = {
      actor: c.name,
      action: 'approval.rate-limited',
      target: c.id,
      details: { ...askRate.rate },
    };
    store.audit
      .append(record)
      .catch((err: unknown) => log(`audit of a token asking too often: ${String(err)}`));
  });
  const grants = createGrantMaker({
    store,
    redact,
    ...(deps.grantRule ? { rule: deps.grantRule } : {}),
    ...(deps.riskOf ? { riskOf: deps.riskOf } : {}),
  });

  return {
    /** A new pending request by `caller` (its token id is kept: separation of duties and visibility). */
    async create(input: ApprovalRequestInput, caller: Caller): Promise<Approval> {
      await askRate.admit(caller); // before anything is read or written
      // Counted in the store, not here: a runner hopping between instances gets no fresh allowance. The count
      // after the insert below is the one that decides; this one only spares a full token the writes, so it
      // is skipped while this instance's last count for the token left room.
      // With the embedded engine the check runs inside the token's turn instead (createAlongside).
      const seen = pendingSeen.get(caller.id);
      if (!store.approvals.soleWriter && (seen === undefined || seen >= MAX_PENDING_PER_TOKEN - 1)) {
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
      // Requests racing (on several instances, or past the skipped check above): the earliest keep the places.
      // Over the limit (several instances: requests racing past the check above): denied at once.
      const refuse = async () => {
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
      };
      const pending = store.approvals.soleWriter
        ? await createAlongside(approval, caller, {
            limit: MAX_PENDING_PER_TOKEN,
            noted: () => pendingSeen.get(caller.id),
            note: (n) => notePending(caller.id, n),
          })
        : await createThenRecord(approval, caller);
      notePending(caller.id, pending);
      if (pending > MAX_PENDING_PER_TOKEN) {
        await refuse();
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
      const want = limit ?? 100;
      // Held requests may be read back and left out below: asked for that many more, so a page is never short
      // for them (a short page would say where a held request's decision went).
      // A runner lists only its own requests, and at most 1 MiB of them: 32 lists at once of its own ~900 expired
      // 64 KB requests took `ward serve` to 4.8 GB (it reads a request by id; analysts keep the store's bound).
      const mine = requester ? { requester, maxBytes: RUNNER_LIST_BYTES } : {};
      const q = { status, limit: want + heldBefore().length, ...mine };
      let rows = await store.approvals.list(q);
      // A decision being stored with its audit record: listed only once its record is stored, as for get (read
      // again a few times while decisions land; then the last read's final rows wait for their records).
      const finalIds = () => rows.filter(isFinal).map((a) => a.id);
      for (let tries = 0; tries < 4 && (await waitHeld(finalIds())); tries++)
        rows = await store.approvals.list(q);
      await waitHeld(finalIds());
      // Still waiting for its record after that: listed as it was before the decision, under the status it had
      // then (a runner listing by status must not learn the decision from where its request appears).
      const listed = rows.map(shown).filter((a) => !status || a.status === status);
      const ids = new Set(listed.map((a) => a.id));
      for (const a of heldBefore())
        if (
          (!status || a.status === status) &&
          !ids.has(a.id) &&
          (!requester || a.requester_id === requester)
        )
          listed.push(a);
      listed.sort((x, y) => y.created_at.localeCompare(x.created_at) || y.id.localeCompare(x.id));
      return listed.slice(0, want).map(redacted);
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
        const change: ApprovalResolution = {
          status: input.decision === 'approve' ? 'approved' : 'denied',
          scope: input.scope,
          decided_by: decidedBy,
          decision_reason: redact(input.reason),
          decided_at: new Date().toISOString(),
        };
        const noGrantReason = plan && 'refused' in plan ? plan.refused : '';
        const granting = wanted && plan && 'prefix' in plan ? plan : null;
        // Until the runner may be told, reads of the request wait (its row can be stored before its record), and
        // then answer with the request as it was.
        const hold_ = hold(id, found && !isFinal(found.approval) ? found.approval : undefined);
        // Handed to keepRecording when the record is refused: the hold then lasts until the trail takes it.
        let handedOff = false;
        const keep = () => {
          handedOff = true;
        };
        const release = () => {
          if (!handedOff) hold_();
        };
        try {
          if (store.approvals.soleWriter && found && current && !isFinal(current) && !granting)
            return await decideAlongside(found, change, caller, noGrantReason, hold_, keep);
          const r = await store.approvals.decide(id, change, found);
          if (!r.ok) return r;
          // The waiting runner goes on once the decision and its audit record are stored; with a grant, once
          // the grant is too (its next call may rely on it). The event row and the analyst's answer follow.
          let told = false;
          const tell = () => {
            if (told) return;
            told = true;
            release();
            finished(r.approval);
          };
          const extra = { by_token: caller.id, ...(noGrantReason ? { no_grant_reason: noGrantReason } : {}) };
          let recorded = false;
          try {
            await record(r.approval, 'decided', decidedBy, extra, () => {
              recorded = true;
              if (!granting) tell();
            });
            const grant = wanted && granting ? await grants.create(r.approval, granting, wanted) : null;
            return { ok: true, approval: present(r.approval), grant, noGrantReason };
          } catch (err) {
            // The decision stands but its record was refused: this instance's runners are not told until it is
            // (with a grant too: its grant is then not made, and the approval counts once).
            if (!recorded) {
              keep();
              told = true;
              keepRecording(r.approval, decidedBy, extra, hold_, () => {
                finished(r.approval);
                eventRow(r.approval, 'decided').catch(() => {});
              });
              throw new AuditPendingError(err);
            }
            throw err;
          } finally {
            tell();
          }
        } finally {
          release();
        }
      });
    },

    /** Live grants of this session and of this project; a runner gets only those made from its own requests. */
    async grants(q: GrantsQuery, caller?: Pick<Caller, 'id' | 'role'>): Promise<GrantRecord[]> {
      const requester = caller && ownedBy(caller);
      const found = await store.grants.active({ ...q, ...(requester !== undefined ? { requester } : {}) });
      const signGrant = deps.signGrant;
      if (!signGrant) return found;
      // Signed with the time it is served: a runner refuses a list kept from before a revocation.
      const served_at = new Date().toISOString();
      return found.map((g) => ({ ...g, served_at, signature: signGrant({ ...g, served_at }) }));
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

    /**
     * Expires every overdue request and schedules the deadlines of the pending ones (run at startup), after
     * recording the decisions whose record never reached the trail.
     */
    async start(): Promise<number> {
      const late = await recordUnrecorded(store, { hold, audited, keepRecording, finished });
      if (late) log(`recorded ${late} approval decision(s) whose audit record was missing after a restart`);
      const expired = await sweep();
      for (const a of await store.approvals.list({ status: 'pending', limit: 10_000, maxBytes: Infinity }))
        schedule(a);
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
/** The approval service as created by createApprovalService. */
export type ApprovalService = ReturnType<typeof createApprovalService>;
