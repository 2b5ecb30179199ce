import { describe, expect, it } from 'vitest';
import { LOOPBACK_SENDER, SENDER_ATTRS } from '../schema/index.js';
import { makeEvent } from '../test/helpers/events.js';
import { testStore } from '../test/helpers/store.js';

/** A session's summary is computed from its timeline when the whole timeline was read: it must equal the SQL one. */
describe('session summary from the timeline', () => {
  it('equals the summary query for a whole session, and the query answers for a cut one', async () => {
    const store = await testStore('ward_session_summary');
    const base = Date.UTC(2026, 10, 28, 8, 0, 0);
    const kinds = ['prompt', 'command', 'tool_result', 'approval', 'network', 'bogus-kind'] as const;
    const small = Array.from({ length: 40 }, (_, i) =>
      makeEvent({
        session_id: 'S-sum',
        kind: kinds[i % kinds.length] as never,
        time: new Date(base + i * 1000).toISOString(),
        decision: i % 7 === 0 ? 'deny' : i % 3 === 0 ? 'allow' : '',
        host: i < 3 ? '' : 'box-1',
        user_id: i < 5 ? '' : 'bob',
        repo: i < 2 ? '' : 'git@x:r.git',
        // Two tokens sent into it (one through a hook call), and tokenless loopback ingest: listed are the tokens.
        attributes:
          i % 5 === 0
            ? { [SENDER_ATTRS.id]: 'token-b' }
            : i % 5 === 1
              ? { [SENDER_ATTRS.hookId]: 'token-a' }
              : i % 5 === 2
                ? { [SENDER_ATTRS.id]: LOOPBACK_SENDER }
                : {},
      }),
    );
    await store.events.insert(small);
    await store.events.insert(small.slice(0, 10)); // a retried export: counted once
    const big = Array.from({ length: 5001 }, (_, i) =>
      makeEvent({
        session_id: 'S-big',
        kind: 'command',
        time: new Date(base + i).toISOString(),
        command: `c${i}`,
      }),
    );
    await store.events.insert(big);
    const listed = await store.events.sessions({ limit: 100 });
    const sql = (id: string) => listed.find((s) => s.session_id === id);

    const tl = await store.events.session('S-sum');
    expect(tl?.truncated).toBe(false);
    expect(tl?.session).toEqual(sql('S-sum'));
    expect(tl?.session.events).toBe(40);
    expect(tl?.session.senders).toEqual(['token-a', 'token-b']);

    const cut = await store.events.session('S-big');
    expect(cut?.truncated).toBe(true);
    expect(cut?.events).toHaveLength(5000);
    expect(cut?.session).toEqual(sql('S-big'));
    expect(cut?.session.events).toBe(5001);
    expect(cut?.session.senders).toEqual([]);
  });
});
