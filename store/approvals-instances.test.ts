import { describe, expect, it } from 'vitest';
import type { Approval } from '../schema/index.js';
import { testStore } from '../test/helpers/store.js';
import { createApprovalsRepo } from './approvals.js';
import type { Db } from './db.js';

// Two server instances resolving one approval, interleaved the worst way: B reads it pending, A decides it
// completely, then B's write lands. Without a first-writer-wins rule both would answer "decided" (B's row, a
// newer version, would even replace A's): a runner could be told "approved" while the store says denied.

function pending(id: string, requester: string, createdMs = Date.now()): Approval {
  return {
    id,
    created_at: new Date(createdMs).toISOString(),
    expires_at: new Date(createdMs + 300_000).toISOString(),
    session_id: 'S1',
    agent: 'codex',
    command: 'rm -rf build',
    cwd: '/work',
    risk: 0.5,
    reasons: [],
    requested_by: 'runner',
    requester_id: requester,
    status: 'pending',
    scope: '',
    decided_by: '',
    decided_at: '',
    decision_reason: '',
    project: '/work',
    grantable: false,
  };
}

/** A Db whose first read of an approval says when it has read, then answers only once `release` resolves. */
function heldDb(db: Db, release: Promise<void>) {
  let readDone: () => void = () => {};
  const firstRead = new Promise<void>((r) => {
    readDone = r;
  });
  const held: Db = {
    ...db,
    async query<T>(tag: string, sql: string, params?: Record<string, unknown>) {
      const rows = await db.query<T>(tag, sql, params);
      if (tag === 'approvals.get') {
        readDone();
        await release;
      }
      return rows;
    },
  };
  return { db: held, firstRead };
}

describe('approvals resolved by several instances', () => {
  it('the first final version wins; the late instance is told the request is already final', async () => {
    const store = await testStore();
    const database = store.config.database;
    const a = createApprovalsRepo(store.db, database);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow = heldDb(store.db, gate);
    const b = createApprovalsRepo(slow.db, database);
    await a.create(pending('race-1', 'tok-r'));

    const late = b.decide('race-1', {
      status: 'approved',
      scope: 'once',
      decided_by: 'bob',
      decision_reason: 'B',
    });
    await slow.firstRead;
    const first = await a.decide('race-1', {
      status: 'denied',
      scope: 'once',
      decided_by: 'alice',
      decision_reason: 'A',
    });
    release();
    const second = await late;
    expect(first).toMatchObject({ ok: true, approval: { status: 'denied', decided_by: 'alice' } });
    expect(second).toMatchObject({
      ok: false,
      reason: 'final',
      approval: { status: 'denied', decided_by: 'alice' },
    });
    expect(await b.get('race-1')).toMatchObject({ status: 'denied', decided_by: 'alice' });
    // Later changes still land (the token of one resolve does not swallow other inserts).
    await a.create(pending('race-2', 'tok-r'));
    expect(await a.get('race-2')).toMatchObject({ status: 'pending' });
  });

  it('a decision made where the clock runs behind still replaces the pending row', async () => {
    const store = await testStore();
    const a = createApprovalsRepo(store.db, store.config.database);
    // Created by an instance whose clock is an hour ahead: its version is an hour in the future.
    const realNow = Date.now;
    Date.now = () => realNow() + 3600_000;
    try {
      await a.create(pending('skew-1', 'tok-r'));
    } finally {
      Date.now = realNow;
    }
    const b = createApprovalsRepo(store.db, store.config.database);
    const r = await b.expire('skew-1');
    expect(r.ok).toBe(true);
    expect(await a.get('skew-1')).toMatchObject({ status: 'expired' });
  });

  it('counts a token’s pending requests across instances, the earliest first', async () => {
    const store = await testStore();
    const a = createApprovalsRepo(store.db, store.config.database);
    const b = createApprovalsRepo(store.db, store.config.database);
    const t0 = Date.now();
    const first = pending('count-1', 'tok-count', t0);
    const second = pending('count-2', 'tok-count', t0 + 1);
    await a.create(first);
    await b.create(second);
    expect(await b.pendingOf('tok-count')).toBe(2);
    expect(await a.pendingOf('tok-count', first)).toBe(1);
    expect(await a.pendingOf('tok-count', second)).toBe(2);
    await b.decide('count-1', { status: 'denied', scope: '', decided_by: 'x', decision_reason: '' });
    expect(await a.pendingOf('tok-count')).toBe(1);
  });
});
