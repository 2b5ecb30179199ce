import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { OverviewQuery, SEVERITIES, type Severity } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import type { Authorize } from '../middleware/auth.js';

/** GET /api/overview?from=&to= — the dashboard's numbers, aggregated by ClickHouse. */
export function overviewRoutes(deps: {
  store: Pick<Store, 'analyzer' | 'alerts' | 'approvals'>;
  authorize: Authorize;
}) {
  const app = new Hono();
  app.get('/overview', deps.authorize('readAlerts'), async (c) => {
    const q = OverviewQuery.safeParse(c.req.query());
    if (!q.success) throw new HTTPException(400, { message: 'invalid query', cause: q.error });
    const from = q.data.from ?? new Date(Date.now() - 24 * 3_600_000).toISOString();
    const to = q.data.to ?? '';
    const [base, bySeverity, pending, riskiest] = await Promise.all([
      deps.store.analyzer.overview(from, to),
      deps.store.alerts.countBySeverity(from, to),
      deps.store.approvals.pendingCount(),
      deps.store.analyzer.riskiest(from, to, 10),
    ]);
    const alerts_by_severity = Object.fromEntries(SEVERITIES.map((s) => [s, bySeverity[s] ?? 0])) as Record<
      Severity,
      number
    >;
    return c.json({
      events_per_minute: base.events_per_minute,
      alerts_by_severity,
      pending_approvals: pending,
      riskiest_sessions: riskiest,
      agents: base.agents,
      repos: base.repos,
    });
  });
  return app;
}
