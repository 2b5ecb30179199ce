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
  /** Rows per read (default 1000): alerts page through the overlap window; approvals go on from a full page without overlap. */
  pageSize?: number;
}

/** Pages of alert changes one poll reads at most (the overlap window's changes, past the first page). */
const MAX_ALERT_PAGES = 20;

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

  // Every poll reads the whole overlap window, a page at a time: a change that lands behind the cursor (a slow
  // insert, another instance's clock, an analyst's change stamped before the analyzer's write it raced with)
  // can be past the first page when many alerts change at once.
  async function pollAlerts(): Promise<void> {
    let from = new Date(Date.parse(alertCursor) - overlapMs).toISOString();
    for (let page = 0; page < MAX_ALERT_PAGES; page++) {
      const alerts = await store.alerts.changedSince(from, pageSize);
      for (const a of alerts) {
        if (a.updated_at > alertCursor) alertCursor = a.updated_at;
        // An analyst's change whose time falls before the analyzer's latest write of the alert leaves
        // updated_at as it was: its note or transition still makes it a change to show.
        const version = `${a.updated_at}#${a.history.length}.${a.notes.length}`;
        if (alertsSeen.fresh(a.alert_id, version)) emit('alert', a, a.updated_at > startAlert);
      }
      const lastAt = alerts[alerts.length - 1]?.updated_at;
      if (alerts.length < pageSize || !lastAt) break;
      // From just before the page's last time: rows sharing it are read again, and the seen-set drops them.
      const next = new Date(Date.parse(lastAt) - 1).toISOString();
      if (next <= from) break; // a whole page in one millisecond: the next poll goes on from the cursor
      from = next;
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
