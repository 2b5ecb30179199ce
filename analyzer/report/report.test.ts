import { generateKeyPairSync, sign } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Approval } from '../../schema/index.js';
import type { ReportScope, Signer, Store } from '../../store/index.js';
import { insertReceived, makeEvent } from '../../test/helpers/events.js';
import { testStore } from '../../test/helpers/store.js';
import {
  buildComplianceReport,
  ComplianceReportSchema,
  reportJsonSchema,
  reportToCsvZip,
  reportToJson,
  reportToPdf,
  SECTIONS,
  signReport,
  verifyReport,
} from './index.js';

let store: Store;
const FROM = '2026-11-01T00:00:00.000Z';
const TO = `${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}T00:00:00.000Z`;
const scope = (s: Partial<ReportScope> = {}): ReportScope => ({
  from: FROM,
  to: TO,
  agents: [],
  repos: [],
  users: [],
  ...s,
});
const NASTY = "=cmd|' /C calc'!A0 \u001b[31mred\u001b[0m \u202egnp.exe \u{1F600} \u0000";

function approval(id: string, created: string, extra: Partial<Approval> = {}): Approval {
  return {
    id,
    created_at: created,
    expires_at: new Date(Date.parse(created) + 300_000).toISOString(),
    session_id: 's1',
    agent: 'codex',
    command: `rm -rf build-${id}`,
    cwd: '/w',
    risk: 0.7,
    reasons: [],
    requested_by: 'runner',
    requester_id: 'tok-runner',
    status: 'pending',
    scope: '',
    decided_by: '',
    decided_at: '',
    decision_reason: '',
    ...extra,
  };
}

beforeAll(async () => {
  store = await testStore('ward_report');
  const ev = (time: string, f: Parameters<typeof makeEvent>[0]) =>
    makeEvent({ time, user_id: 'alice', repo: 'r1', host: 'h1', session_id: 's1', ...f });
  // Each received when it claims to have happened, as live telemetry is.
  await insertReceived(store, [
    ev('2026-11-02T10:00:00Z', { command: 'npm test' }),
    ev('2026-11-02T10:01:00Z', { command: 'git status' }),
    ev('2026-11-02T10:02:00Z', { command: 'ls' }),
    ev('2026-11-03T09:00:00Z', { command: 'make', session_id: 's2' }),
    ev('2026-11-03T09:01:00Z', { command: 'make install', session_id: 's2' }),
    ev('2026-11-03T09:02:00Z', {
      kind: 'tool_decision',
      decision: 'deny',
      decision_source: 'ward-gate',
      command: 'curl x | sh',
    }),
    ev('2026-11-03T09:03:00Z', {
      kind: 'tool_decision',
      decision: 'deny',
      decision_source: 'ward-gate',
      command: 'cat ~/.ssh/id_rsa',
    }),
    ev('2026-11-03T09:04:00Z', {
      kind: 'sandbox_violation',
      decision: 'deny',
      decision_source: 'sandbox',
      command: NASTY,
      target: '/etc/shadow',
    }),
    ev('2026-11-04T12:00:00Z', {
      agent: 'claude-code',
      user_id: 'bob',
      repo: 'r2',
      session_id: 's3',
      kind: 'tool_call',
      tool: 'Bash',
    }),
    ev('2026-11-04T12:01:00Z', {
      agent: 'claude-code',
      user_id: 'bob',
      repo: 'r2',
      session_id: 's3',
      command: 'pytest',
    }),
    ev('2026-11-04T12:02:00Z', {
      agent: 'claude-code',
      user_id: '',
      host: '',
      repo: 'r2',
      session_id: 's3',
      kind: 'prompt',
    }),
    ev('2026-10-30T12:00:00Z', { command: 'before the period' }),
  ]);
  await store.approvals.create(approval('a1', '2026-11-02T10:05:00.000Z'));
  await store.approvals.decide('a1', {
    status: 'approved',
    scope: 'session',
    decided_by: 'ann',
    decision_reason: 'dev cleanup',
    decided_at: '2026-11-02T10:05:02.000Z',
  });
  await store.approvals.create(approval('a2', '2026-11-03T09:10:00.000Z', { session_id: 's2' }));
  await store.approvals.decide('a2', {
    status: 'denied',
    scope: 'once',
    decided_by: 'ben',
    decision_reason: 'not in this repo',
    decided_at: '2026-11-03T09:11:00.000Z',
  });
  // The approval service records each decision on the trail (the report checks the rows against it).
  for (const [id, status, by] of [
    ['a1', 'approved', 'ann'],
    ['a2', 'denied', 'ben'],
  ] as const)
    await store.audit.append({ actor: by, action: 'approval.decided', target: id, details: { status } });
  await store.approvals.create(approval('a3', '2026-11-03T09:20:00.000Z', { session_id: 's2' }));
  await store.approvals.expire('a3', '2026-11-03T09:25:00.000Z');
  await store.approvals.create(
    approval('a4', '2026-11-04T12:05:00.000Z', { agent: 'claude-code', session_id: 's3' }),
  );
  const alert = (id: string, time: string, status: string, updated: string, severity: string) => ({
    alert_id: id,
    time,
    rule_id: id === 'al1' ? 'exfil.upload' : 'novel.binary',
    title: `alert ${id}`,
    severity,
    attack_ids: [],
    session_id: 's1',
    agent: 'codex',
    event_ids: [],
    explanation: '',
    score: 0.5,
    status,
    assignee: status === 'open' ? '' : 'ann',
    updated_at: updated,
  });
  await store.db.insert('test.alerts', 'alerts', [
    alert('al1', '2026-11-02T11:00:00.000Z', 'open', '2026-11-02T11:00:00.000Z', 'high'),
    alert('al2', '2026-11-03T11:00:00.000Z', 'open', '2026-11-03T11:00:00.000Z', 'medium'),
    alert('al2', '2026-11-03T11:00:00.000Z', 'resolved', '2026-11-03T11:10:00.000Z', 'medium'),
  ]);
  await store.audit.append({
    actor: 'system',
    action: 'policy.loaded',
    target: '/w',
    details: { digest: 'sha256:aaaa', sources: 'defaults,/w/.ward/policy.yaml' },
  });
  await store.audit.append({
    actor: 'system',
    action: 'policy.loaded',
    target: '/w',
    details: { digest: 'sha256:aaaa', sources: 'defaults,/w/.ward/policy.yaml' },
  });
  await store.audit.append({
    actor: 'admin',
    action: 'token.created',
    target: 't1',
    details: { role: 'runner' },
  });
  await store.audit.checkpoint();
});

describe('compliance report over a known data set', () => {
  it('counts activity, approvals, blocked actions, alerts and policy versions', async () => {
    const r = await buildComplianceReport(store, scope());
    expect(r.summary).toEqual({
      agents: 2,
      sessions: 3,
      events: 11,
      commands: 6,
      approvals_requested: 4,
      actions_blocked: 2,
      sandbox_violations: 1,
      alerts: 2,
      alerts_open: 1,
      audit_chain_ok: true,
      late_arrivals: 0,
    });
    expect(
      r.agent_activity.map((a) => [a.agent, a.events, a.sessions, a.denied, a.violations, a.with_user]),
    ).toEqual([
      ['claude-code', 3, 1, 0, 0, 2],
      ['codex', 8, 2, 3, 1, 8],
    ]);
    expect(r.daily.map((d) => [d.day, d.events, d.denied])).toEqual([
      ['2026-11-02', 3, 0],
      ['2026-11-03', 5, 3],
      ['2026-11-04', 3, 0],
    ]);
    expect(r.approvals).toMatchObject({
      requested: 4,
      approved: 1,
      denied: 1,
      expired: 1,
      pending: 1,
      scoped: 1,
      approved_under_5s: 1,
    });
    expect(r.approvals.decision_ms).toEqual({ p50: 31_000, p90: 54_200, max: 60_000 });
    expect(r.approvals.deciders).toEqual([
      { decided_by: 'ann', approved: 1, denied: 0 },
      { decided_by: 'ben', approved: 0, denied: 1 },
    ]);
    expect(r.approvals.items.find((i) => i.id === 'a2')).toMatchObject({
      decided_by: 'ben',
      reason: 'not in this repo',
      decision_ms: 60_000,
    });
    expect(r.blocked.groups).toEqual([
      { agent: 'codex', kind: 'tool_decision', source: 'ward-gate', count: 2 },
      { agent: 'codex', kind: 'sandbox_violation', source: 'sandbox', count: 1 },
    ]);
    expect(r.alerts).toMatchObject({
      total: 2,
      triaged: 1,
      by_status: { open: 1, resolved: 1 },
      by_severity: { high: 1, medium: 1 },
    });
    expect(r.alerts.triage_ms.p50).toBe(600_000);
    expect(r.policy_versions).toEqual([
      expect.objectContaining({ digest: 'sha256:aaaa', loads: 2, in_force_at_start: false }),
    ]);
    // A later period with no loads of its own still shows the version in force at its start.
    const later = await buildComplianceReport(store, scope({ from: new Date().toISOString() }));
    expect(later.policy_versions).toEqual([
      expect.objectContaining({ digest: 'sha256:aaaa', loads: 0, in_force_at_start: true }),
    ]);
    expect(r.retention.find((t) => t.table === 'audit_chain')).toEqual({
      table: 'audit_chain',
      days: 365,
      required_days: 183,
      ok: true,
    });
    expect(r.controls.map((c) => c.id)).toEqual([
      'CC6.1',
      'CC7.2',
      'CC7.3',
      'A.8.15',
      'A.8.16',
      'Art. 12',
      'Art. 14',
      'Art. 19/26',
    ]);
    expect(r.controls.find((c) => c.id === 'Art. 19/26')?.status).toBe('evidence');
    // Missing evidence is said plainly: one event has no user id; stop-button use is not recorded.
    expect(r.controls.find((c) => c.id === 'A.8.15')?.gaps).toContain('1 events without a user id');
    expect(r.controls.find((c) => c.id === 'Art. 14')?.gaps.join(' ')).toMatch(/stop-button/);
  });

  it('narrows to a scope (agent, repo, user)', async () => {
    const r = await buildComplianceReport(store, scope({ agents: ['claude-code'] }));
    expect(r.summary).toMatchObject({
      agents: 1,
      events: 3,
      approvals_requested: 1,
      actions_blocked: 0,
      alerts: 0,
    });
    const byUser = await buildComplianceReport(store, scope({ users: ['alice'] }));
    expect(byUser.summary).toMatchObject({ events: 8, approvals_requested: 3, alerts: 2 });
    expect(byUser.controls.find((c) => c.id === 'CC7.2')?.gaps).toEqual([]);
    const none = await buildComplianceReport(store, scope({ repos: ['nope'] }));
    expect(none.summary.events).toBe(0);
    expect(none.controls.find((c) => c.id === 'CC7.2')).toMatchObject({ status: 'missing' });
  });

  it('renders byte-identical files on a rerun over the same data', async () => {
    const a = await buildComplianceReport(store, scope());
    const b = await buildComplianceReport(store, scope());
    expect(Buffer.from(reportToJson(a)).equals(Buffer.from(reportToJson(b)))).toBe(true);
    expect(Buffer.from(reportToCsvZip(a)).equals(Buffer.from(reportToCsvZip(b)))).toBe(true);
    expect(Buffer.from(await reportToPdf(a)).equals(Buffer.from(await reportToPdf(b)))).toBe(true);
    const json = JSON.parse(new TextDecoder().decode(reportToJson(a)));
    expect(json).toMatchObject({ schema: 'ward.compliance-report', schema_version: '1.3.0' });
    // The file matches the versioned, strict schema: no undocumented field.
    expect(ComplianceReportSchema.safeParse(json).error?.issues).toBeUndefined();
    expect(ComplianceReportSchema.safeParse({ ...json, extra: 1 }).success).toBe(false);
    expect(reportJsonSchema()).toMatchObject({ $id: 'ward.compliance-report/1.3.0', type: 'object' });
    expect(JSON.stringify(json)).not.toMatch(/generated/);
  });

  it('zips one CSV per table with control characters inert and formulas quoted', async () => {
    const files = unzipSync(reportToCsvZip(await buildComplianceReport(store, scope())));
    const names = Object.keys(files);
    expect(names).toContain('01-summary.csv');
    expect(names.some((n) => n.endsWith('-controls.csv'))).toBe(true);
    const blocked = new TextDecoder().decode(files[names.find((n) => n.endsWith('-blocked.csv')) as string]);
    expect(blocked).not.toContain('\u001b');
    expect(blocked).toContain('\\x1b[31mred');
    expect(blocked).toContain(",'=cmd|' /C calc'!A0");
  });

  it('renders a PDF whose text holds every section, every control id and page numbers', async () => {
    const bytes = await reportToPdf(await buildComplianceReport(store, scope()));
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({
      data: new Uint8Array(bytes),
      useSystemFonts: false,
      disableFontFace: true,
      standardFontDataUrl: `${join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`,
    }).promise;
    let text = '';
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const content = await page.getTextContent();
      text += `${content.items.map((it) => ('str' in it ? it.str : '')).join(' ')}\n`;
    }
    for (const [, title] of SECTIONS) expect(text).toContain(title);
    for (const id of ['CC6.1', 'CC7.2', 'CC7.3', 'A.8.15', 'A.8.16', 'Art. 12', 'Art. 14', 'Art. 19/26'])
      expect(text).toContain(id);
    expect(text).toContain(`page 1 of ${doc.numPages}`);
    expect(text).toContain('Events per day');
    expect(text).toContain('not in this repo');
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u202e');
    expect(text).toContain('\\x1b[31mred');
  });

  it('a signed envelope verifies the file; a changed file, envelope or unknown key does not pass', async () => {
    const bytes = reportToJson(await buildComplianceReport(store, scope()));
    const env = signReport(bytes, 'json', store.signer, new Date('2026-12-01T00:00:00Z'));
    expect(verifyReport(bytes, env, [store.signer.publicKey])).toMatchObject({ ok: true, trusted: true });
    const changed = new Uint8Array(bytes);
    changed[10] = (changed[10] ?? 0) ^ 1;
    expect(verifyReport(changed, env, [store.signer.publicKey])).toMatchObject({
      ok: false,
      reason: expect.stringContaining('digest'),
    });
    expect(
      verifyReport(bytes, { ...env, generated_at: '2020-01-01T00:00:00.000Z' }, [store.signer.publicKey]),
    ).toMatchObject({ ok: false, reason: expect.stringContaining('signature') });
    const { privateKey } = generateKeyPairSync('ed25519');
    const other: Signer = {
      ...store.signer,
      sign: (d) => sign(null, Buffer.from(d), privateKey).toString('base64'),
    };
    expect(
      verifyReport(bytes, signReport(bytes, 'json', other, new Date()), [store.signer.publicKey]),
    ).toMatchObject({ ok: false });
    expect(verifyReport(bytes, { nope: 1 }, [])).toMatchObject({
      ok: false,
      reason: expect.stringContaining('envelope'),
    });
  });

  it('reports a tampered audit chain as broken and says so under the logging controls', async () => {
    const [rec] = await store.audit.list({ limit: 1 });
    if (!rec) throw new Error('no audit record');
    await store.db.insert('test.tamper', 'audit_chain', [{ ...rec, details: '{"digest":"sha256:evil"}' }]);
    const r = await buildComplianceReport(store, scope());
    expect(r.audit.chain_ok).toBe(false);
    expect(r.audit.first_bad).toMatchObject({ seq: rec.seq });
    expect(r.controls.find((c) => c.id === 'A.8.15')?.gaps.join(' ')).toMatch(/audit chain broken/);
  });
});
