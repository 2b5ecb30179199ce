import type { Approval } from '../../schema/index.js';
import type { ApprovalResolution, VersionedApproval } from '../../store/index.js';
import type { ApprovalLifecycle } from './approval-lifecycle.js';
import {
  type ApprovalServiceDeps,
  AuditPendingError,
  type Caller,
  type DecideResult,
  TooManyPending,
} from './service-types.js';

/**
 * How a request and a decision reach the store with their audit records. With several instances on one
 * ClickHouse the row is written first and its record after it; with this process as the table's only writer
 * (the embedded engine) both at once, one round less on the runner's path.
 */
export function createWrites(
  store: ApprovalServiceDeps['store'],
  life: Pick<
    ApprovalLifecycle,
    'audited' | 'eventRow' | 'record' | 'notStored' | 'finished' | 'present' | 'keepRecording'
  >,
) {
  const { audited, eventRow, record, notStored, finished, present, keepRecording } = life;

  // One token's requests take turns (a lock map of their own: approval ids come from URLs). At most `limit`
  // wait for a turn: a token that is full cannot queue bodies without bound while each recounts in turn.
  const turns = new Map<string, { tail: Promise<unknown>; waiting: number }>();
  function inTurn<T>(token: string, limit: number, fn: () => Promise<T>): Promise<T> {
    const t = turns.get(token) ?? { tail: Promise.resolve(), waiting: 0 };
    if (t.waiting >= limit) return Promise.reject(new TooManyPending(limit));
    t.waiting++;
    turns.set(token, t);
    const next = t.tail.then(fn, fn);
    t.tail = next.catch(() => {});
    const done = () => {
      t.waiting--;
      if (t.waiting === 0 && turns.get(token) === t) turns.delete(token);
    };
    next.then(done, done);
    return next;
  }

  /** Stores the request, then its audit record and event row; its place among the token's pending requests. */
  async function createThenRecord(approval: Approval, caller: Caller): Promise<number> {
    await store.approvals.create(approval);
    const [, pending] = await Promise.all([
      record(approval, 'requested', caller.name, { by_token: caller.id }),
      store.approvals.pendingOf(caller.id, approval),
    ]);
    return pending;
  }

  /**
   * The same with this process as the store's only writer: the row, its audit record and its event row are
   * written at once (one round instead of two on the runner's path). One token's requests take turns here, and
   * every request is made here, so the count this process last noted for the token (one more for each request
   * since) is never below the true one: decisions and expiries only lower it. The store is counted only when
   * that note leaves no room or is missing, before writing, so a request over the limit is never stored. An
   * audit record whose row then failed to store is followed by one saying so.
   */
  function createAlongside(
    approval: Approval,
    caller: Caller,
    pending: {
      limit: number;
      /** The token's pending count as this process last noted it. */
      noted: () => number | undefined;
      note: (n: number) => void;
    },
  ): Promise<number> {
    const { limit } = pending;
    return inTurn(caller.id, limit, async () => {
      let before = pending.noted();
      if (before === undefined || before >= limit - 1) {
        before = await store.approvals.pendingBesides(caller.id, approval.id);
        pending.note(before);
        if (before >= limit) throw new TooManyPending(limit);
      }
      // Noted before writing: a row that lands although its write reports a failure is counted too.
      pending.note(before + 1);
      const [row, audit, event] = await Promise.allSettled([
        store.approvals.create(approval),
        audited(approval, 'requested', caller.name, { by_token: caller.id }),
        eventRow(approval, 'requested'),
      ]);
      if (row.status === 'rejected') {
        if (audit.status === 'fulfilled') await notStored(approval, 'requested', caller.name, row.reason);
        throw row.reason;
      }
      for (const r of [audit, event]) if (r.status === 'rejected') throw r.reason;
      return before + 1;
    });
  }

  /**
   * A decision without a grant, with this process as the store's only writer (so, under the per-id lock, it
   * cannot lose to another instance's): its row and its audit record are written at once and the waiting
   * runner goes on when both are stored; the event row follows. An audit record whose decision then failed to
   * store is followed by one saying so, and the runner is not told.
   */
  async function decideAlongside(
    found: VersionedApproval,
    change: ApprovalResolution,
    caller: Caller,
    noGrantReason: string,
    release: () => void,
    keep: () => void,
  ): Promise<DecideResult> {
    const next: Approval = { ...found.approval, ...change, decided_at: change.decided_at ?? '' };
    const extra = { by_token: caller.id, ...(noGrantReason ? { no_grant_reason: noGrantReason } : {}) };
    const [stored, audit] = await Promise.allSettled([
      store.approvals.decide(next.id, change, found),
      audited(next, 'decided', caller.name, extra),
    ]);
    if (stored.status === 'rejected') {
      if (audit.status === 'fulfilled') await notStored(next, 'decided', caller.name, stored.reason);
      throw stored.reason;
    }
    const r = stored.value;
    if (!r.ok) {
      if (audit.status === 'fulfilled')
        await notStored(next, 'decided', caller.name, new Error(`the request was ${r.reason}`));
      return r;
    }
    const decided = r.approval;
    // The decision is stored and stands (the first final version is kept): its record must follow it. A
    // failed append is tried once more (the chain re-reads its head first) before the runner is told; refused
    // again, it is appended in the background until the trail takes it, and only then is the runner told.
    const again =
      audit.status === 'rejected'
        ? await audited(next, 'decided', caller.name, extra).then(
            () => null,
            (err: unknown) => err,
          )
        : null;
    if (audit.status === 'rejected' && again !== null) {
      keep();
      keepRecording(next, caller.name, extra, release, () => {
        finished(decided);
        eventRow(decided, 'decided').catch(() => {});
      });
      throw new AuditPendingError(again);
    }
    release();
    finished(decided);
    await eventRow(decided, 'decided');
    return { ok: true, approval: present(decided), grant: null, noGrantReason };
  }

  return { createThenRecord, createAlongside, decideAlongside };
}
