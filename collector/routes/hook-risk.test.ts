import { describe, expect, it } from 'vitest';
import type { Store } from '../../store/index.js';
import { makeEvent } from '../../test/helpers/events.js';
import { testStore } from '../../test/helpers/store.js';
import { createRiskBehind } from './hook-risk.js';

/** The store with its reads counted, to see what a hook's check costs. */
function counted(store: Store) {
  const reads: string[] = [];
  const analyzer = {
    ...store.analyzer,
    watermark: (name: string, forHook?: boolean) => {
      reads.push('watermark');
      return store.analyzer.watermark(name, forHook);
    },
    sessionBehind: (...a: Parameters<Store['analyzer']['sessionBehind']>) => {
      reads.push('session');
      return store.analyzer.sessionBehind(...a);
    },
  };
  return { store: { analyzer }, reads };
}

describe("a hook's session risk, when the analyzer is behind", () => {
  it('is not trusted while a session has events older than the bound and not scored, and is once they are', async () => {
    const store = await testStore('ward_hook_risk');
    const session = `behind-${Date.now()}`;
    await store.events.insert([
      makeEvent({
        session_id: session,
        call_id: 'c1',
        command: 'cat ~/.aws/credentials',
        time: new Date().toISOString(),
      }),
    ]);
    const later = Date.now() + 15_000;
    const { store: watched, reads } = counted(store);
    const behind = createRiskBehind({ store: watched, behindMs: 10_000, cacheMs: 0, now: () => later });
    // 15 s after the read arrived, nothing scored it: the session's risk says nothing yet.
    expect(await behind(session)).toMatch(/has not scored this session's events received more than 10 s ago/);
    // Another session with nothing unscored is not held up by it.
    expect(await behind(`${session}-calm`)).toBeNull();

    // The analyzer scores past it (its watermark moves beyond the event).
    const [row] = await store.db.query<{ t: string; id: string }>(
      'test.last',
      `SELECT toString(ingested_at) AS t, event_id AS id FROM "${store.config.database}".agent_events
       WHERE session_id = {s:String} ORDER BY ingested_at DESC, event_id DESC LIMIT 1`,
      { s: session },
    );
    await store.analyzer.setWatermark('default', {
      ingestedAt: `${row?.t.replace(' ', 'T')}Z`,
      eventId: row?.id ?? '',
    });
    expect(await behind(session)).toBeNull();

    // Scored up to an event received after the bound: no lookup at all.
    reads.length = 0;
    const soon = createRiskBehind({ store: watched, behindMs: 10_000, cacheMs: 0, now: () => Date.now() });
    expect(await soon(session)).toBeNull();
    expect(reads).toEqual(['watermark']);
  });
});
