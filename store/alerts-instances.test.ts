import { describe, expect, it } from 'vitest';
import { makeAlert } from '../test/helpers/alerts.js';
import { testStore } from '../test/helpers/store.js';
import { createAlertsRepo } from './alerts.js';
import type { Db } from './db.js';

// Two server instances writing one alert, interleaved the worst way: instance A reads the alert, instance B
// (its own process: its own in-memory order of writes) changes it completely, then A's write lands. An analyst's
// change must survive whatever another instance's analyzer or analyst writes at the same moment.

/** A Db whose first read tagged `tag` says when it has read, then answers only once `release` resolves. */
function heldDb(db: Db, tag: string) {
  let readDone: () => void = () => {};
  let release: () => void = () => {};
  const firstRead = new Promise<void>((r) => {
    readDone = r;
  });
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let held = false;
  const wrapped: Db = {
    ...db,
    async query<T>(t: string, sql: string, params?: Record<string, unknown>) {
      const rows = await db.query<T>(t, sql, params);
      if (t === tag && !held) {
        held = true;
        readDone();
        await gate;
      }
      return rows;
    },
  };
  return { db: wrapped, firstRead, release };
}

describe('alerts written by several instances', () => {
  it("another instance's analyzer writing the alert between its read and its write keeps an acknowledgement", async () => {
    const store = await testStore('ward_alerts_instances');
    const database = store.config.database;
    const id = `inst-${Date.now()}-a`;
    await createAlertsRepo(store.db, database).put([makeAlert(id)]);

    const held = heldDb(store.db, 'alerts.get-many');
    const analyzerOnA = createAlertsRepo(held.db, database);
    const analystOnB = createAlertsRepo(store.db, database);

    const detection = analyzerOnA.putDetections([
      makeAlert(id, { event_ids: ['e1', 'e2'], evidence_count: 2, score: 0.9 }),
    ]);
    await held.firstRead;
    const acked = await analystOnB.update(id, {
      by: 'ana',
      status: 'acknowledged',
      note: 'on it',
      assignee: 'ana',
    });
    expect(acked?.after.status).toBe('acknowledged');
    held.release();
    await detection;

    const now = await analystOnB.get(id);
    expect(now).toMatchObject({ status: 'acknowledged', assignee: 'ana', evidence_count: 2, score: 0.9 });
    expect(now?.notes.map((n) => n.text)).toEqual(['on it']);
    expect(now?.history.map((h) => [h.from, h.to, h.by])).toEqual([['open', 'acknowledged', 'ana']]);
    // And every read agrees: a list filtered by status, the session's alerts, the change feed.
    const listed = await analystOnB.list({
      session: `s-${id}`,
      status: 'acknowledged',
      sort: 'time',
      order: 'desc',
      limit: 10,
    });
    expect(listed.alerts.map((a) => a.alert_id)).toEqual([id]);
    const open = await analystOnB.list({
      session: `s-${id}`,
      status: 'open',
      sort: 'time',
      order: 'desc',
      limit: 10,
    });
    expect(open.alerts).toEqual([]);
    expect((await analystOnB.bySessions([`s-${id}`]))[0]?.status).toBe('acknowledged');
    const changed = await analystOnB.changedSince(new Date(Date.now() - 60_000).toISOString());
    expect(changed.find((a) => a.alert_id === id)?.updated_at).toBe(now?.updated_at);
  });

  it('two analysts on two instances changing one alert at once both keep their change', async () => {
    const store = await testStore('ward_alerts_instances');
    const database = store.config.database;
    const id = `inst-${Date.now()}-b`;
    await createAlertsRepo(store.db, database).put([makeAlert(id)]);

    const held = heldDb(store.db, 'alerts.triage-of');
    const onA = createAlertsRepo(held.db, database);
    const onB = createAlertsRepo(store.db, database);

    const fromA = onA.update(id, { by: 'ana', status: 'acknowledged', note: 'looking' });
    await held.firstRead;
    await onB.update(id, { by: 'bob', status: 'open', assignee: 'bob', note: 'mine' });
    held.release();
    const a = await fromA;
    // A read the alert before bob's change; its answer says what it saw.
    expect(a?.before.notes).toEqual([]);

    const now = await onB.get(id);
    expect(now?.status).toBe('acknowledged');
    expect(now?.assignee).toBe('bob');
    expect(now?.notes.map((n) => `${n.by}:${n.text}`)).toEqual(['bob:mine', 'ana:looking']);
    // History follows the stored order: ana's transition starts from the status bob's change left.
    expect(now?.history.map((h) => `${h.by}:${h.from}->${h.to}`)).toEqual([
      'bob:open->open',
      'ana:open->acknowledged',
    ]);
  });

  it("a later detection of a resolved alert keeps its first time and the analyst's change, and opens it again", async () => {
    const store = await testStore('ward_alerts_instances');
    const repo = createAlertsRepo(store.db, store.config.database);
    const id = `inst-${Date.now()}-c`;
    const first = makeAlert(id, { time: '2026-01-01T00:00:00.000Z' });
    await repo.put([first]);
    await repo.update(id, { by: 'ana', status: 'resolved', note: 'fixed' });
    for (let i = 0; i < 3; i++)
      await repo.putDetections([makeAlert(id, { time: new Date().toISOString(), evidence_count: 2 + i })]);
    const now = await repo.get(id);
    // New actions after it was resolved open it again (review 4: a closed alert hid every later finding of its
    // detector in that session), once: the writes after it find it open.
    expect(now).toMatchObject({ status: 'open', evidence_count: 4 });
    expect(Date.parse(now?.time ?? '')).toBe(Date.parse(first.time));
    // Each detection rewrote the alert's row; the analyst's change stays one note and one transition, and the
    // reopening one more, not one per write.
    expect(now?.notes.map((n) => n.by)).toEqual(['ana', 'ward-analyzer']);
    expect(now?.history.map((h) => [h.from, h.to])).toEqual([
      ['open', 'resolved'],
      ['resolved', 'open'],
    ]);
  });
});
