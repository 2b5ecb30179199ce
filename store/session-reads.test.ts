import { describe, expect, it } from 'vitest';
import { testStore } from '../test/helpers/store.js';
import type { SessionRead } from './session-reads.js';

describe('secret reads kept in the store', () => {
  it("loads each session's newest read, a token's share at most, so one token's rows push no other's out", async () => {
    const store = await testStore('ward_session_reads');
    const now = Date.now();
    const read = (session: string, caller: string, atMs: number, what = 'cat .env'): SessionRead => ({
      session_id: session,
      caller,
      atMs,
      what,
    });
    await store.sessionReads.note([read('patient', 'victim', now - 60_000)]);
    // Afterwards, a flood from one token: 1,500 sessions, one of them noted twice.
    await store.sessionReads.note(
      Array.from({ length: 1_500 }, (_, i) => read(`decoy-${i}`, 'flooder', now - 30_000 + i)),
    );
    await store.sessionReads.note([read('decoy-0', 'flooder', now - 1_000, 'x'.repeat(10_000))]);
    const loaded = await store.sessionReads.since(now - 3_600_000, 1_001, 1_000);
    expect(loaded.filter((r) => r.caller === 'flooder')).toHaveLength(1_000);
    expect(loaded.find((r) => r.session_id === 'patient')).toMatchObject({ caller: 'victim' });
    // Oldest first, one per session (its newest), each description bounded.
    expect(loaded.map((r) => r.atMs)).toEqual([...loaded.map((r) => r.atMs)].sort((a, b) => a - b));
    expect(loaded.filter((r) => r.session_id === 'decoy-0')).toHaveLength(1);
    expect(Math.max(...loaded.map((r) => r.what.length))).toBeLessThanOrEqual(240);
    const latest = await store.sessionReads.latest('decoy-0', now - 3_600_000);
    expect(latest?.what.length).toBe(240);
    expect(await store.sessionReads.latest('never-read', now - 3_600_000)).toBeNull();
  });
});
