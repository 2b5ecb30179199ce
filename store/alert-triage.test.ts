import { describe, expect, it } from 'vitest';
import { makeAlert } from '../test/helpers/alerts.js';
import { testStore } from '../test/helpers/store.js';
import { changeToRow } from './alert-triage.js';
import { createAlertsRepo } from './alerts.js';
import type { Db } from './db.js';
import { createReportRepo } from './report-queries.js';

/** The store's Db with settings appended to every read, as a server's user profile would set them. */
const withSettings = (db: Db, settings: string): Db => ({
  ...db,
  query: (tag, sql, params) => db.query(tag, `${sql}\nSETTINGS ${settings}`, params),
});

describe('alert triage as rows of their own', () => {
  it('reads the same under a server profile with join_use_nulls = 1: lists, and the compliance report', async () => {
    const store = await testStore('ward_alert_triage');
    const nulls = withSettings(store.db, 'join_use_nulls = 1');
    const repo = createAlertsRepo(nulls, store.config.database);
    const agent = `agent-nulls-${Date.now()}`;
    const quiet = `nulls-open-${Date.now()}`;
    const seen = `nulls-acked-${Date.now()}`;
    const time = new Date(Date.now() - 60_000).toISOString();
    await repo.put([makeAlert(quiet, { agent, time }), makeAlert(seen, { agent, time })]);
    await repo.update(seen, { by: 'ana', status: 'acknowledged' });

    const list = async (status: 'open' | 'acknowledged') =>
      (await repo.list({ agent, status, sort: 'time', order: 'desc', limit: 10 })).alerts.map(
        (a) => a.alert_id,
      );
    expect(await list('open')).toEqual([quiet]);
    expect(await list('acknowledged')).toEqual([seen]);
    const report = await createReportRepo(nulls, store.config.database).alerts({
      from: new Date(Date.now() - 3600_000).toISOString(),
      to: new Date(Date.now() + 3600_000).toISOString(),
      agents: [agent],
      repos: [],
      users: [],
    });
    expect(report.by_status).toEqual({ acknowledged: 1, open: 1 });
    expect(report.triaged).toBe(1);
  });

  it("the analyzer's read of a session reads that session's triage, not every alert's notes", async () => {
    const store = await testStore('ward_alert_triage');
    const database = store.config.database;
    const repo = createAlertsRepo(store.db, database);
    const id = `amp-${Date.now()}`;
    await repo.put([makeAlert(id)]);
    await repo.update(id, { by: 'ana', status: 'acknowledged', note: 'mine' });
    // 20,000 changes with 4,000-character notes on 5,000 other alerts (bulk changes take 1,000 ids at once).
    await store.db.command(
      'test.triage-history',
      `INSERT INTO "${database}".alert_triage (alert_id, alert_time, time, change_id, by, status, note)
       SELECT concat('old-', toString(number % 5000)), now64(9), now64(3), toString(generateUUIDv4()), 'ana',
         'acknowledged', repeat('x', 4000) FROM numbers(20000)`,
    );
    // 40 MB: what the reads of one session and of one changed alert need, not the 80 MB of other notes.
    const small = createAlertsRepo(withSettings(store.db, 'max_memory_usage = 40000000'), database);
    const [mine] = await small.bySessions([`s-${id}`]);
    expect(mine).toMatchObject({
      status: 'acknowledged',
      notes: [expect.objectContaining({ text: 'mine' })],
    });
    expect(await small.changedSince(new Date(Date.now() + 3600_000).toISOString())).toEqual([]);
    const listed = await small.list({ session: `s-${id}`, sort: 'time', order: 'desc', limit: 10 });
    expect(listed.alerts.map((a) => a.status)).toEqual(['acknowledged']);
  });

  it('an alert raised again under the same id after the first one expired starts without its triage', async () => {
    const store = await testStore('ward_alert_triage');
    const database = store.config.database;
    const repo = createAlertsRepo(store.db, database);
    const id = `again-${Date.now()}`;
    await repo.put([makeAlert(id, { time: '2026-01-05T10:00:00.000Z' })]);
    await repo.update(id, { by: 'ana', status: 'false_positive', note: 'benign build step' });
    // The first alert's row goes (its retention); its triage rows, kept by the same time, would go with it.
    await store.db.command(
      'test.expire',
      `ALTER TABLE "${database}".alerts DELETE WHERE alert_id = {id:String} SETTINGS mutations_sync = 2`,
      { id },
    );
    // The agent triggers the same detector in the same session: the same id, raised now.
    await repo.putDetections([makeAlert(id)]);
    const now = await repo.get(id);
    expect(now).toMatchObject({ status: 'open', notes: [], history: [] });
    expect(
      (await repo.list({ session: `s-${id}`, status: 'open', sort: 'time', order: 'desc', limit: 5 })).alerts,
    ).toHaveLength(1);
  });

  it('a change stored twice (an insert retried after it landed) counts once', async () => {
    const store = await testStore('ward_alert_triage');
    const repo = createAlertsRepo(store.db, store.config.database);
    const id = `twice-${Date.now()}`;
    const [stored] = await repo.put([makeAlert(id)]);
    if (!stored) throw new Error('not stored');
    const row = changeToRow(
      stored,
      { time: new Date().toISOString(), change_id: 'c-1', by: 'ana', status: 'resolved', note: 'done' },
      true,
    );
    await store.db.insert('test.triage', 'alert_triage', [row]);
    await store.db.insert('test.triage', 'alert_triage', [row]);
    const now = await repo.get(id);
    expect(now?.status).toBe('resolved');
    expect(now?.notes).toHaveLength(1);
    expect(now?.history).toHaveLength(1);
  });
});
