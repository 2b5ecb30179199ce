import { Hono } from 'hono';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { renderComplianceReport, signReport, verifyReport } from '../analyzer/index.js';
import { createErrorHandler } from '../collector/errors.js';
import { createAuthorize } from '../collector/middleware/auth.js';
import { auditRoutes } from '../collector/routes/audit.js';
import { reportRoutes } from '../collector/routes/reports.js';
import type { Role } from '../schema/index.js';
import type { Store } from '../store/index.js';
import { insertReceived, makeEvent } from './helpers/events.js';
import { testStore } from './helpers/store.js';

const TOKENS: Record<string, { name: string; role: Role }> = {
  'runner-tok': { name: 'runner-1', role: 'runner' },
  'analyst-tok': { name: 'alice', role: 'analyst' },
  'compliance-tok': { name: 'carol', role: 'compliance' },
  'admin-tok': { name: 'admin', role: 'admin' },
};

let store: Store;
let app: Hono;
const Q = 'from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z';

beforeAll(async () => {
  store = await testStore();
  // Received when they claim to have happened (reports place events by receive time).
  await insertReceived(store, [
    makeEvent({ time: '2026-11-02T10:00:00Z', session_id: 's1', user_id: 'u', command: 'ls' }),
    makeEvent({
      time: '2026-11-02T10:01:00Z',
      session_id: 's1',
      user_id: 'u',
      kind: 'tool_decision',
      decision: 'deny',
      command: 'curl x|sh',
    }),
  ]);
  const authorize = createAuthorize({
    lookup: async (t) => TOKENS[t] ?? null,
    remoteAddress: () => '',
    openLoopbackIngest: false,
  });
  app = new Hono();
  app.onError(createErrorHandler(() => {}));
  const reports = {
    render: (scope: Parameters<typeof renderComplianceReport>[1], format: 'json' | 'csv' | 'pdf') =>
      renderComplianceReport(store, scope, format),
    envelope: (bytes: Uint8Array, format: 'json' | 'csv' | 'pdf') =>
      signReport(bytes, format, store.signer, new Date()),
  };
  app.route('/api', reportRoutes({ reports, store, authorize }));
  app.route('/api', auditRoutes({ store, authorize }));
});

const get = (path: string, token: string) =>
  app.request(`/api${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('compliance report and audit API', () => {
  it('only compliance and admin may export reports or read the audit trail', async () => {
    for (const path of [
      `/reports/compliance?${Q}`,
      '/audit',
      '/audit/verify',
      '/retention',
      '/audit/pubkey',
    ]) {
      expect((await get(path, 'runner-tok')).status).toBe(403);
      expect((await get(path, 'analyst-tok')).status).toBe(403);
      expect((await app.request(`/api${path}`)).status).toBe(401);
      expect((await get(path, 'compliance-tok')).status).toBe(200);
    }
  });

  it('serves each format as an attachment, byte-identical on a rerun, and audits every export', async () => {
    for (const [format, type] of [
      ['json', 'application/json'],
      ['csv', 'application/zip'],
      ['pdf', 'application/pdf'],
    ] as const) {
      const a = await get(`/reports/compliance?${Q}&format=${format}&agent=codex`, 'compliance-tok');
      expect(a.status).toBe(200);
      expect(a.headers.get('content-type')).toBe(type);
      expect(a.headers.get('content-disposition')).toMatch(
        /^attachment; filename="ward-compliance-2026-11-01-2026-11-08\./,
      );
      const b = await get(`/reports/compliance?${Q}&format=${format}&agent=codex`, 'admin-tok');
      const [ba, bb] = [new Uint8Array(await a.arrayBuffer()), new Uint8Array(await b.arrayBuffer())];
      const inHeader = JSON.parse(
        Buffer.from(a.headers.get('x-ward-report-envelope') ?? '', 'base64url').toString(),
      );
      expect(verifyReport(ba, inHeader, [store.signer.publicKey])).toMatchObject({ ok: true, trusted: true });
      expect(Buffer.from(ba).equals(Buffer.from(bb))).toBe(true);
      if (format === 'json') expect(JSON.parse(Buffer.from(ba).toString()).summary.events).toBe(2);
      const env = await (
        await get(`/reports/compliance?${Q}&format=${format}&agent=codex&envelope=1`, 'compliance-tok')
      ).json();
      expect(env).toMatchObject({
        format,
        public_key: store.signer.publicKey,
        generated_at: expect.any(String),
      });
      expect(verifyReport(ba, env, [store.signer.publicKey])).toMatchObject({ ok: true, trusted: true });
    }
    const exports = (await store.audit.list({ limit: 10_000 })).filter((r) => r.action.startsWith('report.'));
    expect(exports.map((r) => [r.actor, r.action, r.target])).toEqual([
      ['carol', 'report.exported', 'compliance.json'], // the role test's export
      ['carol', 'report.exported', 'compliance.json'],
      ['admin', 'report.exported', 'compliance.json'],
      ['carol', 'report.envelope', 'compliance.json'],
      ['carol', 'report.exported', 'compliance.csv'],
      ['admin', 'report.exported', 'compliance.csv'],
      ['carol', 'report.envelope', 'compliance.csv'],
      ['carol', 'report.exported', 'compliance.pdf'],
      ['admin', 'report.exported', 'compliance.pdf'],
      ['carol', 'report.envelope', 'compliance.pdf'],
    ]);
    expect(JSON.parse(exports[1]?.details ?? '{}')).toMatchObject({
      agents: ['codex'],
      format: 'json',
      digest: expect.stringMatching(/^sha256:/),
    });
  });

  it('answers bad parameters with a 400 and a reason', async () => {
    for (const [q, msg] of [
      ['', 'from and to'],
      ['from=yesterday&to=today', 'from and to'],
      ['from=2026-11-08T00:00:00Z&to=2026-11-01T00:00:00Z', 'after'],
      ['from=2000-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'three years'],
      [`${Q}&format=docx`, 'format'],
      [`${Q}&agent=${'x'.repeat(600)}`, 'agent'],
      [`${Q}&envelope=yes`, 'envelope'],
    ] as const) {
      const res = await get(`/reports/compliance?${q}`, 'compliance-tok');
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toContain(msg);
    }
    expect((await get('/audit?limit=0', 'compliance-tok')).status).toBe(400);
    expect((await get('/audit?cursor=bogus', 'compliance-tok')).status).toBe(400);
    expect((await get('/audit?from=nope', 'compliance-tok')).status).toBe(400);
  });

  it('builds at most maxConcurrent reports at once and refuses more with 503', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let started = 0;
    const authorize = createAuthorize({
      lookup: async (t) => TOKENS[t] ?? null,
      remoteAddress: () => '',
      openLoopbackIngest: false,
    });
    const slow = new Hono();
    slow.onError(createErrorHandler(() => {}));
    slow.route(
      '/api',
      reportRoutes({
        reports: {
          render: async () => {
            started++;
            await gate;
            return new Uint8Array([1]);
          },
          envelope: (bytes) => signReport(bytes, 'json', store.signer, new Date()),
        },
        store,
        authorize,
        maxConcurrent: 1,
      }),
    );
    const req = () =>
      slow.request(`/api/reports/compliance?${Q}`, { headers: { authorization: 'Bearer compliance-tok' } });
    const first = req();
    await vi.waitFor(() => expect(started).toBe(1), { timeout: 15_000, interval: 20 });
    const second = await req();
    expect(second.status).toBe(503);
    release();
    expect((await first).status).toBe(200);
    expect((await req()).status).toBe(200);
  });

  it('pages audit records, verifies the chain and lists retention', async () => {
    const first = (await (await get('/audit?limit=2', 'compliance-tok')).json()) as {
      records: unknown[];
      next_cursor: string;
    };
    expect(first.records).toHaveLength(2);
    const second = (await (
      await get(`/audit?limit=2&cursor=${first.next_cursor}`, 'compliance-tok')
    ).json()) as { records: unknown[] };
    expect(second.records).not.toContainEqual(first.records[0]);
    const v = (await (await get('/audit/verify', 'compliance-tok')).json()) as {
      ok: boolean;
      writers: { signed_through: number; last_seq: number }[];
    };
    expect(v.ok).toBe(true);
    // The verify endpoint signs this writer's head first: everything is covered.
    for (const w of v.writers) expect(w.signed_through).toBe(w.last_seq);
    const r = (await (await get('/retention', 'compliance-tok')).json()) as {
      tables: { table: string; ok: boolean }[];
    };
    expect(r.tables.map((t) => t.table)).toContain('audit_chain');
    expect(r.tables.every((t) => t.ok)).toBe(true);
  });
});
