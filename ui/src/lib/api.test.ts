import { describe, expect, it } from 'vitest';
import { ApiError, createApi } from './api.js';

function recorder(status = 200, body: unknown = {}) {
  const calls: { url: string; init: RequestInit }[] = [];
  const f = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status });
  }) as unknown as typeof fetch;
  return { calls, f };
}

describe('API client', () => {
  it('sends the session key on every call, reads included, and the query without empty values', async () => {
    const { calls, f } = recorder();
    const api = createApi({ fetch: f, csrf: () => 'csrf-1' });
    await api.get('/sessions', { agent: 'codex', user: '', limit: 5 });
    await api.post('/approvals/a%2Fb/decision', { decision: 'deny' });
    expect(calls[0]?.url).toBe('/api/sessions?agent=codex&limit=5');
    // A read needs the key too: the cookie reaches every server on the host, the key only Ward's page.
    expect((calls[0]!.init.headers as Record<string, string>)['x-ward-csrf']).toBe('csrf-1');
    expect((calls[1]!.init.headers as Record<string, string>)['x-ward-csrf']).toBe('csrf-1');
    expect(calls[1]!.init.credentials).toBe('same-origin');
  });

  it('does not call an API group the server lacks, and reports it as missing', async () => {
    const { calls, f } = recorder();
    const api = createApi({ fetch: f, csrf: () => '', has: (x) => x !== 'alerts' });
    const err = await api.get('/alerts').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).missing).toBe(true);
    expect(calls).toHaveLength(0);
    await api.get('/sessions');
    expect(calls).toHaveLength(1);
  });

  it('turns error answers into ApiError with the server message, and tells about a 401', async () => {
    let ended = 0;
    const { f } = recorder(401, { error: 'browser session expired: log in again' });
    const api = createApi({ fetch: f, csrf: () => '', onUnauthorized: () => ended++ });
    await expect(api.get('/events')).rejects.toThrow('browser session expired');
    expect(ended).toBe(1);
  });
});
