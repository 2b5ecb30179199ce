import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { type Alert, type Approval, roleAllows } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import type { Authorize } from '../middleware/auth.js';

type Listener = (event: 'alert' | 'approval', data: Alert | Approval) => void;

/**
 * One poller for every stream client: it reads alerts changed since the last version it saw and approvals
 * whose status changed, from the store (so changes made by another process, e.g. `ward analyze`, show too).
 */
function createChangeFeed(store: Pick<Store, 'alerts' | 'approvals'>, intervalMs: number) {
  const listeners = new Set<Listener>();
  let timer: NodeJS.Timeout | undefined;
  let since = new Date().toISOString();
  const approvalState = new Map<string, string>();
  let primed = false;
  let busy = false;

  async function poll(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      const alerts = await store.alerts.changedSince(since);
      for (const a of alerts) {
        if (a.updated_at > since) since = a.updated_at;
        for (const l of listeners) l('alert', a);
      }
      const approvals = await store.approvals.list({ limit: 200 });
      for (const a of approvals) {
        const key = `${a.status}`;
        if (approvalState.get(a.id) === key) continue;
        approvalState.set(a.id, key);
        if (primed) for (const l of listeners) l('approval', a);
      }
      if (approvalState.size > 10_000) approvalState.clear();
      primed = true;
    } catch {
      // a failed poll is retried at the next tick
    } finally {
      busy = false;
    }
  }

  return {
    subscribe(l: Listener): () => void {
      listeners.add(l);
      if (!timer) {
        since = new Date().toISOString();
        primed = false;
        approvalState.clear();
        void poll();
        timer = setInterval(() => void poll(), intervalMs);
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

/** GET /api/stream — server-sent events: `event: alert` and `event: approval`, data the JSON object. */
export function streamRoutes(deps: {
  store: Pick<Store, 'alerts' | 'approvals'>;
  authorize: Authorize;
  pollMs?: number;
  heartbeatMs?: number;
}) {
  const feed = createChangeFeed(deps.store, deps.pollMs ?? 1000);
  const app = new Hono();
  app.get('/stream', deps.authorize('readAlerts'), (c) =>
    streamSSE(c, async (stream) => {
      const queue: { event: 'alert' | 'approval'; data: Alert | Approval }[] = [];
      let wake: (() => void) | undefined;
      const approvalsToo = roleAllows(c.get('principal').role, 'readApproval');
      const off = feed.subscribe((event, data) => {
        if (event === 'approval' && !approvalsToo) return;
        // A slow client must not hold memory without bound: beyond 1000 queued changes, drop the oldest.
        queue.push({ event, data });
        if (queue.length > 1000) queue.shift();
        wake?.();
      });
      let open = true;
      stream.onAbort(() => {
        open = false;
        wake?.();
      });
      const beat = setInterval(() => {
        stream.write(': keep-alive\n\n').catch(() => {
          open = false;
          wake?.();
        });
      }, deps.heartbeatMs ?? 15_000);
      try {
        while (open) {
          const next = queue.shift();
          if (next) {
            await stream.writeSSE({ event: next.event, data: JSON.stringify(next.data) });
            continue;
          }
          await new Promise<void>((r) => {
            wake = r;
          });
          wake = undefined;
        }
      } finally {
        clearInterval(beat);
        off();
      }
    }),
  );
  return app;
}
