/**
 * Review 11 (attacker): analyzer_steps (migration 69, store/analyzer-steps.ts) against an ingest token that opens
 * sessions at will. Each session's rows are bounded (MAX_STEPS per family, analyzer/session-steps.ts), but the
 * table has no TTL and no place in store/retention.ts: every session the agent ever opened keeps its rows (each a
 * mark: the refused command, the path written, the endpoint set) after the session's own events have expired.
 * The embedded ClickHouse, migrated and with retention applied as `ward serve` applies it.
 */
import { describe, expect, it } from 'vitest';
import { testStore } from './helpers/store.js';

const EVENTS_TTL = /TTL toDateTime\(time\) \+ toIntervalDay\(\d+\)/;

/** A table's CREATE statement as the engine shows it. */
async function createQuery(store: Awaited<ReturnType<typeof testStore>>, table: string): Promise<string> {
  const [row] = await store.db.query<{ q: string }>(
    'test.ddl',
    'SELECT create_table_query AS q FROM system.tables WHERE database = {db:String} AND name = {t:String}',
    { db: store.config.database, t: table },
  );
  return row?.q ?? '';
}

describe('analyzer_steps outlives the events it was taken from', () => {
  // Was ATTACK WORKS (closed: analyzer_steps is a retention companion of agent_events): the agent sends refusals (or deletes, storage endpoints) under fresh session ids; each session
  // adds up to MAX_STEPS+1 rows per family to analyzer_steps, kept forever (no TTL, not a RETENTION_TABLES
  // companion), so the table grows with the number of sessions without bound and holds what the agent did
  // (commands, paths, hosts) past the retention the operator set for agent_events (a compliance breach of the
  // configured retention, and disk growth an ingest token drives). Fix: make analyzer_steps a companion of
  // agent_events in store/retention.ts (`TTL toDateTime(time) + toIntervalDay(days)`), as alert_triage is of
  // alerts.
  it('closed: the table carries the events’ TTL once retention is applied (was: none)', async () => {
    const store = await testStore('ward_review_11_steps');
    // Control: the events' own table has its retention.
    expect(await createQuery(store, 'agent_events')).toMatch(EVENTS_TTL);
    const steps = await createQuery(store, 'analyzer_steps');
    expect(steps).toContain('CREATE TABLE');
    expect(steps).toMatch(EVENTS_TTL);
  });

  // Was ATTACK WORKS (closed the same way, twenty-third sitting): novelty's memory (analyzer_sightings) keeps one
  // row per session for every value the session showed (a command's program, a path, a host), so fresh session ids
  // grow it without bound and it keeps what the agent did past the events' retention. A companion of agent_events.
  it('closed: novelty’s sightings carry the events’ TTL too (was: none)', async () => {
    const sightings = await createQuery(await testStore('ward_review_11_sightings'), 'analyzer_sightings');
    expect(sightings).toContain('CREATE TABLE');
    expect(sightings).toMatch(EVENTS_TTL);
  });
});
