import { describe, expect, it } from 'vitest';
import { makeEvent } from '../test/helpers/events.js';
import { testStore } from '../test/helpers/store.js';

/** The newest-first listing reads without FINAL: rows of retried exports not merged yet must not show twice. */
describe('events page without FINAL', () => {
  it('pages through events stored three times each, every event once, full pages', async () => {
    const store = await testStore('ward_events_page');
    const events = Array.from({ length: 30 }, (_, i) =>
      makeEvent({
        session_id: 'S-retried',
        time: new Date(Date.UTC(2026, 10, 27, 9, 0, i)).toISOString(),
        command: `echo ${i}`,
      }),
    );
    // Three inserts: three parts, nothing merged yet (the keys repeat side by side in the sorted read).
    for (let r = 0; r < 3; r++) await store.events.insert(events);
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const page = await store.events.query({ session: 'S-retried', limit: 10, cursor });
      seen.push(...page.events.map((e) => e.event_id));
      sizes.push(page.events.length);
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    expect(sizes).toEqual([10, 10, 10]);
    expect(seen).toEqual(events.map((e) => e.event_id).reverse());
    const timeline = await store.events.session('S-retried');
    expect(timeline?.events.map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
    expect(timeline?.session.events).toBe(30);
  });
});
