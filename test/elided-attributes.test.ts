import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_VALUE_CHARS, prepareRequest } from '../collector/index.js';
import { createRedactor } from '../schema/fast.js';
import { ELIDED_MARK, type Store } from '../store/index.js';
import { valueDigest } from '../store/rows/elide.js';
import { testStore } from './helpers/store.js';

/**
 * Long attribute values are stored once, in the raw row; agent_events keeps a prefix and a reference, and
 * every reader of events gets the full value back, exactly. Both insert formats (RowBinary on the embedded
 * engine, JSONEachRow as on a server) go through the same elision.
 */
const NOW = Date.parse('2026-12-01T12:00:00Z');
const T0 = BigInt(NOW - 60_000) * 1_000_000n;

/** Output-like text of `n` characters, different per seed (no secrets: redaction leaves it as is). */
const text = (seed: string, n: number) => {
  let s = '';
  for (let i = 0; s.length < n; i++) s += `${seed} line ${i}: total ${i * 7} drwxr-xr-x src/file-${i}.ts\n`;
  return s.slice(0, n);
};

const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
const record = (nanos: bigint, attrs: ReturnType<typeof attr>[]) => ({
  timeUnixNano: nanos.toString(),
  observedTimeUnixNano: nanos.toString(),
  body: { stringValue: '' },
  attributes: attrs,
});

function logsBody(session: string, records: ReturnType<typeof record>[]): Uint8Array {
  const body = {
    resourceLogs: [
      {
        resource: { attributes: [attr('service.name', 'tool-service'), attr('session.id', session)] },
        scopeLogs: [{ scope: { name: 'test' }, logRecords: records }],
      },
    ],
  };
  return new TextEncoder().encode(JSON.stringify(body));
}

async function ingest(store: Store, body: Uint8Array, rowBinary: boolean): Promise<void> {
  const prepared = prepareRequest('logs', body, 'json', createRedactor(), { codec: { rowBinary } }, NOW);
  for (const part of prepared.parts) if (part.rows > 0) await store.ingest.write(part);
}

describe.each([true, false])('long attribute values kept once (RowBinary: %s)', (rowBinary) => {
  let store: Store;
  const session = `elide-${rowBinary}`;
  // Distinct per block: both blocks share this process's engine, and equal records would share event ids.
  const outA = text(`alpha ${rowBinary}`, 3000);
  const outB = text(`bravo ${rowBinary}`, 3000);
  // A hostile agent sends a value that already looks like an elided one: it must come back as sent.
  const spoof = `short${ELIDED_MARK}]`;
  const longSpoof = `${text('charlie', 400)}${ELIDED_MARK}, sha256 ${valueDigest(outA)}]`;
  // Longer than the normalizer keeps: the event holds its start and a truncation mark, the raw row all of it.
  const huge = text(`delta ${rowBinary}`, MAX_VALUE_CHARS + 5000);

  beforeAll(async () => {
    store = await testStore(`ward_elide_${rowBinary ? 'rb' : 'json'}`);
    // Two records with the same time and no trace/span ids (the same link) and different long values under the
    // same key: each event must get its own back.
    await ingest(
      store,
      logsBody(session, [
        record(T0, [attr('event.name', 'tool.result'), attr('output', outA), attr('note', spoof)]),
        record(T0, [attr('event.name', 'tool.result'), attr('output', outB), attr('note', longSpoof)]),
        record(T0 + 1000n, [attr('event.name', 'tool.small'), attr('output', 'ok')]),
        record(T0 + 2000n, [attr('event.name', 'tool.huge'), attr('output', huge)]),
      ]),
      rowBinary,
    );
  });
  afterAll(async () => {
    await store.db.command('t', `TRUNCATE TABLE ${store.config.database}.otel_logs`);
  });

  it('stores only a bounded prefix of the long values in agent_events', async () => {
    const rows = await store.db.query<{ attributes: Record<string, string>; attributes_ref: object }>(
      't',
      `SELECT attributes, attributes_ref FROM ${store.config.database}.agent_events WHERE session_id = {s:String}`,
      { s: session },
    );
    expect(rows).toHaveLength(4);
    const stored = rows.flatMap((r) => Object.values(r.attributes)).join('');
    expect(stored).not.toContain(outA.slice(0, 300));
    expect(stored).not.toContain(outB.slice(0, 300));
    expect(stored).not.toContain(huge.slice(0, 300));
    for (const r of rows) for (const v of Object.values(r.attributes)) expect(v.length).toBeLessThan(500);
    expect(rows.filter((r) => Object.keys(r.attributes_ref).length > 0)).toHaveLength(3);
  });

  it('gives every reader the full values back, each event its own', async () => {
    const page = await store.events.query({ session, limit: 10 });
    const cut = page.events.find((e) => e.event_name === 'tool.huge')?.attributes.output ?? '';
    // What the normalizer stored: the value's start and its truncation mark, not the raw row's whole value.
    expect(cut.startsWith(huge.slice(0, MAX_VALUE_CHARS))).toBe(true);
    expect(cut.length).toBeGreaterThan(MAX_VALUE_CHARS);
    expect(cut.length).toBeLessThan(MAX_VALUE_CHARS + 64);
    expect(cut).toMatch(/truncated\]$/);
    const outputs = page.events.map((e) => e.attributes.output).sort();
    expect(outputs).toEqual([outA, outB, 'ok', cut].sort());
    const a = page.events.find((e) => e.attributes.output === outA);
    expect(a?.attributes.note).toBe(spoof);
    const b = page.events.find((e) => e.attributes.output === outB);
    expect(b?.attributes.note).toBe(longSpoof);

    const timeline = await store.events.session(session);
    expect(timeline?.events.map((e) => e.attributes.output).sort()).toEqual([outA, outB, 'ok', cut].sort());
    const byId = await store.events.byId(b?.event_id ?? '');
    expect(byId?.attributes).toEqual(b?.attributes);
    const evidence = await store.alerts.evidence([a?.event_id ?? '', b?.event_id ?? '']);
    expect(evidence.map((e) => e.attributes.output).sort()).toEqual([outA, outB].sort());
    expect(page.events.every((e) => !('attributes_ref' in e))).toBe(true);
  });

  it('keeps the prefix and says where the rest was once the raw rows are gone', async () => {
    await store.db.command('t', `TRUNCATE TABLE ${store.config.database}.otel_logs`);
    const page = await store.events.query({ session, limit: 10 });
    const kept = page.events.map((e) => e.attributes.output ?? '').filter((v) => v !== 'ok');
    expect(kept).toHaveLength(3);
    for (const v of kept) {
      expect(v.length).toBeLessThan(300);
      const [prefix] = v.split(ELIDED_MARK);
      // The mark names the full value's digest, so a raw row found elsewhere can be checked against it.
      const digest = /^, sha256 ([0-9a-f]{32})\]/.exec(
        v.slice((prefix ?? '').length + ELIDED_MARK.length),
      )?.[1];
      const full = [outA, outB, huge].find((o) => o.startsWith(prefix ?? '-'));
      expect(full).toBeDefined();
      if (full !== huge) expect(digest).toBe(valueDigest(full ?? ''));
      else expect(digest).toMatch(/^[0-9a-f]{32}$/);
    }
  });
});
