import { describe, expect, it } from 'vitest';
import type { Alert, Approval } from '../../schema/index.js';
import { makeAlert } from '../../test/helpers/alerts.js';
import { testStore } from '../../test/helpers/store.js';
import { createChangeFeed } from './change-feed.js';

describe('the change feed', () => {
  it("shows an analyst's change stamped before the analyzer's latest write of the alert but stored after it, past the first page", async () => {
    const store = await testStore('ward_change_feed');
    // Pages of two: the alert changed is the third of four written in the window.
    const feed = createChangeFeed(store, { intervalMs: 25, pageSize: 2 });
    const seen: Alert[] = [];
    const waiters: { test: (a: Alert) => boolean; done: (a: Alert) => void }[] = [];
    const until = (test: (a: Alert) => boolean) =>
      new Promise<Alert>((done) => {
        const hit = seen.find(test);
        if (hit) done(hit);
        else waiters.push({ test, done });
      });
    const stop = feed.subscribe((event, data: Alert | Approval) => {
      if (event !== 'alert') return;
      const a = data as Alert;
      seen.push(a);
      for (const w of waiters.splice(0))
        if (w.test(a)) w.done(a);
        else waiters.push(w);
    });
    try {
      const p = `feed-${Date.now()}`;
      const written: Alert[] = [];
      for (const n of ['a', 'b', 'x', 'c'])
        written.push(...(await store.alerts.put([makeAlert(`${p}-${n}`)])));
      for (const w of written) await until((a) => a.alert_id === w.alert_id);
      const target = written[2] as Alert;
      const id = target.alert_id;
      const first = await until((a) => a.alert_id === id);
      expect(first.status).toBe('open');
      // Another instance's analyst acknowledged it with a clock a little behind: the change's time is before the
      // alert's version, so the alert's updated_at stays as it was.
      await store.db.insert('test.triage', 'alert_triage', [
        {
          alert_id: id,
          alert_time: target.time,
          time: new Date(Date.parse(target.updated_at) - 5).toISOString(),
          change_id: 'late',
          by: 'bob',
          status: 'acknowledged',
          set_assignee: 0,
          assignee: '',
          note: 'seen',
          moved: 1,
        },
      ]);
      const acked = await until((a) => a.alert_id === id && a.status === 'acknowledged');
      expect(acked.updated_at).toBe(first.updated_at);
      expect(acked.notes.map((n) => n.text)).toEqual(['seen']);
    } finally {
      stop();
    }
  });
});
