import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createApiActivity } from './api-activity.js';

describe('API activity (the in-server analyzer yields while analysts read)', () => {
  it('notes the time of each API request, and only of those', async () => {
    let t = 1_000_000;
    const activity = createApiActivity(() => t);
    const app = new Hono();
    app.use('/api/*', activity.middleware);
    app.get('/api/events', (c) => c.json({ events: [] }));
    app.get('/api/private', (c) => c.json({ error: 'missing or invalid bearer token' }, 401));
    app.get('/healthz', (c) => c.json({ ok: true }));
    expect(activity.recent(2_000)).toBe(false);
    await app.request('/healthz');
    expect(activity.recent(2_000)).toBe(false);
    await app.request('/api/events');
    expect(activity.recent(2_000)).toBe(true);
    t += 2_001;
    expect(activity.recent(2_000)).toBe(false);
    // An unknown API request of a client with credentials counts too: it is still a client on that thread.
    await app.request('/api/nope');
    expect(activity.recent(2_000)).toBe(true);
    // A request without accepted credentials does not: anyone can send those, as fast as they like.
    t += 2_001;
    await app.request('/api/private');
    expect(activity.recent(2_000)).toBe(false);
  });
});
