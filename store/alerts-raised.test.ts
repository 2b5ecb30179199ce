import { beforeAll, describe, expect, it } from 'vitest';
import { makeAlert } from '../test/helpers/alerts.js';
import { testStore } from '../test/helpers/store.js';
import type { Store } from './index.js';

/**
 * When an alert was raised (`raised_at`): set by the store when the alert is first written, kept by its later
 * versions whatever the analyzer's detection carries, and what places it in a compliance report (`time`, its first
 * evidence's claimed time, is the agent's to choose).
 */
describe('alerts keep the time they were raised', () => {
  let store: Store;
  const CLAIMED = '2026-01-05T10:00:00.000Z';
  const hour = (ms: number) => ({
    from: new Date(ms - 3_600_000).toISOString(),
    to: new Date(ms + 3_600_000).toISOString(),
    agents: [],
    repos: [],
    users: [],
  });

  beforeAll(async () => {
    store = await testStore('ward_alerts_raised');
  });

  it('a new detection is raised by its first write, whatever time it carries', async () => {
    const id = `raised-new-${Date.now()}`;
    const before = Date.now();
    const [written] = await store.alerts.putDetections([
      makeAlert(id, { time: CLAIMED, first_seen: CLAIMED, raised_at: CLAIMED }),
    ]);
    const after = Date.now();
    const stored = await store.alerts.get(id);
    expect(stored?.raised_at).toBe(written?.raised_at);
    expect(Date.parse(stored?.raised_at ?? '')).toBeGreaterThanOrEqual(before);
    expect(Date.parse(stored?.raised_at ?? '')).toBeLessThanOrEqual(after + 1);
    expect(Date.parse(stored?.time ?? '')).toBe(Date.parse(CLAIMED));
  });

  it('later versions keep the first one raised time (and time), whatever they carry', async () => {
    const id = `raised-kept-${Date.now()}`;
    const [first] = await store.alerts.putDetections([makeAlert(id, { time: CLAIMED })]);
    const later = new Date(Date.now() + 86_400_000).toISOString();
    await store.alerts.putDetections([
      makeAlert(id, { time: later, raised_at: later, evidence_count: 3, last_seen: later }),
    ]);
    const stored = await store.alerts.get(id);
    expect(stored).toMatchObject({ evidence_count: 3, raised_at: first?.raised_at });
    expect(Date.parse(stored?.time ?? '')).toBe(Date.parse(CLAIMED));
    expect(Date.parse(stored?.updated_at ?? '')).toBeGreaterThan(Date.parse(first?.updated_at ?? ''));
  });

  it('a seeded alert keeps a raised time given, and is raised by its write without one', async () => {
    const given = `raised-given-${Date.now()}`;
    const unset = `raised-unset-${Date.now()}`;
    await store.alerts.put([
      makeAlert(given, { time: CLAIMED, raised_at: '2026-01-06T00:00:00.000Z' }),
      makeAlert(unset, { time: CLAIMED }),
    ]);
    const [g, u] = await store.alerts.getMany([given, unset]);
    const byId = new Map([g, u].map((a) => [a?.alert_id, a]));
    expect(byId.get(given)?.raised_at).toBe('2026-01-06T00:00:00.000Z');
    expect(byId.get(unset)?.raised_at).toBe(byId.get(unset)?.updated_at);
  });

  it('a report places an alert by when it was raised, and times its triage from then', async () => {
    const id = `raised-report-${Date.now()}`;
    const [a] = await store.alerts.putDetections([makeAlert(id, { time: CLAIMED, agent: id })]);
    await store.alerts.update(id, { by: 'ana', status: 'acknowledged' });
    const now = Date.now();
    const current = await store.reports.alerts({ ...hour(now), agents: [id] });
    expect(current.items.map((i) => [i.alert_id, Date.parse(i.time), i.raised_at])).toEqual([
      [id, Date.parse(CLAIMED), a?.raised_at],
    ]);
    // Not hours (from the claimed time): at most the few milliseconds between raising and the change.
    expect(current.triage_ms.max).toBeLessThan(60_000);
    const claimed = await store.reports.alerts({ ...hour(Date.parse(CLAIMED)), agents: [id] });
    expect(claimed.total).toBe(0);
  });
});
