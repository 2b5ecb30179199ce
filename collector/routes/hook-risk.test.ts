import { describe, expect, it } from 'vitest';
import type { Store } from '../../store/index.js';
import { makeEvent } from '../../test/helpers/events.js';
import { testStore } from '../../test/helpers/store.js';
import { createRiskBehind } from './hook-risk.js';

/** The store with its hook-path reads counted. */
function counted(store: Store) {
  const reads: string[] = [];
  const analyzer = {
    ...store.analyzer,
    watermark: (name: string, forHook?: boolean) => {
      reads.push('watermark');
      return store.analyzer.watermark(name, forHook);
    },
    backlogAgeMs: (...a: Parameters<Store['analyzer']['backlogAgeMs']>) => {
      reads.push('backlog');
      return store.analyzer.backlogAgeMs(...a);
    },
    sessionBehind: (...a: Parameters<Store['analyzer']['sessionBehind']>) => {
      reads.push('session');
      return store.analyzer.sessionBehind(...a);
    },
  };
  return { store: { analyzer }, reads };
}

describe("a hook's session risk, when the analyzer is behind", () => {
  it("is not trusted for a session with any unscored event while the analyzer's oldest unscored event is old", async () => {
    const store = await testStore('ward_hook_risk');
    const db = `"${store.config.database}".agent_events`;
    const session = `behind-${Date.now()}`;
    const { store: watched, reads } = counted(store);
    const check = () => createRiskBehind({ store: watched, behindMs: 10_000, cacheMs: 0 });

    // Scored up to now: nothing is looked up per session.
    await store.events.insert([
      makeEvent({ session_id: `${session}-x`, call_id: 'x', time: new Date().toISOString() }),
    ]);
    const [last] = await store.db.query<{ t: string; id: string }>(
      'test.last',
      `SELECT toString(ingested_at) AS t, event_id AS id FROM ${db} ORDER BY ingested_at DESC, event_id DESC LIMIT 1`,
    );
    const upTo = { ingestedAt: `${last?.t.replace(' ', 'T')}Z`, eventId: last?.id ?? '' };
    await store.analyzer.setWatermark('default', upTo);
    expect(await check()(session)).toBeNull();
    expect(reads).toEqual(['watermark', 'backlog']);

    // Another agent's event, received a minute ago, is not scored yet: the analyzer is a minute behind. The
    // session's credential read, received just now, is not scored either: its risk says nothing yet.
    await store.db.command(
      'test.old-event',
      `INSERT INTO ${db} (event_id, time, ingested_at, session_id, agent, kind)
       VALUES ('old-flood-${session}', now64(9), now64(3) - toIntervalSecond(60),
               'flooder', 'codex', 'command')`,
    );
    await store.analyzer.setWatermark('default', {
      ingestedAt: new Date(Date.now() - 120_000).toISOString(),
      eventId: '',
    });
    await store.events.insert([
      makeEvent({
        session_id: session,
        call_id: 'c1',
        command: 'cat ~/.aws/credentials',
        time: new Date().toISOString(),
      }),
    ]);
    expect(await check()(session)).toMatch(
      /the analyzer is \d+ s behind and has not scored this session's latest events/,
    );
    // A session with nothing unscored is not held up by it.
    expect(await check()(`${session}-calm`)).toBeNull();

    // Scored past everything: trusted again. And 0 turns the check off.
    await store.analyzer.setWatermark('default', {
      ingestedAt: new Date(Date.now() + 1000).toISOString(),
      eventId: '',
    });
    expect(await check()(session)).toBeNull();
    await store.analyzer.setWatermark('default', { ingestedAt: '2026-01-01T00:00:00.000Z', eventId: '' });
    expect(await createRiskBehind({ store: watched, behindMs: 0 })(session)).toBeNull();
  });

  it('shares one lookup between calls at once', async () => {
    const store = await testStore('ward_hook_risk');
    const { store: watched, reads } = counted(store);
    const session = `shared-${Date.now()}`;
    await store.analyzer.setWatermark('default', { ingestedAt: '2026-01-01T00:00:00.000Z', eventId: '' });
    await store.events.insert([
      makeEvent({ session_id: session, call_id: 'c1', time: new Date().toISOString() }),
    ]);
    const check = createRiskBehind({ store: watched, behindMs: 1 });
    const answers = await Promise.all(Array.from({ length: 64 }, () => check(session)));
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toMatch(/behind/);
    expect(reads.filter((r) => r === 'session')).toHaveLength(1);
    expect(reads.filter((r) => r === 'backlog')).toHaveLength(1);
  });
});
