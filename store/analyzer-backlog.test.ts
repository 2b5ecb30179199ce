import { describe, expect, it } from 'vitest';
import { testStore } from '../test/helpers/store.js';

/** The analyzer's backlog as a hook's decision reads it: the age of the oldest event past the watermark. */
describe('the backlog age a hook reads', () => {
  it('counts the rows received at the watermark’s own millisecond past its id, and only those', async () => {
    const store = await testStore('ward_backlog_age');
    const db = `"${store.config.database}".agent_events`;
    const at = '2026-12-07 07:00:00.000';
    const atIso = '2026-12-07T07:00:00.000Z';
    await store.db.command(
      'test.same-ms',
      `INSERT INTO ${db} (event_id, time, ingested_at, session_id, agent, kind)
       VALUES ('m', now64(9), '${at}', 's', 'codex', 'command'), ('n', now64(9), '${at}', 's', 'codex', 'command')`,
    );
    const age = await store.analyzer.backlogAgeMs({ ingestedAt: atIso, eventId: 'm' });
    expect(age).not.toBeNull();
    expect(Math.abs((age as number) - (Date.now() - Date.parse(atIso)))).toBeLessThan(60_000);
    // Scored up to its last id: nothing at that millisecond is left, and nothing later was received.
    expect(await store.analyzer.backlogAgeMs({ ingestedAt: atIso, eventId: 'n' })).toBeNull();
    // No watermark: the oldest event of all.
    expect(await store.analyzer.backlogAgeMs(null)).toBeGreaterThanOrEqual(age as number);
  });

  it('is the age of the oldest row received after the watermark', async () => {
    const store = await testStore('ward_backlog_age_later');
    const db = `"${store.config.database}".agent_events`;
    await store.db.command(
      'test.later',
      `INSERT INTO ${db} (event_id, time, ingested_at, session_id, agent, kind)
       VALUES ('a', now64(9), now64(3) - toIntervalSecond(90), 's', 'codex', 'command'),
              ('b', now64(9), now64(3) - toIntervalSecond(30), 's', 'codex', 'command')`,
    );
    const from = new Date(Date.now() - 60_000).toISOString();
    const age = (await store.analyzer.backlogAgeMs({ ingestedAt: from, eventId: '' })) as number;
    expect(age).toBeGreaterThanOrEqual(29_000);
    expect(age).toBeLessThan(59_000);
    expect(
      await store.analyzer.backlogAgeMs({
        ingestedAt: new Date(Date.now() + 5_000).toISOString(),
        eventId: '',
      }),
    ).toBeNull();
  });
});
