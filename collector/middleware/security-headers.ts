import type { MiddlewareHandler } from 'hono';

const FRAME_ANCESTORS = "frame-ancestors 'none'";

/**
 * Headers every response carries, errors and 404s included: no MIME sniffing (an OTLP error body or an
 * exported log is never run as a script or page) and no framing (clickjacking of the approvals UI). A
 * stricter Content-Security-Policy a page sets itself is kept; only a missing frame-ancestors is added to it.
 */
export function securityHeaders(): MiddlewareHandler {
  return async function securityHeaders(c, next) {
    await next();
    let h = c.res.headers;
    try {
      h.set('X-Content-Type-Options', 'nosniff');
    } catch {
      // A response with immutable headers (e.g. passed through from fetch): copy it.
      c.res = new Response(c.res.body, c.res);
      h = c.res.headers;
    }
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('X-Frame-Options', 'DENY');
    if (!h.has('Referrer-Policy')) h.set('Referrer-Policy', 'no-referrer');
    const csp = h.get('Content-Security-Policy');
    if (!csp) h.set('Content-Security-Policy', FRAME_ANCESTORS);
    else if (!/(^|;)\s*frame-ancestors\s/i.test(csp))
      h.set('Content-Security-Policy', `${csp.replace(/;\s*$/, '')}; ${FRAME_ANCESTORS}`);
  };
}
