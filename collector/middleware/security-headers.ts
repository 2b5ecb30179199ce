import type { MiddlewareHandler } from 'hono';

/**
 * The UI's Content-Security-Policy: scripts, styles and connections from Ward's own origin only, no inline
 * script or style element, no plugins, never framed. Agent text that slipped into markup could not run.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Middleware factory: security headers on every response (UI, API, OTLP, errors alike). */
export function securityHeaders(): MiddlewareHandler {
  return async function setSecurityHeaders(c, next) {
    await next();
    let h = c.res.headers;
    try {
      h.set('x-content-type-options', 'nosniff');
    } catch {
      // A response with immutable headers (e.g. passed through from fetch): copy it.
      c.res = new Response(c.res.body, c.res);
      h = c.res.headers;
    }
    h.set('content-security-policy', CONTENT_SECURITY_POLICY);
    h.set('x-content-type-options', 'nosniff');
    h.set('x-frame-options', 'DENY');
    h.set('referrer-policy', 'no-referrer');
    h.set('cross-origin-opener-policy', 'same-origin');
    h.set('cross-origin-resource-policy', 'same-origin');
    h.set('permissions-policy', 'camera=(), microphone=(), geolocation=(), usb=()');
  };
}
