import { describe, expect, it } from 'vitest';
import {
  createBrowserSessions,
  readSessionCookie,
  readSessionCookies,
  SESSION_COOKIE,
  sessionCookie,
} from './browser-session.js';

describe('browser sessions', () => {
  it('stay bounded in memory: the oldest session goes when the limit is reached', () => {
    const s = createBrowserSessions({ maxSessions: 3 });
    const ids = Array.from({ length: 5 }, (_, i) => s.open(`token-${i}`).id);
    expect(s.size).toBe(3);
    expect(s.get(ids[0] as string)).toBeNull();
    expect(s.get(ids[4] as string)?.token).toBe('token-4');
  });

  it('end after the absolute lifetime even when used all along', () => {
    let t = 0;
    const s = createBrowserSessions({ idleMs: 1000, maxAgeMs: 2500, now: () => t });
    const { id } = s.open('tok');
    for (t = 500; t <= 2500; t += 500) expect(s.get(id)).not.toBeNull();
    t = 2600;
    expect(s.get(id)).toBeNull();
  });

  it('use unguessable ids and CSRF tokens, different for every login', () => {
    const s = createBrowserSessions();
    const a = s.open('tok');
    const b = s.open('tok');
    expect(a.id).toMatch(/^[\w-]{43}$/);
    expect(new Set([a.id, b.id, a.csrf, b.csrf]).size).toBe(4);
  });

  it('read only a well-formed session cookie among others', () => {
    expect(readSessionCookie(`a=1; ${SESSION_COOKIE}=abc-DEF_1; b=2`)).toBe('abc-DEF_1');
    expect(readSessionCookie(`${SESSION_COOKIE}=bad value;`)).toBeUndefined();
    expect(readSessionCookie(`${SESSION_COOKIE}=${'x'.repeat(200)}`)).toBeUndefined();
    expect(readSessionCookie(undefined)).toBeUndefined();
    expect(sessionCookie('id', 60, true)).toBe(
      `${SESSION_COOKIE}=id; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure`,
    );
  });

  it('read every session cookie sent (a page on another port can set one with a longer path, sent first)', () => {
    expect(readSessionCookies(`${SESSION_COOKIE}=tossed; a=1; ${SESSION_COOKIE}=real-1`)).toEqual([
      'tossed',
      'real-1',
    ]);
    expect(readSessionCookies(Array(30).fill(`${SESSION_COOKIE}=x`).join('; '))).toHaveLength(16);
  });

  it('are not kept alive by a look that does not use them (touch=false)', () => {
    let t = 0;
    const s = createBrowserSessions({ idleMs: 1000, now: () => t });
    const { id } = s.open('tok');
    for (t = 500; t <= 1000; t += 500) expect(s.get(id, false)).not.toBeNull();
    t = 1600;
    expect(s.get(id)).toBeNull();
  });
});
