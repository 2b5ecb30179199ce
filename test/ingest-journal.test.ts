import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type WardServer } from '../collector/server.js';
import { createStore, type Store } from '../store/index.js';
import { instanceStore } from './helpers/instances.js';
import { attr, logsBody } from './helpers/otlp-json-logs.js';

// With `--ingest-ack journal` a 200 means "fsynced in <data>/journal", and ClickHouse gets the rows in large batches
// later. What must hold: a process that dies after acknowledging loses nothing (the next start stores what
// the journal holds), a reader of the API sees every row acknowledged before its request, and rows already
// stored are not stored again. Writers here never flush on their own (an hour's interval), so the rows are
// in the journal only until something makes them go.

const ADMIN = 'journal-admin-token-0123456789abcdef';
const NEVER = { ack: 'journal' as const, flushIntervalMs: 3_600_000, maxBatchRows: 1_000_000 };
let base: Store;
const opened: WardServer[] = [];

beforeAll(async () => {
  base = await createStore({
    dataDir: mkdtempSync(join(tmpdir(), 'ward-journal-store-')),
    database: 'ward_journal_test',
  });
}, 120_000);
afterAll(async () => {
  for (const s of opened) await s.close().catch(() => {});
  await base?.close();
});

async function serve(dataDir: string): Promise<WardServer> {
  const server = await startServer(
    { port: 0, dataDir, adminToken: ADMIN, store: { database: base.config.database }, batch: NEVER },
    () => {},
    { store: instanceStore(base) },
  );
  opened.push(server);
  return server;
}

const records = (session: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    timeUnixNano: `${Date.now() - 1000}${String(i).padStart(6, '0')}`,
    body: { stringValue: 'claude_code.tool_result' },
    attributes: [
      attr('event.name', 'tool_result'),
      attr('session.id', session),
      attr('tool_name', 'Bash'),
      attr('tool_parameters', JSON.stringify({ full_command: `echo ${session} ${i}` })),
    ],
  }));

async function post(server: WardServer, session: string, n: number): Promise<number> {
  const res = await fetch(`${server.url}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(logsBody(session, records(session, n))),
  });
  return res.status;
}

async function storedOf(session: string): Promise<number> {
  const [r] = await base.db.query<{ n: string }>(
    'test.journal-count',
    `SELECT count() AS n FROM "${base.config.database}".otel_logs
       WHERE LogAttributes['session.id'] = {s:String} OR ResourceAttributes['session.id'] = {s:String}`,
    { s: session },
  );
  return Number(r?.n ?? 0);
}

describe('ingest journal end to end', () => {
  it('rows acknowledged by a process that then died are stored by the next start, once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ward-journal-crash-'));
    const first = await serve(dataDir);
    const statuses = await Promise.all([1, 2, 3].map((i) => post(first, `crash-${i}`, 40)));
    expect(statuses).toEqual([200, 200, 200]);
    // Acknowledged, in the journal, and not in ClickHouse: the writer holds them for its hour.
    expect(await storedOf('crash-1')).toBe(0);
    expect(readdirSync(join(dataDir, 'journal')).some((f) => f.endsWith('.wal'))).toBe(true);

    // `first` is abandoned as a killed process is (its memory gone, its files as fsynced); a new server on
    // the same data dir replays the journal before it listens.
    const second = await serve(dataDir);
    for (const i of [1, 2, 3]) expect(await storedOf(`crash-${i}`)).toBe(40);
    // Its marks say all is stored: a third start stores nothing again.
    await second.close();
    expect(readdirSync(join(dataDir, 'journal')).filter((f) => f.endsWith('.wal'))).toEqual([]);
    const third = await serve(dataDir);
    await third.flushIngest();
    for (const i of [1, 2, 3]) expect(await storedOf(`crash-${i}`)).toBe(40);
  });

  it('an API read sees every row acknowledged before it, without waiting for the flush interval', async () => {
    const server = await serve(mkdtempSync(join(tmpdir(), 'ward-journal-read-')));
    expect(await post(server, 'read-your-writes', 25)).toBe(200);
    expect(await storedOf('read-your-writes')).toBe(0);
    const res = await fetch(`${server.url}/api/sessions/read-your-writes`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { session: { events: number } };
    expect(body.session.events).toBe(25);
  });

  it("a request without a valid token, or the agent's own runner token, does not make the writer flush", async () => {
    // Forced flushes would shrink the writer's batches (the agent slowing ingest down for everyone); only a
    // credential allowed to read events may ask for one.
    const server = await serve(mkdtempSync(join(tmpdir(), 'ward-journal-anon-')));
    const runner = 'journal-runner-token-0123456789abcdef';
    await base.tokens.add(runner, 'agent', 'runner');
    expect(await post(server, 'anon-flush', 10)).toBe(200);
    for (const [token, status] of [
      ['not-a-token', 401],
      [runner, 403],
    ] as const) {
      const res = await fetch(`${server.url}/api/sessions/anon-flush`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(status);
    }
    expect(await storedOf('anon-flush')).toBe(0);
  });
});
