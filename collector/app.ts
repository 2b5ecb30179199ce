import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Store } from '../store/index.js';
import { createErrorHandler } from './errors.js';
import type { Admission } from './ingest/admission.js';
import type { Ingest } from './ingest/pipeline.js';
import type { Authorize } from './middleware/auth.js';
import { createBrowserSessions } from './middleware/browser-session.js';
import { securityHeaders } from './middleware/security-headers.js';
import { eventRoutes } from './routes/events.js';
import { type HealthDeps, healthRoutes } from './routes/health.js';
import { loginRoutes } from './routes/login.js';
import { otlpRoutes } from './routes/otlp.js';
import { tokenRoutes } from './routes/tokens.js';
import { uiRoutes } from './routes/ui.js';

/** Largest JSON API body (the hook route applies the same limit itself). */
const API_BODY_LIMIT = 1024 * 1024;

export interface AppDeps {
  /** Notes each JSON API request (collector/middleware/api-activity.ts). */
  apiActivity?: MiddlewareHandler;
  store: Store;
  ingest: Ingest;
  authorize: Authorize;
  health: HealthDeps;
  maxBodyBytes: number;
  /** OTLP work in flight across requests (requests and bytes); unbounded without it. */
  admission?: Admission;
  bodyDeadlineMs?: number;
  log: (msg: string) => void;
  /** Extra route groups mounted under /api (approvals, alerts, reports as they land). */
  apiRoutes?: Hono[];
  /** The built UI (vite's output directory); without it `/` says how to build it. */
  uiDir?: string;
}

// API groups the UI looks for: a group is there when its first path is routed (other parts of Ward add them).
const FEATURES: Record<string, string> = {
  alerts: '/api/alerts',
  overview: '/api/overview',
  risk: '/api/risk',
  stream: '/api/stream',
  reports: '/api/reports/compliance',
  audit: '/api/audit/verify',
  retention: '/api/retention',
  policy: '/api/policy',
};

/** Browser logins and logouts go to the audit trail (absent only in tests without a store). */
function loginAudit(deps: AppDeps) {
  const audit = deps.store.audit;
  return audit ? (e: Parameters<typeof audit.append>[0]) => audit.append(e) : undefined;
}

/** Which optional API groups this app routes. */
export function apiFeatures(app: Hono): string[] {
  const paths = new Set(app.routes.filter((r) => r.method === 'GET').map((r) => r.path));
  return Object.entries(FEATURES)
    .filter(([, path]) => paths.has(path))
    .map(([name]) => name);
}

/** The whole HTTP surface: OTLP under /v1, the JSON API under /api, health at /healthz. */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  // Browser sessions live beside the token check that honours them (createAuthorize's `sessions`).
  const sessions = deps.authorize.sessions ?? createBrowserSessions();
  app.use('*', securityHeaders());
  app.onError(createErrorHandler(deps.log));
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));
  if (deps.apiActivity) app.use('/api/*', deps.apiActivity);
  // JSON API bodies are small (approvals, hook inputs, tokens); OTLP has its own limit after decompression.
  // Hook calls apply the same limit themselves, answering a deny: an agent takes a 413 as "no objection".
  const apiBodyLimit = bodyLimit({
    maxSize: API_BODY_LIMIT,
    onError: () => {
      throw new HTTPException(413, { message: 'request body over 1 MiB' });
    },
  });
  app.use('/api/*', (c, next) => (c.req.path.startsWith('/api/hooks/') ? next() : apiBodyLimit(c, next)));
  app.route('/', healthRoutes(deps.health));
  app.route('/', uiRoutes({ authorize: deps.authorize, sessions, dir: deps.uiDir, audit: loginAudit(deps) }));
  app.route(
    '/v1',
    otlpRoutes({
      ingest: deps.ingest,
      authorize: deps.authorize,
      maxBodyBytes: deps.maxBodyBytes,
      log: deps.log,
      ...(deps.admission ? { admission: deps.admission } : {}),
      ...(deps.bodyDeadlineMs ? { bodyDeadlineMs: deps.bodyDeadlineMs } : {}),
    }),
  );
  app.route('/api', eventRoutes({ store: deps.store, authorize: deps.authorize }));
  app.route('/api', tokenRoutes({ store: deps.store, authorize: deps.authorize }));
  app.route(
    '/api',
    loginRoutes({
      authorize: deps.authorize,
      sessions,
      features: () => apiFeatures(app),
      audit: loginAudit(deps),
    }),
  );
  for (const routes of deps.apiRoutes ?? []) app.route('/api', routes);
  return app;
}
