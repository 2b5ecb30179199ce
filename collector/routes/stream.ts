import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { type Alert, type Approval, roleAllows } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import type { Authorize } from '../middleware/auth.js';
import { createChangeFeed } from './change-feed.js';

/** GET /api/stream — server-sent events: `event: alert` and `event: approval`, data the JSON object. */
export function streamRoutes(deps: {
  store: Pick<Store, 'alerts' | 'approvals'>;
  authorize: Authorize;
  pollMs?: number;
  heartbeatMs?: number;
}) {
  const feed = createChangeFeed(deps.store, { intervalMs: deps.pollMs ?? 1000 });
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
