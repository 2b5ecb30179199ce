import { EventEmitter } from 'node:events';
import type { Approval } from '../../schema/index.js';
import { type ApprovalStep, approvalEvent } from './approval-event.js';
import { type ApprovalServiceDeps, isFinal } from './service-types.js';

/** The approval service's shared core: redaction, signing, audit records, per-id locks, deadlines, waiters. */
export function createApprovalLifecycle(deps: ApprovalServiceDeps) {
  const { store } = deps;
  const log = deps.log ?? (() => {});
  const redact = deps.redact ?? ((s: string) => s);
  const maxTimerMs = deps.maxTimerMs ?? 60_000;
  const HOLD_WAIT_MS = deps.holdWaitMs ?? 2_000;
  // Local wake-ups for waiters (long-polls, SSE) of this instance; the store poll below covers the others.
  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  const timers = new Map<string, NodeJS.Timeout>();
  const locks = new Map<string, Promise<unknown>>();
  const lifetime = new AbortController();

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
  // Requests whose decision is being stored with its audit record: their row may be readable before the record
  // is, so until the runner may be told, a read of one waits (at most HOLD_WAIT_MS) and then answers with the
  // request as it was before (`before`): no runner learns a decision the trail lacks.
  const held = new Map<string, { done: Promise<void>; before: Approval | undefined }>();
  /**
   * Reads of `id` wait until the returned function is called (decide calls it when it tells the runner). A hold
   * already standing (a decision whose record is still being appended) stays as it is, and only its owner ends
   * it: a second decide of the request must not lift it.
   */
  function hold(id: string, before?: Approval): () => void {
    if (held.has(id)) return () => {};
    let release: () => void = () => {};
    const done = new Promise<void>((r) => {
      release = r;
    });
    const h = { done, before };
    held.set(id, h);
    return () => {
      if (held.get(id) === h) held.delete(id);
      release();
    };
  }
  /** Waits for the hold on `id` at most HOLD_WAIT_MS: the hold still standing then, or undefined. */
  async function standingHold(id: string) {
    const h = held.get(id);
    if (!h) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      h.done.then(() => true),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), HOLD_WAIT_MS);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    return ended ? undefined : h;
  }
  /** Waits for the holds on any of `ids` (bounded); true when there was one (what was read meanwhile may be stale). */
  async function waitHeld(ids: readonly string[]): Promise<boolean> {
    const there = ids.filter((id) => held.has(id));
    if (there.length === 0) return false;
    await Promise.all(there.map(standingHold));
    return true;
  }
  /**
   * A request whose decision waits for its record, as a reader may see it: as it was, and past its deadline as
   * an undecided request would be by then (expired), so that its status says nothing of the decision.
   */
  function asBefore(before: Approval): Approval {
    return Date.parse(before.expires_at) <= Date.now() ? { ...before, status: 'expired' } : before;
  }
  /** A listed row as it may be shown: the request as it was before, while its decision waits for its record. */
  function shown(a: Approval): Approval {
    const before = isFinal(a) ? held.get(a.id)?.before : undefined;
    return before ? asBefore(before) : a;
  }
  /** The requests whose decision still waits for its record, as they may be shown. */
  function heldBefore(): Approval[] {
    return [...held.values()].flatMap((h) => (h.before ? [asBefore(h.before)] : []));
  }
  const read = async (id: string) => {
    const before = (await standingHold(id))?.before;
    if (before) return present(asBefore(before));
    const a = await store.approvals.get(id);
    // Read from the table while a decision was being stored: wait for its audit record as well.
    if (a && isFinal(a)) {
      const still = (await standingHold(id))?.before;
      if (still) return present(asBefore(still));
    }
    return a && present(a);
  };

  /**
   * A decision stored while its audit record was refused twice: it stands (the first final version is kept),
   * so its record is appended again in the background, with growing pauses, until the trail takes it. Until
   * then the runner is not told (reads answer with the request as it was); once recorded, it is.
   */
  function keepRecording(
    a: Approval,
    actor: string,
    extra: Record<string, string>,
    release: () => void,
    then: () => void,
  ): void {
    let pause = 1_000;
    const attempt = () => {
      if (lifetime.signal.aborted) return;
      audited(a, 'decided', actor, { ...extra, recorded_late: 'true' }).then(
        () => {
          release();
          then();
        },
        (err: unknown) => {
          log(
            `the audit record of approval ${a.id}'s decision is still refused (${err instanceof Error ? err.message : String(err)}); the runner is not told; retrying`,
          );
          pause = Math.min(pause * 2, 30_000);
          setTimeout(attempt, pause).unref();
        },
      );
    };
    setTimeout(attempt, pause).unref();
  }

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

  /** The step's audit record (the tamper-evident one). */
  async function audited(
    a: Approval,
    step: ApprovalStep | `${ApprovalStep}-not-stored`,
    actor: string,
    extra: Record<string, string> = {},
  ): Promise<void> {
    await store.audit.append({
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
    });
  }

  /** The step's agent_events row (the session's timeline). */
  function eventRow(a: Approval, step: ApprovalStep): Promise<void> {
    return store.events.insert([approvalEvent(redacted(a), step)]);
  }

  /**
   * The step's audit record and its agent_events row, written at once; a decision's event row only once its
   * record is stored (the session's timeline, which the analyzer scores and runners' risk reads, must not show
   * a decision the trail lacks). `onAudited` runs once the audit record is stored: the caller may let a waiting
   * runner go then.
   */
  async function record(
    a: Approval,
    step: ApprovalStep,
    actor: string,
    extra: Record<string, string> = {},
    onAudited?: () => void,
  ): Promise<void> {
    if (step === 'decided') {
      await audited(a, step, actor, extra);
      onAudited?.();
      await eventRow(a, step);
      return;
    }
    await Promise.all([audited(a, step, actor, extra).then(() => onAudited?.()), eventRow(a, step)]);
  }

  /**
   * After an audit record was written alongside a change that then failed to store: the trail says so. Best
   * effort (the store that refused the change may refuse this too); a failure is logged.
   */
  async function notStored(a: Approval, step: ApprovalStep, actor: string, err: unknown): Promise<void> {
    const why = err instanceof Error ? err.message : String(err);
    await audited(a, `${step}-not-stored`, actor, { error: why.slice(0, 500) }).catch((e: unknown) =>
      log(
        `auditing that approval ${a.id} was not stored failed: ${e instanceof Error ? e.message : String(e)}`,
      ),
    );
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
      // As for a decision: reads of the request (and the poll for other instances' changes) wait until the
      // expiry's audit record and event row are stored.
      const release = hold(id);
      try {
        const r = await store.approvals.expire(id);
        if (!r.ok) return r.approval ?? null;
        await record(r.approval, 'expired', 'system');
        release();
        finished(r.approval);
        return r.approval;
      } finally {
        release();
      }
    });
  }

  /** Waiters of this instance hear of decisions and expiries made by other instances (one query a tick). */
  let polling = false;
  async function pollWaited(): Promise<void> {
    const ids = changes.eventNames().filter((n): n is string => typeof n === 'string');
    if (polling || ids.length === 0) return;
    polling = true;
    try {
      for (const a of await store.approvals.finalAmong(ids)) {
        // Its decision's record is not stored yet: whoever stores it tells the waiters.
        if (await standingHold(a.id)) continue;
        finished(a);
      }
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
    expire,
    pollWaited,
    sweep,
    onFinal,
  };
}
/** The core shared by the approval service's methods (see createApprovalLifecycle). */
export type ApprovalLifecycle = ReturnType<typeof createApprovalLifecycle>;
