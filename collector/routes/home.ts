import { Hono } from 'hono';

// Placeholder until the Svelte UI lands: a static page (it never echoes the query string back).
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ward</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}
code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}h1{margin-bottom:.2rem}</style></head>
<body><h1>Ward</h1><p>The collector is running. The web UI (alerts, session timelines, approvals, reports)
is not part of this build yet; the JSON API is:</p>
<ul><li><code>GET /api/sessions</code>, <code>GET /api/sessions/:id</code>, <code>GET /api/events</code></li>
<li><code>GET /api/approvals?status=pending</code>, <code>POST /api/approvals/:id/decision</code></li>
<li><code>POST /api/tokens</code> (admin)</li></ul>
<p>Send <code>Authorization: Bearer &lt;token&gt;</code>; the admin token is the one <code>ward serve</code> printed.
OTLP/HTTP goes to <code>/v1/logs</code>, <code>/v1/traces</code> and <code>/v1/metrics</code>.</p></body></html>`;

/** GET / */
export function homeRoutes() {
  const app = new Hono();
  app.get('/', (c) => {
    c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    c.header('referrer-policy', 'no-referrer');
    return c.html(PAGE);
  });
  return app;
}
