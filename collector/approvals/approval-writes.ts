import type { Approval } from '../../schema/index.js';
import type { ApprovalResolution, VersionedApproval } from '../../store/index.js';
import type { ApprovalLifecycle } from './approval-lifecycle.js';
import { type ApprovalServiceDeps, type Caller, type DecideResult, TooManyPending } from './service-types.js';

/**
 * How a request and a decision reach the store with their audit records. With several instances on one
 * ClickHouse the row is written first and its record after it; with this process as the table's only writer
 * (the embedded engine) both at once, one round less on the runner's path.
 */
export function createWrites(
  store: ApprovalServiceDeps['store'],
  life: Pick<
    ApprovalLifecycle,
    'audited' | 'eventRow' | 'record' | 'notStored' | 'finished' | 'present' | 'serialized'
  >,
) {
  const { audited, eventRow, record, notStored, finished, present, serialized } = life;

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
   * The same with this process as the store's only writer: the row, its audit record, its event row and the
   * count of the token's other pending requests are written and read at once (one round instead of two on the
   * runner's path). One token's requests take turns here, so that count holds every earlier one and the limit
   * stays exact; a request over it is denied (`refuse`) before the next one's turn. An audit record whose row
   * then failed to store is followed by one saying so.
   */
  function createAlongside(
    approval: Approval,
    caller: Caller,
    pending: {
      limit: number;
      /** Whether this instance's last count for the token left no room (then it counts before writing). */
      nearLimit: () => boolean;
      /** Denies a request found over the limit after it was written. */
      refuse: () => Promise<void>;
      /** Takes note of a fresh count. */
      seen: (n: number) => void;
    },
  ): Promise<number> {
    const { limit, refuse } = pending;
    return serialized(`token:${caller.id}`, async () => {
      if (pending.nearLimit()) {
        // Counted before writing: a request over the limit is never stored, not even for a moment as pending.
        const n = await store.approvals.pendingBesides(caller.id, approval.id);
        pending.seen(n);
        if (n >= limit) throw new TooManyPending(limit);
      }
      const [row, audit, event, others] = await Promise.allSettled([
        store.approvals.create(approval),
        audited(approval, 'requested', caller.name, { by_token: caller.id }),
        eventRow(approval, 'requested'),
        store.approvals.pendingBesides(caller.id, approval.id),
      ]);
      if (row.status === 'rejected') {
        if (audit.status === 'fulfilled') await notStored(approval, 'requested', caller.name, row.reason);
        throw row.reason;
      }
      for (const r of [audit, event, others]) if (r.status === 'rejected') throw r.reason;
      const now = (others.status === 'fulfilled' ? others.value : 0) + 1;
      pending.seen(now);
      if (now > limit) await refuse();
      return now;
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
    // failed append is tried once more (the chain re-reads its head first) before the runner is told.
    const again =
      audit.status === 'rejected'
        ? await audited(next, 'decided', caller.name, extra).then(
            () => null,
            (err: unknown) => err,
          )
        : null;
    release();
    finished(decided);
    if (audit.status === 'rejected' && again !== null) throw again;
    await eventRow(decided, 'decided');
    return { ok: true, approval: present(decided), grant: null, noGrantReason };
  }

  return { createThenRecord, createAlongside, decideAlongside };
}
