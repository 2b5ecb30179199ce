import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../schema/index.js';
import type { ReportScope, Store } from '../../store/index.js';
import { insertReceived, makeEvent } from '../../test/helpers/events.js';
import { testStore } from '../../test/helpers/store.js';
import { buildComplianceReport, ComplianceReportSchema, reportToJson } from './index.js';

let store: Store;
const DAY = 86_400_000;
const P0 = { from: '2026-10-25T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' };
const P = { from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z' };
const P2 = { from: '2026-11-08T00:00:00.000Z', to: '2026-11-15T00:00:00.000Z' };
const scope = (p: { from: string; to: string }): ReportScope => ({ ...p, agents: [], repos: [], users: [] });

/** command → [claimed, received] */
const EVENTS: Record<string, [string, string]> = {
  'on time': ['2026-11-02T10:00:00.000Z', '2026-11-02T10:00:00.000Z'],
  'within tolerance': ['2026-11-02T11:00:00.000Z', '2026-11-02T11:00:30.000Z'],
  'claims last month': ['2026-10-31T12:00:00.000Z', '2026-11-03T12:00:00.000Z'],
  'backdated in period': ['2026-11-02T12:00:00.000Z', '2026-11-04T12:00:00.000Z'],
  'claims next week': ['2026-11-09T00:00:00.000Z', '2026-11-05T00:00:00.000Z'],
  'five minutes ahead': ['2026-11-05T10:05:00.000Z', '2026-11-05T10:00:00.000Z'],
  'arrives next period': ['2026-11-03T00:00:00.000Z', '2026-11-09T00:00:00.000Z'],
  'arrives before period': ['2026-11-01T00:00:00.000Z', '2026-10-31T23:59:59.900Z'],
};
const events = new Map<string, AgentEvent>();

beforeAll(async () => {
  store = await testStore('ward_report_arrivals');
  for (const [command, [claimed]] of Object.entries(EVENTS))
    events.set(command, makeEvent({ time: claimed, command, session_id: 's1', user_id: 'u' }));
  await insertReceived(store, [...events.values()], (e) => EVENTS[e.command]?.[1] ?? '');
});

describe('reports place events by receive time and flag the claimed time', () => {
  it('counts what was received in the period and flags each claim outside it or far from arrival', async () => {
    const r = await buildComplianceReport(store, scope(P));
    expect(() => ComplianceReportSchema.parse(r)).not.toThrow();
    expect(r.summary).toMatchObject({ events: 6, late_arrivals: 1 });
    expect(r.arrivals).toMatchObject({
      skew_tolerance_ms: 60_000,
      late_arrivals: 1,
      claimed_ahead: 2,
      backdated: 1,
    });
    expect(r.arrivals.items.map((i) => [i.command, i.flag, i.time, i.received_at, i.skew_ms])).toEqual([
      [
        'claims last month',
        'late_arrival',
        '2026-10-31T12:00:00.000000000Z',
        '2026-11-03T12:00:00.000Z',
        3 * DAY,
      ],
      [
        'backdated in period',
        'backdated',
        '2026-11-02T12:00:00.000000000Z',
        '2026-11-04T12:00:00.000Z',
        2 * DAY,
      ],
      [
        'claims next week',
        'claimed_ahead',
        '2026-11-09T00:00:00.000000000Z',
        '2026-11-05T00:00:00.000Z',
        -4 * DAY,
      ],
      [
        'five minutes ahead',
        'claimed_ahead',
        '2026-11-05T10:05:00.000000000Z',
        '2026-11-05T10:00:00.000Z',
        -300_000,
      ],
    ]);
    expect(r.arrivals.by_agent).toEqual([
      {
        agent: 'codex',
        events: 6,
        late_arrivals: 1,
        claimed_ahead: 2,
        backdated: 1,
        p50_skew_ms: 15_000,
        max_late_ms: 3 * DAY,
        max_ahead_ms: 4 * DAY,
      },
    ]);
    // Days are days of receipt, so they add up to the period's events and lie inside it.
    expect(r.daily.map((d) => [d.day, d.events])).toEqual([
      ['2026-11-02', 2],
      ['2026-11-03', 1],
      ['2026-11-04', 1],
      ['2026-11-05', 2],
    ]);
    expect(r.agent_activity[0]).toMatchObject({
      first_time: '2026-10-31T12:00:00.000000000Z',
      last_time: '2026-11-09T00:00:00.000000000Z',
    });
    expect(r.controls.find((c) => c.id === 'A.8.15')?.gaps.join(' ')).toMatch(
      /3 event\(s\) received in the period claim a time outside it \(1 before, 2 after/,
    );
  });

  it('puts every stored event in exactly one of consecutive periods', async () => {
    const reports = await Promise.all([P0, P, P2].map((p) => buildComplianceReport(store, scope(p))));
    expect(reports.map((r) => r.summary.events)).toEqual([1, 6, 1]);
    expect(reports[0]?.arrivals.items.map((i) => [i.command, i.flag])).toEqual([
      ['arrives before period', 'claimed_ahead'],
    ]);
    expect(reports[2]?.arrivals.items.map((i) => [i.command, i.flag])).toEqual([
      ['arrives next period', 'late_arrival'],
    ]);
  });

  it("keeps a closed period's report the same when an event claiming a time in it arrives later", async () => {
    const before = reportToJson(await buildComplianceReport(store, scope(P)));
    const late = makeEvent({ time: '2026-11-03T09:00:00Z', command: 'rm -rf evidence', session_id: 's1' });
    await store.events.insert([late]);
    const after = reportToJson(await buildComplianceReport(store, scope(P)));
    expect(Buffer.from(after).equals(Buffer.from(before))).toBe(true);
    // It is in the report of the period it was received in (now), as a late arrival.
    const now = Date.now();
    const current = await buildComplianceReport(
      store,
      scope({ from: new Date(now - DAY).toISOString(), to: new Date(now + DAY).toISOString() }),
    );
    expect(current.arrivals.items).toEqual([
      expect.objectContaining({ event_id: late.event_id, flag: 'late_arrival', command: 'rm -rf evidence' }),
    ]);
  });
});
