import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAlert } from '../../test/helpers/alerts.js';
import { testStore } from '../../test/helpers/store.js';
import { ddlContext } from '../ddl.js';
import type { Store } from '../index.js';
import { alertToRow } from '../rows/alerts.js';
import { migration as m71 } from './0071-alert-raised-at.js';

/**
 * Migration 71 on alerts stored before it: they read as raised at their `time`, where reports placed them until
 * then, so a report of a past period made again is the same; alerts written after it carry their own.
 */
describe('migration 71: when an alert was raised', () => {
  let store: Store;
  const TIME = '2026-10-04T10:00:00.000Z';
  beforeAll(async () => {
    store = await testStore('ward_m71');
    await store.db.command('t', `ALTER TABLE "${store.config.database}".alerts DROP COLUMN raised_at`);
    // Two versions of an alert, as the analyzer wrote them before the column.
    const old = makeAlert('m71-old', { time: TIME, first_seen: TIME });
    const { raised_at: _none, ...row } = alertToRow(old);
    await store.db.insert('t', 'alerts', [
      { ...row, updated_at: '2026-10-04T10:00:01.000Z' },
      { ...row, updated_at: '2026-10-05T10:00:00.000Z', evidence_count: 2 },
    ]);
    for (const sql of m71.statements(ddlContext(store.config))) await store.db.command('t', sql);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('reads alerts stored before it as raised at their time, and keeps that in later versions', async () => {
    expect((await store.alerts.get('m71-old'))?.raised_at).toBe(TIME);
    const report = await store.reports.alerts({
      from: '2026-10-01T00:00:00.000Z',
      to: '2026-11-01T00:00:00.000Z',
      agents: [],
      repos: [],
      users: [],
    });
    expect(report.items.map((i) => [i.alert_id, i.raised_at])).toEqual([['m71-old', TIME]]);
    await store.alerts.putDetections([makeAlert('m71-old', { time: TIME, evidence_count: 3 })]);
    expect(await store.alerts.get('m71-old')).toMatchObject({ evidence_count: 3, raised_at: TIME });
  });

  it('adds the column to the local tables and the Distributed ones on a cluster', () => {
    const sql = m71.statements({ ...ddlContext(store.config), cluster: 'c1' });
    expect(sql).toHaveLength(2);
    expect(sql[0]).toMatch(/"alerts_local" ON CLUSTER "c1" ADD COLUMN IF NOT EXISTS raised_at/);
  });
});
