import { describe, expect, it, vi } from 'vitest';
import { createGrantRule } from '../../gate/index.js';
import type { Approval } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import { testStore } from '../../test/helpers/store.js';
import { createApprovalService } from './service.js';
import type { Caller } from './service-types.js';

// With the embedded engine this process is the approvals table's only writer, so a request's row and its audit
// record are written at once, and so are a decision's; the waiting runner is told when both are stored. What
// that must never allow: a runner going on before the decision is on the audit trail, or a trail that claims
// a decision (or a request) the store does not hold.

const RUNNER: Caller = { id: 'tok-runner-alongside', name: 'runner-a', role: 'runner' };
const ANALYST: Caller = { id: 'tok-analyst-alongside', name: 'alice', role: 'analyst' };

const ask = (session: string) => ({
  session_id: session,
  agent: 'codex',
  command: 'git push --force origin main',
  cwd: '/work',
  project: '/work',
  risk: 0.6,
  reasons: [],
  timeout_s: 300,
  grantable: false,
});

type Deps = Parameters<typeof createApprovalService>[0]['store'];

/** A latch: `wait` resolves once `open` is called. */
function latch() {
  let open: () => void = () => {};
  const wait = new Promise<void>((r) => {
    open = r;
  });
  return { open, wait };
}

async function trailOf(store: Store, id: string): Promise<string[]> {
  const records = await store.audit.list({ limit: 10_000 });
  return records.filter((r) => r.target === id).map((r) => r.action);
}

describe('approval rows and their audit records written at once (sole writer)', () => {
  it('the runner is released only once the decision is on the audit trail, and before its event row', async () => {
    const store = await testStore();
    const auditCalled = latch();
    const auditGo = latch();
    const decisionStored = latch();
    const eventGo = latch();
    const listAnswered = latch();
    const deps: Deps = {
      ...store,
      approvals: {
        ...store.approvals,
        async list(...args: Parameters<Store['approvals']['list']>) {
          const r = await store.approvals.list(...args);
          listAnswered.open();
          return r;
        },
        async decide(...args: Parameters<Store['approvals']['decide']>) {
          const r = await store.approvals.decide(...args);
          decisionStored.open();
          return r;
        },
      },
      audit: {
        ...store.audit,
        async append(entry) {
          if (entry.action === 'approval.decided') {
            auditCalled.open();
            await auditGo.wait;
          }
          return store.audit.append(entry);
        },
      },
      events: {
        ...store.events,
        async insert(rows) {
          if (rows.some((r) => r.event_name.endsWith('decided'))) await eventGo.wait;
          return store.events.insert(rows);
        },
      },
    };
    const service = createApprovalService({ store: deps });
    const a = await service.create(ask('s-order'), RUNNER);
    let released: Approval | null = null;
    const waiting = service.waitForFinal(a.id, 60_000, undefined, RUNNER).then((x) => {
      released = x;
      return x;
    });
    const deciding = service.decide(a.id, { decision: 'approve', scope: 'once', reason: '' }, ANALYST);
    await Promise.all([auditCalled.wait, decisionStored.wait]);
    // The decision's row is stored, its audit record is not yet: the runner still waits, and a runner that
    // asks only now (its wait's first read, or a plain get) learns nothing before the record is stored.
    expect(released).toBeNull();
    let lateSaw: Approval | null = null;
    const late = service.waitForFinal(a.id, 0, undefined, RUNNER).then((x) => {
      lateSaw = x;
    });
    const got = service.get(a.id, RUNNER).then((x) => {
      lateSaw ??= x;
    });
    let listed: Approval[] | null = null;
    const list = service.list('approved', 100, RUNNER).then((xs) => {
      listed = xs;
    });
    await listAnswered.wait; // the table has answered the list (with the decision's row in it)
    await new Promise((r) => setImmediate(r)); // their reads (from memory) have had their turn
    expect(released).toBeNull();
    expect(lateSaw).toBeNull();
    expect(listed).toBeNull();
    auditGo.open();
    // Released with the event row still held back.
    expect((await waiting)?.status).toBe('approved');
    await Promise.all([late, got, list]);
    expect((listed as Approval[] | null)?.find((x) => x.id === a.id)?.status).toBe('approved');
    expect((lateSaw as Approval | null)?.status).toBe('approved');
    eventGo.open();
    expect(await deciding).toMatchObject({ ok: true, approval: { status: 'approved' } });
    expect(await trailOf(store, a.id)).toEqual(['approval.requested', 'approval.decided']);
    service.close();
  });

  it('a decision the store refuses is not told to the runner, and the trail says it was not stored', async () => {
    const store = await testStore();
    const deps: Deps = {
      ...store,
      approvals: {
        ...store.approvals,
        decide: () =>
          Promise.reject(new Error('Code: 243. DB::Exception: Cannot reserve 1.00 MiB (NOT_ENOUGH_SPACE)')),
      },
    };
    const service = createApprovalService({ store: deps });
    const a = await service.create(ask('s-refused'), RUNNER);
    await expect(
      service.decide(a.id, { decision: 'approve', scope: 'once', reason: '' }, ANALYST),
    ).rejects.toThrow(/NOT_ENOUGH_SPACE/);
    // Still pending, in the store and for a runner that asks now.
    expect((await store.approvals.get(a.id))?.status).toBe('pending');
    expect((await service.waitForFinal(a.id, 0, undefined, RUNNER))?.status).toBe('pending');
    expect(await trailOf(store, a.id)).toEqual([
      'approval.requested',
      'approval.decided',
      'approval.decided-not-stored',
    ]);
    const [notStored] = (await store.audit.list({ limit: 10_000 })).filter(
      (r) => r.target === a.id && r.action === 'approval.decided-not-stored',
    );
    expect(notStored?.details).toContain('NOT_ENOUGH_SPACE');
    service.close();
  });

  it('a request whose row fails to store is refused, and the trail says it was not stored', async () => {
    const store = await testStore();
    const deps: Deps = {
      ...store,
      approvals: { ...store.approvals, create: () => Promise.reject(new Error('engine unavailable')) },
    };
    const service = createApprovalService({ store: deps });
    await expect(service.create(ask('s-create-refused'), RUNNER)).rejects.toThrow(/engine unavailable/);
    const records = await store.audit.list({ limit: 10_000 });
    const requested = records.find(
      (r) => r.action === 'approval.requested' && String(r.details).includes('s-create-refused'),
    );
    expect(requested).toBeDefined();
    expect(await trailOf(store, requested?.target ?? '')).toEqual([
      'approval.requested',
      'approval.requested-not-stored',
    ]);
    expect(await store.approvals.get(requested?.target ?? '')).toBeNull();
    service.close();
  });

  it('keeps the per-token limit on requests made at once', async () => {
    const store = await testStore();
    const service = createApprovalService({ store });
    const caller: Caller = { id: 'tok-flood', name: 'flood', role: 'runner' };
    const results = await Promise.allSettled(
      Array.from({ length: 120 }, (_, i) => service.create(ask(`s-flood-${i}`), caller)),
    );
    const made = results.filter((r) => r.status === 'fulfilled').length;
    expect(made).toBe(64);
    expect(await store.approvals.pendingOf(caller.id)).toBe(64);
    expect(results.some((r) => r.status === 'rejected')).toBe(true);
    service.close();
  });

  it('an audit append that fails once is tried again before the runner is told', async () => {
    const store = await testStore();
    let failures = 0;
    const deps: Deps = {
      ...store,
      audit: {
        ...store.audit,
        async append(entry) {
          if (entry.action === 'approval.decided' && failures === 0) {
            failures++;
            throw new Error('Code: 241. DB::Exception: Memory limit exceeded');
          }
          return store.audit.append(entry);
        },
      },
    };
    const service = createApprovalService({ store: deps });
    const a = await service.create(ask('s-audit-retry'), RUNNER);
    const waiting = service.waitForFinal(a.id, 60_000, undefined, RUNNER);
    const r = await service.decide(a.id, { decision: 'approve', scope: 'once', reason: '' }, ANALYST);
    expect(r).toMatchObject({ ok: true, approval: { status: 'approved' } });
    expect((await waiting)?.status).toBe('approved');
    expect(failures).toBe(1);
    expect(await trailOf(store, a.id)).toEqual(['approval.requested', 'approval.decided']);
    service.close();
  });

  for (const { soleWriter, grant } of [
    { soleWriter: true, grant: false },
    { soleWriter: false, grant: false },
    { soleWriter: true, grant: true },
  ]) {
    it(`a decision whose record the trail refuses twice is told to nobody until the record is stored (${soleWriter ? 'sole writer' : 'several instances'}${grant ? ', with a grant' : ''})`, async () => {
      const store = await testStore();
      let refuse = true;
      let refused = 0;
      const decidedEvents: string[] = [];
      const deps: Deps = {
        ...store,
        approvals: { ...store.approvals, soleWriter },
        events: {
          ...store.events,
          async insert(rows) {
            for (const r of rows)
              if (r.event_name === 'ward.approval.decided') decidedEvents.push(r.event_name);
            return store.events.insert(rows);
          },
        },
        audit: {
          ...store.audit,
          async append(entry) {
            if (entry.action === 'approval.decided' && refuse) {
              refused++;
              throw new Error('Code: 241. DB::Exception: Memory limit exceeded');
            }
            return store.audit.append(entry);
          },
        },
      };
      const service = createApprovalService({
        store: deps,
        holdWaitMs: 50,
        ...(grant ? { grantRule: createGrantRule(), riskOf: async () => 0.3 } : {}),
      });
      const a = await service.create(
        { ...ask(`s-audit-down-${soleWriter}-${grant}`), command: 'git push origin main', grantable: grant },
        RUNNER,
      );
      let told: Approval | null | undefined;
      const waiting = service.waitForFinal(a.id, 60_000, undefined, RUNNER).then((x) => {
        told = x;
        return x;
      });
      const decision = { decision: 'approve', scope: grant ? 'session' : 'once', reason: '' } as const;
      await expect(service.decide(a.id, decision, ANALYST)).rejects.toThrow(/told once the record is stored/);
      // An analyst who tries again after the error learns it is decided; that lifts nothing for the runner.
      expect(await service.decide(a.id, decision, ANALYST)).toMatchObject({ ok: false, reason: 'final' });
      // The table holds the decision; every read answers with the request as it was, after a bounded wait,
      // and lists by status place it where it was (its decision shows in none of them).
      expect((await store.approvals.get(a.id))?.status).toBe('approved');
      expect((await service.get(a.id, RUNNER))?.status).toBe('pending');
      const listed = async (status?: 'pending' | 'approved' | 'denied') =>
        (await service.list(status, 10, RUNNER)).filter((x) => x.id === a.id).map((x) => x.status);
      expect(await listed()).toEqual(['pending']);
      expect(await listed('pending')).toEqual(['pending']);
      expect(await listed('approved')).toEqual([]);
      expect(await listed('denied')).toEqual([]);
      expect(told).toBeUndefined();
      expect(await trailOf(store, a.id)).toEqual(['approval.requested']);
      // Nor does the session's timeline show it (the analyzer scores it, and a runner reads its risk).
      expect(decidedEvents).toEqual([]);
      // The trail takes it again: recorded (marked late), and only then is the runner told.
      refuse = false;
      expect((await waiting)?.status).toBe('approved');
      expect(refused).toBeGreaterThanOrEqual(soleWriter && !grant ? 2 : 1);
      const records = (await store.audit.list({ limit: 1000 })).filter((r) => r.target === a.id);
      expect(records.map((r) => r.action)).toEqual(['approval.requested', 'approval.decided']);
      expect(JSON.stringify(records[1])).toMatch(/recorded_late/);
      expect((await service.get(a.id, RUNNER))?.status).toBe('approved');
      service.close();
    }, 60_000);
  }

  it('a decision left without its record when the server stopped is recorded before anyone reads it after a restart', async () => {
    const store = await testStore();
    let refuse = true;
    const deps: Deps = {
      ...store,
      audit: {
        ...store.audit,
        async append(entry) {
          if (entry.action === 'approval.decided' && refuse)
            throw new Error('Code: 241. DB::Exception: Memory limit exceeded');
          return store.audit.append(entry);
        },
      },
    };
    const first = createApprovalService({ store: deps, holdWaitMs: 50 });
    const a = await first.create(ask('s-restart'), RUNNER);
    await expect(
      first.decide(a.id, { decision: 'deny', scope: 'once', reason: 'no' }, ANALYST),
    ).rejects.toThrow(/told once the record is stored/);
    first.close(); // stopped before the trail took the record: only the table knows the decision
    // Restarted while the trail still refuses: the request reads as it was, and is recorded once it can be.
    const second = createApprovalService({ store: deps, holdWaitMs: 50 });
    await second.start();
    expect((await second.get(a.id, RUNNER))?.status).toBe('pending');
    const told = second.waitForFinal(a.id, 60_000, undefined, RUNNER);
    refuse = false;
    expect((await told)?.status).toBe('denied');
    second.close();
    // A third start finds it recorded, and records nothing twice.
    const third = createApprovalService({ store: deps, holdWaitMs: 50 });
    await third.start();
    const records = (await store.audit.list({ limit: 1000 })).filter((r) => r.target === a.id);
    expect(records.map((r) => r.action)).toEqual(['approval.requested', 'approval.decided']);
    expect(JSON.stringify(records[1])).toMatch(/after_restart/);
    expect((await third.get(a.id, RUNNER))?.status).toBe('denied');
    third.close();
  }, 60_000);

  it('a held decision is not given away by where its request is listed, whatever the page size', async () => {
    const store = await testStore();
    let refuse = false;
    const deps: Deps = {
      ...store,
      audit: {
        ...store.audit,
        async append(entry) {
          if (entry.action === 'approval.decided' && refuse) throw new Error('the trail refuses');
          return store.audit.append(entry);
        },
      },
    };
    const service = createApprovalService({ store: deps, holdWaitMs: 50 });
    // A runner of its own: the lists below are this runner's alone.
    const PAGER: Caller = { ...RUNNER, id: 'tok-runner-pages' };
    const a1 = await service.create(ask('s-page-1'), PAGER);
    await service.decide(a1.id, { decision: 'approve', scope: 'once', reason: '' }, ANALYST);
    const d1 = await service.create(ask('s-page-2'), PAGER);
    await service.decide(d1.id, { decision: 'deny', scope: 'once', reason: '' }, ANALYST);
    const a2 = await service.create(ask('s-page-3'), PAGER);
    refuse = true;
    await expect(
      service.decide(a2.id, { decision: 'approve', scope: 'once', reason: '' }, ANALYST),
    ).rejects.toThrow(/told once the record is stored/);
    const ids = async (status: 'approved' | 'denied' | 'pending' | 'expired') =>
      (await service.list(status, 1, PAGER)).map((x) => x.id);
    expect(await ids('approved')).toEqual([a1.id]);
    expect(await ids('denied')).toEqual([d1.id]);
    expect(await ids('pending')).toEqual([a2.id]);
    // Past its deadline it reads as an undecided request would by then: expired, not pending.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 400_000);
      expect((await service.get(a2.id, PAGER))?.status).toBe('expired');
      expect(await ids('expired')).toEqual([a2.id]);
      expect(await ids('pending')).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
    service.close();
  }, 60_000);

  it('a record of an earlier decision that failed to store does not pass for the one that stood', async () => {
    const store = await testStore();
    let failRow = true;
    let refuse = false;
    const deps: Deps = {
      ...store,
      approvals: {
        ...store.approvals,
        async decide(...args: Parameters<Store['approvals']['decide']>) {
          if (failRow) {
            failRow = false;
            throw new Error('the row insert failed');
          }
          return store.approvals.decide(...args);
        },
      },
      audit: {
        ...store.audit,
        async append(entry) {
          if (entry.action === 'approval.decided' && refuse) throw new Error('the trail refuses');
          return store.audit.append(entry);
        },
      },
    };
    const first = createApprovalService({ store: deps, holdWaitMs: 50 });
    const a = await first.create(ask('s-stale-record'), RUNNER);
    // A deny whose record is stored but whose row is not; then an approve whose row stands, record refused.
    await expect(
      first.decide(a.id, { decision: 'deny', scope: 'once', reason: '' }, ANALYST),
    ).rejects.toThrow(/row insert failed/);
    refuse = true;
    await expect(
      first.decide(a.id, { decision: 'approve', scope: 'once', reason: '' }, ANALYST),
    ).rejects.toThrow(/told once the record is stored/);
    first.close();
    const second = createApprovalService({ store: deps, holdWaitMs: 50 });
    await second.start();
    expect((await second.get(a.id, RUNNER))?.status).toBe('pending');
    refuse = false;
    expect((await second.waitForFinal(a.id, 60_000, undefined, RUNNER))?.status).toBe('approved');
    expect(await trailOf(store, a.id)).toEqual([
      'approval.requested',
      'approval.decided',
      'approval.decided-not-stored',
      'approval.decided',
    ]);
    second.close();
  }, 60_000);

  it('a full token cannot queue requests without bound: past the limit waiting, they are refused at once', async () => {
    const store = await testStore();
    let counts = 0;
    const deps: Deps = {
      ...store,
      approvals: {
        ...store.approvals,
        async pendingBesides(...args: Parameters<Store['approvals']['pendingBesides']>) {
          counts++;
          return store.approvals.pendingBesides(...args);
        },
      },
    };
    const service = createApprovalService({ store: deps });
    const caller: Caller = { id: 'tok-full', name: 'full', role: 'runner' };
    for (let i = 0; i < 64; i++) await service.create(ask(`s-full-${i}`), caller);
    counts = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 500 }, (_, i) => service.create(ask(`s-over-${i}`), caller)),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    // Each request that waited for its turn counted the store once; the rest never waited.
    expect(counts).toBeLessThanOrEqual(64);
    expect(await store.approvals.pendingOf(caller.id)).toBe(64);
    service.close();
  });

  it('an expiry is told to nobody before its audit record and event row are stored', async () => {
    const store = await testStore();
    const expiredStored = latch();
    const eventGo = latch();
    const deps: Deps = {
      ...store,
      approvals: {
        ...store.approvals,
        async expire(...args: Parameters<Store['approvals']['expire']>) {
          const r = await store.approvals.expire(...args);
          expiredStored.open();
          return r;
        },
      },
      events: {
        ...store.events,
        async insert(rows) {
          if (rows.some((r) => r.event_name.endsWith('expired'))) await eventGo.wait;
          return store.events.insert(rows);
        },
      },
    };
    const service = createApprovalService({ store: deps });
    const a = await service.create({ ...ask('s-expiry'), timeout_s: 1 }, RUNNER);
    await expiredStored.wait; // the deadline passed and the expiry's row is stored
    let seen: Approval | null = null;
    const got = service.get(a.id, RUNNER).then((x) => {
      seen = x;
    });
    await new Promise((r) => setImmediate(r));
    expect(seen).toBeNull();
    eventGo.open();
    await got;
    expect((seen as Approval | null)?.status).toBe('expired');
    service.close();
  });
});
