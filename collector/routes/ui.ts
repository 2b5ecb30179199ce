import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { type Context, Hono } from 'hono';
import { type LoginDeps, openBrowserSession } from './login.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/** The UI's client-side routes: each answers with index.html and the app picks the view from the path. */
export const UI_ROUTES = ['login', 'overview', 'alerts', 'sessions', 'approvals', 'compliance', 'policies'];

interface Asset {
  body: Uint8Array;
  type: string;
}

/** Reads the built UI (vite's output) into memory once: a few hundred KB, served without touching disk. */
function loadAssets(dir: string | undefined): Map<string, Asset> {
  const out = new Map<string, Asset>();
  if (!dir || !existsSync(join(dir, 'index.html'))) return out;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const type = TYPES[extname(name)];
        if (type) out.set(`/${relative(dir, full).split(sep).join('/')}`, { body: readFileSync(full), type });
      }
    }
  };
  walk(dir);
  return out;
}

// Shown when ui/dist is missing (a checkout where `npm run build` has not run yet). Static: never echoes input.
const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ward</title></head>
<body><h1>Ward</h1><p>The collector is running, but the web UI is not built. Run <code>npm run build</code>
(or <code>npm start</code>, which builds it) and reload. The JSON API is under <code>/api</code>.</p></body></html>`;

/**
 * GET / and the UI's routes (index.html), /assets/* (hashed files, cached for good). `/?token=…` (the URL
 * `ward serve` prints) trades the token for a session cookie and redirects to `/#session=<key>`, so the token
 * leaves the address bar before the page loads.
 */
export function uiRoutes(deps: LoginDeps & { dir: string | undefined }) {
  const assets = loadAssets(deps.dir);
  const index = assets.get('/index.html');
  const app = new Hono();

  const page = (c: Context) => {
    c.header('cache-control', 'no-store');
    if (!index) return c.html(NOT_BUILT, 503);
    return c.body(index.body as Uint8Array<ArrayBuffer>, 200, { 'content-type': index.type });
  };

  app.get('/', async (c) => {
    const token = c.req.query('token');
    if (token === undefined) return page(c);
    c.header('cache-control', 'no-store');
    // Only a link the user opened themselves (typed, pasted, from the terminal) or one from Ward's own
    // pages logs in: a foreign site linking here with its token would log the browser in as its account.
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined && site !== 'none' && site !== 'same-origin')
      return c.redirect('/login?error=cross-site', 303);
    const who = token.length <= 512 ? await openBrowserSession(c, deps, token, 'link') : null;
    if (!who) return c.redirect('/login?error=invalid-token', 303);
    // The session's key rides in the fragment, which the browser never sends anywhere: the page keeps it in
    // its origin's storage and drops it from the address bar (the cookie alone opens nothing).
    return c.redirect(`/#session=${encodeURIComponent(who.csrf)}`, 303);
  });
  for (const route of UI_ROUTES) {
    app.get(`/${route}`, page);
    app.get(`/${route}/*`, page);
  }
  app.get('/*', (c, next) => {
    const asset = assets.get(c.req.path);
    if (!asset || c.req.path === '/index.html') return next();
    // Vite names assets by content hash: a changed file gets a new name, so the old one may be cached forever.
    const immutable = c.req.path.startsWith('/assets/');
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      'content-type': asset.type,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  });
  return app;
}
