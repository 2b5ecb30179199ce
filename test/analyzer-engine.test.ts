import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../analyzer/index.js';
import { alertRows, attackSession } from './helpers/analyzer.js';
import { testStore } from './helpers/store.js';

describe('incremental, idempotent scoring', () => {
  it('re-running over the same events, from the watermark or from scratch, writes no new alert', async () => {
    const store = await testStore('ward_analyzer_engine');
    await store.events.insert(attackSession('idem-1'));
    const first = await createAnalyzer({ store, lease: false, name: 'idem' });
    while ((await first.loop.runOnce()) > 0) {}
    const before = await alertRows(store, ['idem-1']);
    expect(before.map((r) => r.rule_id)).toEqual(
      expect.arrayContaining(['cred-read', 'exfil-channel', 'persist-shell-rc']),
    );
    const cred = await store.alerts.list({
      session: 'idem-1',
      detector: 'cred-read',
      sort: 'time',
      order: 'desc',
      limit: 10,
    });
    // Two actions read the credentials (cat, curl -F @file), each arrived as two rows.
    expect(cred.alerts[0]?.evidence_count).toBe(2);

    // The same worker again, a restarted worker (same watermark), and a replay from an empty watermark.
    while ((await first.loop.runOnce()) > 0) {}
    const restarted = await createAnalyzer({ store, lease: false, name: 'idem' });
    while ((await restarted.loop.runOnce()) > 0) {}
    const replay = await createAnalyzer({ store, lease: false, name: 'idem-replay' });
    while ((await replay.loop.runOnce()) > 0) {}
    const after = await alertRows(store, ['idem-1']);
    expect(after).toEqual(before);
    for (const r of after) expect(r.ids, `${r.rule_id}: one alert per (session, detector)`).toBe(1);
  });

  it('two workers at once create one alert per (session, detector)', async () => {
    const store = await testStore('ward_analyzer_engine');
    const sessions = ['pair-1', 'pair-2', 'pair-3'];
    await store.events.insert(sessions.flatMap(attackSession));
    // Worst case: no lease, both score everything concurrently.
    const a = await createAnalyzer({ store, lease: false, name: 'pair-a' });
    const b = await createAnalyzer({ store, lease: false, name: 'pair-b' });
    await Promise.all([a.loop.runOnce(), b.loop.runOnce()]);
    const rows = await alertRows(store, sessions);
    expect(rows.length).toBeGreaterThanOrEqual(9);
    for (const r of rows) expect(r.ids, `${r.session_id} ${r.rule_id}`).toBe(1);
    const final = await store.alerts.list({ session: 'pair-2', sort: 'time', order: 'desc', limit: 100 });
    expect(new Set(final.alerts.map((x) => x.rule_id)).size).toBe(final.alerts.length);
  });

  it('with the lease, a second worker stands by while the first holds it', async () => {
    const store = await testStore('ward_analyzer_engine');
    await store.events.insert(attackSession('lease-1'));
    const a = await createAnalyzer({ store, name: 'leased' });
    const b = await createAnalyzer({ store, name: 'leased' });
    expect(await a.loop.runOnce()).toBeGreaterThan(0);
    expect(await b.loop.runOnce()).toBe(0);
  });
});
