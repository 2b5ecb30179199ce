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
    app.get('/healthz', (c) => c.json({ ok: true }));
    expect(activity.recent(2_000)).toBe(false);
    await app.request('/healthz');
    expect(activity.recent(2_000)).toBe(false);
    await app.request('/api/events');
    expect(activity.recent(2_000)).toBe(true);
    t += 2_001;
    expect(activity.recent(2_000)).toBe(false);
    // A refused or unknown API request counts too: it is still an analyst (or a client) on that thread.
    await app.request('/api/nope');
    expect(activity.recent(2_000)).toBe(true);
  });
});
