import type { Alert, Approval } from '../../schema/index.js';
import type { Store } from '../../store/index.js';

/** What the feed hands to each subscriber. */
export type ChangeListener = (event: 'alert' | 'approval', data: Alert | Approval) => void;

export interface ChangeFeedOptions {
  /** How often the store is read while someone listens (ms). */
  intervalMs: number;
  /**
   * How far back each read reaches before the newest change seen (ms, default 10 s). Rows are stamped by the
   * clock of the instance (or analyzer) that wrote them and become visible when their insert commits, so a
   * change can land behind one already seen; the overlap catches it, and a bounded seen-set drops repeats.
   */
  overlapMs?: number;
  /** Rows per read; a full page is followed by the next one without overlap (default 1000). */
  pageSize?: number;
}

/** Changes seen in the overlap window, keyed `id@version`, forgotten once below the window. */
function createSeen<V extends string | number>() {
  const seen = new Map<string, V>();
  return {
    /** True the first time a change is offered. */
    fresh(id: string, version: V): boolean {
      const key = `${id}@${version}`;
      if (seen.has(key)) return false;
      seen.set(key, version);
      return true;
    },
    forgetBelow(floor: V): void {
      for (const [k, v] of seen) if (v < floor) seen.delete(k);
    },
  };
}

/**
 * One poller for every stream client of this instance: alerts and approvals changed since the last change it
 * saw, read from the store, so changes made by any instance or process (another `ward serve` behind the same
 * load balancer, `ward analyze`) reach every stream. Nothing is emitted for rows older than the subscription.
 */
export function createChangeFeed(store: Pick<Store, 'alerts' | 'approvals'>, opts: ChangeFeedOptions) {
  const overlapMs = opts.overlapMs ?? 10_000;
  const pageSize = opts.pageSize ?? 1000;
  const listeners = new Set<ChangeListener>();
  let timer: NodeJS.Timeout | undefined;
  let alertCursor = '';
  let alertFull = false;
  let approvalCursor = 0;
  let approvalFull = false;
  let alertsSeen = createSeen<string>();
  let approvalsSeen = createSeen<number>();
  let primed = false;
  let busy = false;

  // The first read only learns what was there before the subscription (newer changes it emits).
  let startAlert = '';
  let startApproval = 0;
  const emit = (event: 'alert' | 'approval', data: Alert | Approval, newer: boolean) => {
    if (primed || newer) for (const l of listeners) l(event, data);
  };

  async function pollAlerts(): Promise<void> {
    const from = alertFull ? alertCursor : new Date(Date.parse(alertCursor) - overlapMs).toISOString();
    const alerts = await store.alerts.changedSince(from, pageSize);
    alertFull = alerts.length === pageSize;
    for (const a of alerts) {
      if (a.updated_at > alertCursor) alertCursor = a.updated_at;
      // An analyst's change on another instance whose time falls before the analyzer's latest write of the alert
      // leaves updated_at as it was: its note or transition still makes it a change to show.
      const version = `${a.updated_at}#${a.history.length}.${a.notes.length}`;
      if (alertsSeen.fresh(a.alert_id, version)) emit('alert', a, a.updated_at > startAlert);
    }
    alertsSeen.forgetBelow(new Date(Date.parse(alertCursor) - overlapMs).toISOString());
  }

  async function pollApprovals(): Promise<void> {
    const from = approvalFull ? approvalCursor : approvalCursor - overlapMs * 1000;
    const rows = await store.approvals.changedSince(from, pageSize);
    approvalFull = rows.length === pageSize;
    for (const { approval, version } of rows) {
      if (version > approvalCursor) approvalCursor = version;
      if (approvalsSeen.fresh(approval.id, version)) emit('approval', approval, version > startApproval);
    }
    approvalsSeen.forgetBelow(approvalCursor - overlapMs * 1000);
  }

  async function poll(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      await pollAlerts();
      await pollApprovals();
      primed = true;
    } catch {
      // a failed poll is retried at the next tick
    } finally {
      busy = false;
    }
  }

  return {
    subscribe(l: ChangeListener): () => void {
      listeners.add(l);
      if (!timer) {
        alertCursor = new Date().toISOString();
        approvalCursor = Date.now() * 1000;
        startAlert = alertCursor;
        startApproval = approvalCursor;
        alertFull = false;
        approvalFull = false;
        alertsSeen = createSeen<string>();
        approvalsSeen = createSeen<number>();
        primed = false;
        void poll();
        timer = setInterval(() => void poll(), opts.intervalMs);
        timer.unref();
      }
      return () => {
        listeners.delete(l);
        if (listeners.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
  };
}
