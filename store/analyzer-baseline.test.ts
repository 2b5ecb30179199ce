import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEvent } from '../test/helpers/events.js';
import { testStore } from '../test/helpers/store.js';
import type { Store } from './index.js';

// The baseline read runs on the engine's background lane, its values passed through a file
// (store/engine/file-params.ts), its per-scope limit included: LIMIT n BY.
describe('baseline samples on the background lane', () => {
  let store: Store;
  beforeAll(async () => {
    store = await testStore('ward_baseline_samples');
    const now = Date.now();
    const events = Array.from({ length: 5 }, (_, s) =>
      Array.from({ length: 3 }, (_, i) =>
        makeEvent({
          session_id: `s-${s}`,
          repo: 'github.com/acme/app',
          user_id: s % 2 ? 'ann' : 'bob',
          command: `ls ${i}`,
          call_id: `c-${s}-${i}`,
          time: new Date(now - (5 - s) * 60_000 - i * 1_000).toISOString(),
        }),
      ),
    ).flat();
    await store.events.insert(events);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('keeps the most recent n sessions per scope value, with their metrics', async () => {
    const got = await store.analyzer.baselineSamples(2);
    expect(got.repo.map((m) => m.session_id)).toEqual(['s-4', 's-3']);
    expect(got.agent.map((m) => m.session_id)).toEqual(['s-4', 's-3']);
    expect(got.user_id.map((m) => m.session_id).sort()).toEqual(['s-1', 's-2', 's-3', 's-4']);
    expect(got.repo[0]?.commands).toBe(3);
  });
});
