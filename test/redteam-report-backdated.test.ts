/**
 * Red team (compliance reports): a report placed each event by the time it claims (its OTel timestamp). An agent
 * holding its runner token waited for a period's report to be exported and signed, then sent an event claiming a
 * time inside that period: no report ever showed it (that period's was out, and later ones cover later claimed
 * times), and the signed report, regenerated, no longer matched its signature. Reports now place every event by
 * the time Ward received it, which the agent cannot set; one that claims a time outside the period it arrived in
 * is flagged (`late_arrival`, `claimed_ahead`) with both times and the skew.
 * A real server (embedded ClickHouse, OTLP over HTTP with a runner token, reports with a compliance token).
 */
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReport } from '../analyzer/index.js';
import { createReportService } from '../cli/report-service.js';
import { claudeSessionsBody } from './helpers/otlp-json-logs.js';
import { startTokenServer, type TokenServer } from './helpers/token-server.js';

const RUNNER = 'rt-backdate-runner-token';
const OFFICER = 'rt-backdate-officer-token';
const ADMIN = 'rt-backdate-admin-token';
const SESSION = 'rt-backdate-session';
const MIN = 60_000;
const HOUR = 60 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();

interface Item {
  flag: string;
  time: string;
  received_at: string;
  skew_ms: number;
  command: string;
  event_id: string;
}
interface Report {
  summary: { events: number; late_arrivals: number };
  arrivals: { items: Item[]; late_arrivals: number; claimed_ahead: number };
}
interface Export {
  bytes: Buffer;
  envelope: unknown;
  json: Report;
}

let srv: TokenServer;
let start = 0;
/** The end of the first period, exported before the agent's back-dated send. */
let boundary = 0;
let firstExport: Export;

async function send(command: string, claimedMs: number): Promise<void> {
  const res = await srv.api(RUNNER, '/v1/logs', {
    method: 'POST',
    body: claudeSessionsBody([{ id: SESSION, commands: [command], startMs: claimedMs }]),
  });
  expect(res.status).toBe(200);
}

async function exportReport(from: number, to: number, format = 'json'): Promise<Export> {
  const res = await srv.api(
    OFFICER,
    `/api/reports/compliance?from=${iso(from)}&to=${iso(to)}&format=${format}`,
  );
  expect(res.status).toBe(200);
  const bytes = Buffer.from(await res.arrayBuffer());
  const envelope = JSON.parse(
    Buffer.from(res.headers.get('x-ward-report-envelope') ?? '', 'base64url').toString(),
  );
  return {
    bytes,
    envelope,
    json: format === 'json' ? (JSON.parse(bytes.toString()) as Report) : ({} as Report),
  };
}

beforeAll(async () => {
  srv = await startTokenServer(
    'rt-report-backdated',
    [
      [RUNNER, 'agent', 'runner'],
      [OFFICER, 'carol', 'compliance'],
      [ADMIN, 'admin', 'admin'],
    ],
    { reports: createReportService },
  );
  start = Date.now() - HOUR;
  await send('echo honest', Date.now());
  // The honest event's receive time is fixed before its 200: the first period ends after it.
  boundary = Date.now() + 1;
  firstExport = await exportReport(start, boundary);
  // Now the agent back-dates one event into the exported period and forward-dates another past the next one.
  await send('echo backdated', boundary - 30 * MIN);
  await send('echo ahead', boundary + 2 * HOUR);
}, 120_000);

afterAll(async () => {
  await srv?.close();
});

describe('an event claiming a time in an already reported period', () => {
  it('the exported period held the honest event only', () => {
    expect(firstExport.json.summary.events).toBe(1);
  });

  it('regenerating the exported period gives the same bytes: its signed envelope still verifies', async () => {
    const again = await exportReport(start, boundary);
    expect(again.json.summary.events).toBe(1);
    expect(again.bytes.equals(firstExport.bytes)).toBe(true);
    expect(
      verifyReport(again.bytes, firstExport.envelope, [srv.server.store.signer.publicKey]),
    ).toMatchObject({
      ok: true,
      trusted: true,
    });
  });

  it('appears in the report of the period it was received in, flagged as a late arrival with both times', async () => {
    const now = Date.now();
    const next = await exportReport(boundary, boundary + HOUR);
    expect(next.json.summary).toMatchObject({ events: 2, late_arrivals: 1 });
    expect(next.json.arrivals).toMatchObject({ late_arrivals: 1, claimed_ahead: 1 });
    const late = next.json.arrivals.items.find((i) => i.command === 'echo backdated');
    expect(late).toMatchObject({ flag: 'late_arrival' });
    expect(Math.abs(Date.parse(late?.time ?? '') - (boundary - 30 * MIN))).toBeLessThan(2);
    const received = Date.parse(late?.received_at ?? '');
    expect(received).toBeGreaterThanOrEqual(boundary);
    expect(received).toBeLessThanOrEqual(now);
    expect(late?.skew_ms).toBe(received - Date.parse(late?.time ?? ''));
    expect(late?.skew_ms).toBeGreaterThanOrEqual(30 * MIN - 1);
    // The opposite: a time ahead of its arrival is flagged too, in the period it arrived in.
    const ahead = next.json.arrivals.items.find((i) => i.command === 'echo ahead');
    expect(ahead).toMatchObject({ flag: 'claimed_ahead' });
    expect(ahead?.skew_ms).toBeLessThan(-2 * HOUR + MIN);
    // The CSV export carries the same flag.
    const csv = await exportReport(boundary, boundary + HOUR, 'csv');
    const files = Object.entries(unzipSync(new Uint8Array(csv.bytes)));
    const arrivals = files.find(([name]) => name.endsWith('-arrivals.csv'));
    expect(arrivals && strFromU8(arrivals[1])).toMatch(/late_arrival,[^\r\n]*echo backdated/);
  });

  it('each stored event is in exactly one of consecutive reports', async () => {
    const periods = [
      [start, boundary],
      [boundary, boundary + HOUR],
      [boundary + HOUR, boundary + 3 * HOUR],
    ] as const;
    // One after another: the server builds at most two reports at once.
    const reports: Export[] = [];
    for (const [f, t] of periods) reports.push(await exportReport(f, t));
    const stored = await srv.api(ADMIN, `/api/events?session=${SESSION}&limit=100`);
    const events = ((await stored.json()) as { events: { event_id: string; command: string }[] }).events;
    expect(events.map((e) => e.command).sort()).toEqual(['echo ahead', 'echo backdated', 'echo honest']);
    expect(reports.map((r) => r.json.summary.events)).toEqual([1, 2, 0]);
    for (const e of events.filter((x) => x.command !== 'echo honest')) {
      const listed = reports.filter((r) => r.json.arrivals.items.some((i) => i.event_id === e.event_id));
      expect(listed, e.command).toHaveLength(1);
    }
  });
});
