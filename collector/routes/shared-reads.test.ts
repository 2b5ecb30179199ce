import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../schema/fast.js';
import type { SessionRead } from '../../store/index.js';
import { createSharedReads } from './shared-reads.js';

function fakeRepo(fail = () => false) {
  const inserts: SessionRead[][] = [];
  return {
    inserts,
    note: async (reads: readonly SessionRead[]) => {
      if (fail()) throw new Error('store down');
      inserts.push([...reads]);
    },
    latest: async () => null,
    since: async () => [],
  };
}
const read = (session: string, atMs: number, caller = 'runner'): SessionRead => ({
  session_id: session,
  caller,
  atMs,
  what: 'reads a project secrets file: cat .env',
});

describe('secret reads stored for other instances', () => {
  it('stores the reads noted close together in one insert, each call answered once it is stored', async () => {
    const repo = fakeRepo();
    const shared = createSharedReads(repo, true, { flushMs: 20 });
    const noted = Array.from({ length: 100 }, (_, i) => shared.note(read(`s${i}`, 1_000)));
    await Promise.all(noted);
    expect(repo.inserts).toHaveLength(1);
    expect(repo.inserts[0]).toHaveLength(100);
  });

  it("stores a session's read again for the same token once a minute, another token's at once", async () => {
    const repo = fakeRepo();
    const shared = createSharedReads(repo, true, { flushMs: 1 });
    await shared.note(read('s', 0));
    await shared.note(read('s', 30_000));
    await shared.note(read('s', 30_000, 'other'));
    await shared.note(read('s', 61_000));
    expect(repo.inserts.flat().map((r) => [r.caller, r.atMs])).toEqual([
      ['runner', 0],
      ['other', 30_000],
      ['runner', 61_000],
    ]);
  });

  it('stores what was read redacted (it quotes the command)', async () => {
    const repo = fakeRepo();
    const shared = createSharedReads(repo, true, {
      flushMs: 1,
      redact: (s) => s.replace(/ghp_\w+/g, '[REDACTED:github-token]'),
    });
    await shared.note({ ...read('s', 0), what: 'reads a project secrets file: cat .env; echo ghp_abc' });
    expect(repo.inserts[0]?.[0]?.what).toBe(
      'reads a project secrets file: cat .env; echo [REDACTED:github-token]',
    );
    // Redacted first, then cut to what the memory keeps: a path as long as the request body is not stored whole.
    await shared.note({ ...read('t', 0), what: `reads ${'a/'.repeat(50_000)}.env ghp_abc` });
    expect(repo.inserts[1]?.[0]?.what).toHaveLength(240);
  });

  it('redacts before it cuts: a credential across the cut leaves none of itself behind', async () => {
    const repo = fakeRepo();
    const redactor = createRedactor();
    const shared = createSharedReads(repo, true, { flushMs: 1, redact: (s) => redactor.text(s) });
    const token = `ghp_${'Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNbVc'}`;
    await shared.note({ ...read('u', 0), what: `cat .env; echo ${'x'.repeat(216)} ${token}` });
    const stored = repo.inserts[0]?.[0]?.what ?? '';
    expect(stored).toHaveLength(240);
    expect(stored).not.toContain('ghp_');
  });

  it('is bounded, and a read that failed to store is stored on its next note', async () => {
    let down = true;
    const repo = fakeRepo(() => down);
    const shared = createSharedReads(repo, true, { flushMs: 1, maxQueued: 3 });
    await Promise.all([1, 2, 3, 4, 5].map((i) => shared.note(read(`s${i}`, 0))));
    expect(repo.inserts).toHaveLength(0);
    down = false;
    await shared.note(read('s1', 10));
    await shared.flush();
    expect(repo.inserts.flat().map((r) => r.session_id)).toEqual(['s1']);
  });
});
