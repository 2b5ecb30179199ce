import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, securityHeaders } from './security-headers.js';

function app() {
  const a = new Hono();
  a.use('*', securityHeaders());
  a.onError((err, c) => (err instanceof HTTPException ? err.getResponse() : c.text('internal', 500)));
  a.get('/json', (c) => c.json({ ok: true }));
  a.get('/page', (c) =>
    c.html('<p>ui</p>', 200, { 'content-security-policy': "default-src 'self'; frame-ancestors 'self'" }),
  );
  a.get('/page-no-frame', (c) =>
    c.html('<p>ui</p>', 200, { 'content-security-policy': "default-src 'self';" }),
  );
  a.get('/bad', () => {
    throw new HTTPException(400, { message: 'bad' });
  });
  a.get('/boom', () => {
    throw new Error('boom');
  });
  a.get('/proxied', () => Response.redirect('http://127.0.0.1/elsewhere', 302));
  return a;
}

describe('security headers on every response', () => {
  it.each(['/json', '/bad', '/boom', '/missing', '/proxied'])('%s: nosniff and no framing', async (path) => {
    const res = await app().request(path);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('replaces a looser CSP a handler set (agent text can never loosen the page policy)', async () => {
    for (const path of ['/page', '/page-no-frame']) {
      const res = await app().request(path);
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval/);
  });
});
