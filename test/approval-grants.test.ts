import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../cli/env.js';
import { createServerHookDecider } from '../cli/hook-endpoint.js';
import { startServer, type WardServer } from '../collector/server.js';
import { createGrantRule } from '../gate/index.js';
import { bwrapWorks } from '../sandbox-runner/sandbox/test-support.js';
import type { Approval, ApprovalDecisionResult, GrantRecord } from '../schema/index.js';

const ROOT = join(import.meta.dirname, '..');
const RUNNER = 'runner-grants-token-0123456789';
const ANALYST = 'analyst-grants-token-0123456789';
const COMPLIANCE = 'compliance-grants-token-012345';

let server: WardServer;

beforeAll(async () => {
  server = await startServer(
    {
      port: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'ward-grants-')),
      store: { database: 'ward_grants_test' },
    },
    () => {},
    // The hook endpoint too: `ward hook` with a server asks it for the session's signals (a server without
    // it cannot tell the session's risk, and the hook asks).
    {
      grantRule: createGrantRule(),
      hookDecider: createServerHookDecider(
        readEnv({ HOME: mkdtempSync(join(tmpdir(), 'ward-grants-home-')) }),
      ),
    },
  );
  await server.store.tokens.add(RUNNER, 'runner-7', 'runner');
  await server.store.tokens.add(ANALYST, 'ann', 'analyst');
  await server.store.tokens.add(COMPLIANCE, 'carl', 'compliance');
});
afterAll(async () => {
  await server?.close();
});

async function api(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function request(fields: Record<string, unknown>): Promise<Approval> {
  const res = await api('POST', '/approvals', RUNNER, {
    agent: 'ward',
    risk: 0.45,
    reasons: [],
    ...fields,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Approval;
}

async function decide(id: string, body: Record<string, unknown>): Promise<ApprovalDecisionResult> {
  const res = await api('POST', `/approvals/${id}/decision`, ANALYST, body);
  expect(res.status).toBe(200);
  return (await res.json()) as ApprovalDecisionResult;
}

async function grants(query: string, token = RUNNER): Promise<GrantRecord[]> {
  const res = await api('GET', `/grants?${query}`, token);
  expect(res.status).toBe(200);
  return ((await res.json()) as { grants: GrantRecord[] }).grants;
}

describe('scoped "always allow" grants on the real server', () => {
  it('an approve with scope session makes a grant for that session only, audited and recorded as an event', async () => {
    const a = await request({
      session_id: 'g-s1',
      command: 'kill -9 4242',
      project: '/w/app',
      grantable: true,
    });
    const r = await decide(a.id, { decision: 'approve', scope: 'session', reason: 'dev server restarts' });
    expect(r).toMatchObject({ status: 'approved', scope: 'session', decided_by: 'ann', no_grant_reason: '' });
    expect(r.grant).toMatchObject({
      prefix: ['kill'],
      max_risk: 0.45,
      scope: 'session',
      session_id: 'g-s1',
      project: '',
      granted_by: 'ann',
      granted_at: r.decided_at,
      reason: 'dev server restarts',
      approval_id: a.id,
      command: 'kill -9 4242',
    });
    const id = r.grant?.id ?? '';
    expect((await grants('session=g-s1')).map((g) => g.id)).toEqual([id]);
    expect(await grants('session=g-other')).toEqual([]);
    expect(await grants('project=/w/app')).toEqual([]);
    expect((await grants('session=g-s1', ANALYST)).map((g) => g.id)).toEqual([id]);

    const audit = (await server.store.audit.list({ limit: 10_000 })).filter((x) => x.target === id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'grant.created', actor: 'ann' });
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ approval_id: a.id, prefix: ['kill'] });
    expect((await server.store.audit.verify()).ok).toBe(true);
    const events = await server.store.events.query({ kind: 'approval', session: 'g-s1', limit: 100 });
    expect(events.events.find((e) => e.event_name === 'ward.grant.created')).toMatchObject({
      call_id: a.id,
      decision: 'allow',
      decision_source: 'user:ann',
      attributes: expect.objectContaining({ 'ward.grant.id': id, 'ward.grant.prefix': 'kill' }),
    });
  });

  it('an approve with scope project makes a grant for that workspace, whatever the session', async () => {
    const a = await request({
      session_id: 'g-s2',
      command: 'git push --force origin main',
      project: '/w/proj',
      grantable: true,
    });
    const r = await decide(a.id, { decision: 'approve', scope: 'project' });
    expect(r.grant).toMatchObject({ prefix: ['git', 'push'], scope: 'project', project: '/w/proj' });
    expect((await grants('session=anything&project=/w/proj')).map((g) => g.id)).toEqual([r.grant?.id]);
    expect(await grants('project=/w/other')).toEqual([]);

    // An analyst takes it back: gone for every runner, audited; a runner may not revoke.
    expect((await api('DELETE', `/grants/${r.grant?.id}`, RUNNER)).status).toBe(403);
    expect((await api('DELETE', `/grants/${r.grant?.id}`, ANALYST)).status).toBe(204);
    expect(await grants('project=/w/proj')).toEqual([]);
    expect((await api('DELETE', `/grants/${r.grant?.id}`, ANALYST)).status).toBe(404);
    const audit = (await server.store.audit.list({ limit: 10_000 })).filter((x) => x.target === r.grant?.id);
    expect(audit.map((x) => [x.action, x.actor])).toEqual([
      ['grant.created', 'ann'],
      ['grant.revoked', 'ann'],
    ]);
  });

  it('never grants interpreters or wrappers, even when a runner claims the command is grantable', async () => {
    for (const command of ['bash -c "kill 1"', 'python3 x.py', 'sudo ls', 'env X=1 ls', 'node -e 1']) {
      const a = await request({ session_id: 'g-s3', command, project: '/w/x', grantable: true });
      const r = await decide(a.id, { decision: 'approve', scope: 'session' });
      expect(r.status, command).toBe('approved');
      expect(r.grant, command).toBeNull();
      expect(r.no_grant_reason, command).toMatch(/runs other commands or code|environment assignments/);
    }
    const piped = await request({ session_id: 'g-s3', command: 'kill 1 && ls', grantable: true });
    expect((await decide(piped.id, { decision: 'approve', scope: 'session' })).no_grant_reason).toMatch(
      /single simple command/,
    );
    const notOffered = await request({ session_id: 'g-s3', command: 'kill 2' });
    expect((await decide(notOffered.id, { decision: 'approve', scope: 'session' })).no_grant_reason).toMatch(
      /offered no grant/,
    );
    const noProject = await request({ session_id: 'g-s3', command: 'kill 3', grantable: true });
    expect((await decide(noProject.id, { decision: 'approve', scope: 'project' })).no_grant_reason).toMatch(
      /names no project/,
    );
    expect(await grants('session=g-s3&project=/w/x')).toEqual([]);
    const audit = await server.store.audit.list({ limit: 10_000 });
    expect(
      audit.find((x) => x.target === notOffered.id && x.action === 'approval.decided')?.details,
    ).toContain('no_grant_reason');
  });

  it('a deny or scope once makes no grant, and the grant list is for runners and analysts only', async () => {
    const a = await request({ session_id: 'g-s4', command: 'kill 5', grantable: true });
    expect(await decide(a.id, { decision: 'deny', scope: 'session' })).toMatchObject({
      grant: null,
      no_grant_reason: '',
    });
    const b = await request({ session_id: 'g-s4', command: 'kill 6', grantable: true });
    expect((await decide(b.id, { decision: 'approve' })).grant).toBeNull();
    expect(await grants('session=g-s4')).toEqual([]);
    expect((await api('GET', '/grants?session=g-s4', COMPLIANCE)).status).toBe(403);
    expect((await api('GET', '/grants', RUNNER)).status).toBe(400);
  });
});

function ward(args: string[], opts: { cwd: string; home: string; stdin?: string }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/ward.mjs'), ...args], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: opts.home, WARD_TOKEN: RUNNER },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Polls the server until a pending request for `command` in `session` exists (deadline 20 s). */
async function pendingFor(session: string, command: string): Promise<Approval> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await api('GET', '/approvals?status=pending&limit=1000', ANALYST);
    const { approvals } = (await res.json()) as { approvals: Approval[] };
    const a = approvals.find((x) => x.session_id === session && x.command === command);
    if (a) return a;
    if (Date.now() > deadline) throw new Error(`no pending approval for ${command} in ${session}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function approvalsOf(session: string): Promise<Approval[]> {
  const res = await api('GET', '/approvals?limit=1000', ANALYST);
  return ((await res.json()) as { approvals: Approval[] }).approvals.filter((a) => a.session_id === session);
}

describe.runIf(bwrapWorks())('ward exec and ward hook use the grants of their session and project', () => {
  let ws: string;
  let home: string;
  beforeAll(() => {
    ws = mkdtempSync('/tmp/ward-grants-ws-');
    home = mkdtempSync('/var/tmp/ward-grants-home-');
  });
  afterAll(() => {
    rmSync(ws, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  const exec = (session: string, argv: string[]) =>
    ward(['exec', '--server', server.url, '--session', session, '--', ...argv], { cwd: ws, home });

  it('asks once, then a session grant lets the next matching command run without asking', async () => {
    const first = exec('x-s1', ['kill', '-9', '999999']);
    const a = await pendingFor('x-s1', 'kill -9 999999');
    expect(a).toMatchObject({ grantable: true, project: ws });
    expect(
      (await decide(a.id, { decision: 'approve', scope: 'session', reason: 'ok' })).grant,
    ).not.toBeNull();
    expect((await first).stderr).toMatch(/approved/);

    const second = await exec('x-s1', ['kill', '-9', '999999']);
    expect(second.code).not.toBe(126);
    expect(second.stderr).toMatch(
      /allowed by a grant .*granted by ann \(session grant [0-9a-f-]+\) for 'kill'/,
    );
    expect(await approvalsOf('x-s1')).toHaveLength(1);

    // Another session has no grant: it asks (and is denied here).
    const other = exec('x-s2', ['kill', '-9', '999999']);
    await decide((await pendingFor('x-s2', 'kill -9 999999')).id, { decision: 'deny' });
    expect((await other).code).toBe(126);

    // A wrapper around the granted command is never covered by the grant: it asks again.
    const wrapped = exec('x-s1', ['sh', '-c', 'kill -9 999999']);
    const w = await pendingFor('x-s1', "sh -c 'kill -9 999999'");
    expect(w.grantable).toBe(false);
    await decide(w.id, { decision: 'deny' });
    expect((await wrapped).code).toBe(126);
  });

  it('a project grant covers every session in the workspace, for ward exec and the hook --wait path', async () => {
    const first = exec('p-s1', ['git', 'push', '--force']);
    const a = await pendingFor('p-s1', 'git push --force');
    expect((await decide(a.id, { decision: 'approve', scope: 'project' })).grant).toMatchObject({
      prefix: ['git', 'push'],
      project: ws,
    });
    await first;
    const again = await exec('p-s2', ['git', 'push', '--force', 'origin', 'main']);
    expect(again.code).not.toBe(126);
    expect(again.stderr).toMatch(/allowed by a grant/);
    expect(await approvalsOf('p-s2')).toEqual([]);

    const hook = await ward(['hook', 'claude-code', '--wait', '--server', server.url], {
      cwd: ws,
      home,
      stdin: JSON.stringify({
        hook_event_name: 'PreToolUse',
        session_id: 'p-s3',
        cwd: ws,
        tool_name: 'Bash',
        tool_input: { command: 'git push --force' },
      }),
    });
    // The grant clears Ward's objection without asking again; with nothing to object to, the hook stays
    // silent and the agent's own guard decides (Ward never answers "allow" unless auto-approve is on).
    expect(hook.code).toBe(0);
    expect(hook.stdout.trim()).toBe('{}');
    expect(await approvalsOf('p-s3')).toEqual([]);
  });
});
