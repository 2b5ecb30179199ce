import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeTraces } from '../collector/normalize/index.js';
import { decodeTraces } from '../collector/otlp/index.js';
import { bwrapWorks } from '../sandbox-runner/sandbox/test-support.js';
import { WARD, WARD_SPAN_EVENTS, WARD_SPANS } from '../schema/attributes.js';

const ROOT = join(import.meta.dirname, '..');

interface OtlpJsonAttr {
  key: string;
  value: Record<string, unknown>;
}
interface OtlpJsonSpan {
  name: string;
  attributes: OtlpJsonAttr[];
  events: { name: string; attributes: OtlpJsonAttr[] }[];
}
interface OtlpJsonBody {
  resourceSpans: { resource: { attributes: OtlpJsonAttr[] }; scopeSpans: { spans: OtlpJsonSpan[] }[] }[];
}

function attr(list: OtlpJsonAttr[], key: string): unknown {
  const v = list.find((a) => a.key === key)?.value;
  if (!v) return undefined;
  if ('arrayValue' in v)
    return ((v.arrayValue as { values?: { stringValue: string }[] }).values ?? []).map((x) => x.stringValue);
  const inner = Object.values(v)[0];
  return typeof inner === 'string' && 'intValue' in v ? Number(inner) : inner;
}

/**
 * An OTLP/HTTP receiver on 127.0.0.1 that keeps every JSON trace request; with `approver`, it also plays the
 * approvals API: each request is created pending and the wait answers with `approver`'s decision at once.
 */
async function captureServer(approver?: { decidedBy: string; status: 'approved' | 'denied' }): Promise<{
  url: string;
  bodies: OtlpJsonBody[];
  raw: Buffer[];
  auth: string[];
  approvals: { command: string }[];
  close(): void;
}> {
  const bodies: OtlpJsonBody[] = [];
  const raw: Buffer[] = [];
  const auth: string[] = [];
  const approvals: ({ command: string } & Record<string, unknown>)[] = [];
  const approval = (i: number, status: string) => ({
    id: `apr-${i}`,
    created_at: new Date().toISOString(),
    expires_at: new Date(Date.now() + 60_000).toISOString(),
    session_id: '',
    agent: '',
    cwd: '',
    risk: 0,
    reasons: [],
    requested_by: 'runner',
    ...approvals[i],
    status,
    scope: status === 'pending' ? '' : 'once',
    decided_by: status === 'pending' ? '' : (approver?.decidedBy ?? ''),
    decided_at: status === 'pending' ? '' : new Date().toISOString(),
    decision_reason: '',
  });
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let answer: unknown = {};
      if (req.url === '/v1/traces') {
        raw.push(body);
        bodies.push(JSON.parse(body.toString('utf8')) as OtlpJsonBody);
        auth.push(req.headers.authorization ?? '');
      } else if (approver && req.method === 'POST' && req.url === '/api/approvals') {
        approvals.push(JSON.parse(body.toString('utf8')) as { command: string });
        answer = approval(approvals.length - 1, 'pending');
      } else if (approver && req.url?.startsWith('/api/approvals/apr-')) {
        answer = approval(Number(/apr-(\d+)/.exec(req.url)?.[1]), approver.status);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, bodies, raw, auth, approvals, close: () => server.close() };
}

/** The first span of the i-th trace request the server received. */
function spanOf(server: { bodies: OtlpJsonBody[] }, i = 0): OtlpJsonSpan {
  return server.bodies[i]!.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
}

/** What the collector makes of the i-th trace request (its ward.exec command event). */
/** The collector's event for the exported ward.exec span (a command, or a refusal that never ran). */
function collected(server: { raw: Buffer[] }, i = 0) {
  const events = normalizeTraces(decodeTraces(server.raw[i]!, 'json'));
  return events.find((e) => e.event_name === WARD_SPANS.command);
}

function ward(args: string[], opts: { cwd: string; home: string; token?: string; stdin?: string }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/ward.mjs'), ...args], {
      cwd: opts.cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: opts.home,
        ...(opts.token ? { WARD_TOKEN: opts.token } : {}),
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

describe.runIf(bwrapWorks())('ward exec (built CLI) reports each command as an OTLP span', () => {
  let ws: string;
  let home: string;
  beforeAll(() => {
    // dist/ is built once by the vitest global setup (test/global-setup.ts).
    ws = mkdtempSync('/tmp/ward-telemetry-ws-');
    home = mkdtempSync('/var/tmp/ward-telemetry-home-');
  }, 120_000);
  afterAll(() => {
    rmSync(ws, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it('exports ward.exec with GenAI and ward.* attributes, violations as events', async () => {
    const server = await captureServer();
    try {
      const r = await ward(
        [
          'exec',
          '--server',
          server.url,
          '--agent',
          'test-agent',
          '--session',
          'sess-1',
          '--',
          'sh',
          '-c',
          'echo hi > out.txt; touch /usr/ward-x; exit 3',
        ],
        { cwd: ws, home, token: 'runner-token-1' },
      );
      expect(r.code).toBe(3);
      expect(server.bodies).toHaveLength(1);
      const body = server.bodies[0]!;
      expect(attr(body.resourceSpans[0]!.resource.attributes, 'service.name')).toBe('ward');
      const span = body.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
      expect(span.name).toBe(WARD_SPANS.command);
      const a = (k: string) => attr(span.attributes, k);
      expect(a('gen_ai.operation.name')).toBe('execute_tool');
      expect(a('gen_ai.tool.name')).toBe('shell');
      expect(a(WARD.agent)).toBe('test-agent');
      expect(a(WARD.sessionId)).toBe('sess-1');
      expect(a(WARD.exitCode)).toBe(3);
      expect(a(WARD.sandboxed)).toBe(true);
      expect(a(WARD.cwd)).toBe(ws);
      expect(a(WARD.argv)).toEqual(['sh', '-c', 'echo hi > out.txt; touch /usr/ward-x; exit 3']);
      const changes = JSON.parse(a(WARD.fileChanges) as string) as { path: string; change: string }[];
      expect(changes).toContainEqual(
        expect.objectContaining({ path: join(ws, 'out.txt'), change: 'created' }),
      );
      const violation = span.events.find((e) => e.name === WARD_SPAN_EVENTS.violation);
      expect(violation && attr(violation.attributes, WARD.violationKind)).toBe('read_only_write');
      expect(server.auth[0]).toBe('Bearer runner-token-1');
      // The gate's decision travels with the span, and the collector reads it back.
      expect(a(WARD.decision)).toBe('allow');
      expect(a(WARD.decisionSource)).toBe('gate');
      expect(typeof a(WARD.risk)).toBe('number');
      expect(a(WARD.ran)).toBe(true);
      expect(collected(server)).toMatchObject({
        kind: 'command',
        decision: 'allow',
        decision_source: 'gate',
        exit_code: 3,
      });
    } finally {
      server.close();
    }
  });

  it('one policy file: its rule denies in the gate (span: deny, not run) and its sandbox section hides a path', async () => {
    const policy = join(home, 'both.yaml');
    writeFileSync(
      policy,
      [
        'mode: balanced',
        'rules:',
        '  - { id: no-deploys, decision: deny, reason: deploys go through CI, command: { prefix: make deploy } }',
        'sandbox:',
        '  hidden: [private.txt]',
        '',
      ].join('\n'),
    );
    writeFileSync(join(ws, 'private.txt'), 'top-secret-42\n');
    const server = await captureServer();
    try {
      const denied = await ward(
        ['exec', '--policy', policy, '--server', server.url, '--', 'make', 'deploy'],
        { cwd: ws, home },
      );
      expect(denied.code).toBe(126);
      expect(denied.stderr).toMatch(/refused, nothing was run: denied by policy: .*no-deploys/);
      expect(server.bodies).toHaveLength(1);
      const a = (k: string) => attr(spanOf(server).attributes, k);
      expect(a(WARD.decision)).toBe('deny');
      expect(a(WARD.decisionSource)).toBe('policy');
      expect(a(WARD.ruleIds)).toContain('policy.project.no-deploys');
      expect(a(WARD.ran)).toBe(false);
      expect(a(WARD.exitCode)).toBe(126);
      expect(a(WARD.argv)).toEqual(['make', 'deploy']);
      // It never ran: the collector files it as a refused decision, like every agent's refusals.
      expect(collected(server)).toMatchObject({
        kind: 'tool_decision',
        decision: 'deny',
        decision_source: 'policy',
        exit_code: 126,
      });

      // The same file's sandbox: section: the file is hidden inside the sandbox, visible without the policy.
      const hidden = await ward(['exec', '--policy', policy, '--', 'cat', 'private.txt'], { cwd: ws, home });
      expect(hidden.code).not.toBe(0);
      expect(hidden.stdout).not.toContain('top-secret-42');
      const plain = await ward(['exec', '--', 'cat', 'private.txt'], { cwd: ws, home });
      expect(plain.stdout).toContain('top-secret-42');
      const run = await ward(['run', '--policy', policy, '--', 'cat', 'private.txt'], { cwd: ws, home });
      expect(run.stdout).not.toContain('top-secret-42');

      // ward gate check and ward hook read the same file the same way.
      const check = await ward(['gate', 'check', '--policy', policy, '--', 'make deploy'], { cwd: ws, home });
      expect(JSON.parse(check.stdout)).toMatchObject({ decision: 'deny' });
      const hook = await ward(['hook', 'claude-code', '--policy', policy], {
        cwd: ws,
        home,
        stdin: JSON.stringify({
          hook_event_name: 'PreToolUse',
          cwd: ws,
          tool_name: 'Bash',
          tool_input: { command: 'make deploy' },
        }),
      });
      expect(JSON.parse(hook.stdout)).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } });

      // The project's own .ward/policy.yaml is found without --policy.
      mkdirSync(join(ws, '.ward'), { recursive: true });
      writeFileSync(join(ws, '.ward', 'policy.yaml'), 'sandbox:\n  hidden: [private.txt]\n');
      const discovered = await ward(['exec', '--', 'cat', 'private.txt'], { cwd: ws, home });
      expect(discovered.stdout).not.toContain('top-secret-42');
    } finally {
      server.close();
      rmSync(join(ws, '.ward'), { recursive: true, force: true });
      rmSync(join(ws, 'private.txt'), { force: true });
    }
  });

  it('a bad sandbox: section refuses to run, naming the exact path', async () => {
    const policy = join(home, 'bad.yaml');
    writeFileSync(policy, 'sandbox:\n  limits: { processes: 1 }\n');
    const r = await ward(['exec', '--policy', policy, '--', 'true'], { cwd: ws, home });
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/sandbox\.limits\.processes: .*nothing was run/s);
  });

  it('an ask approved by a human runs, and the span names the approval and who approved', async () => {
    const server = await captureServer({ decidedBy: 'alice', status: 'approved' });
    try {
      const r = await ward(
        [
          'exec',
          '--server',
          server.url,
          '--',
          'sh',
          '-c',
          'echo approved-run; git push --force 2>/dev/null || true',
        ],
        { cwd: ws, home },
      );
      expect(r.stdout).toContain('approved-run');
      expect(r.code).toBe(0);
      expect(server.approvals).toHaveLength(1);
      const a = (k: string) => attr(spanOf(server).attributes, k);
      expect(a(WARD.decision)).toBe('approved');
      expect(a(WARD.decisionSource)).toBe('user:alice');
      expect(a(WARD.approvalId)).toBe('apr-0');
      expect(a(WARD.ruleIds)).toEqual(expect.arrayContaining([expect.stringMatching(/force/)]));
      expect(a(WARD.risk)).toBeGreaterThan(0);
      expect(collected(server)).toMatchObject({ decision: 'allow', decision_source: 'user:alice' });
    } finally {
      server.close();
    }
  });

  it('an ask a human denies does not run, and still emits the span', async () => {
    const server = await captureServer({ decidedBy: 'bob', status: 'denied' });
    try {
      const r = await ward(
        ['exec', '--server', server.url, '--', 'git', 'push', '--force', 'origin', 'main'],
        { cwd: ws, home },
      );
      expect(r.code).toBe(126);
      const a = (k: string) => attr(spanOf(server).attributes, k);
      expect([a(WARD.decision), a(WARD.decisionSource), a(WARD.approvalId), a(WARD.ran)]).toEqual([
        'deny',
        'user:bob',
        'apr-0',
        false,
      ]);
    } finally {
      server.close();
    }
  });

  it('records --unsandboxed as sandboxed=false', async () => {
    const server = await captureServer();
    try {
      const r = await ward(['exec', '--unsandboxed', '--server', server.url, '--', 'true'], {
        cwd: ws,
        home,
      });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('UNSANDBOXED');
      const span = server.bodies[0]!.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
      expect(attr(span.attributes, WARD.sandboxed)).toBe(false);
    } finally {
      server.close();
    }
  });

  it('spools the span when the server is down and sends it with the next command', async () => {
    const down = await captureServer();
    down.close();
    const spoolDir = join(home, '.ward', 'spool');
    mkdirSync(spoolDir, { recursive: true });
    // A secret on the command line must not reach the spool on disk (nor the server) in clear. (A password
    // assigned by name: a shaped token written out would make the gate ask, cred.written-out.)
    const secret = 'hunter2-correct-horse-battery';
    const first = await ward(
      ['exec', '--server', down.url, '--', 'sh', '-c', `exit 4 # password=${secret}`],
      {
        cwd: ws,
        home,
      },
    );
    expect(first.code).toBe(4);
    expect(first.stderr).toMatch(/could not send the span/);
    const spooled = readdirSync(spoolDir).filter((f) => f.endsWith('.otlp.json'));
    expect(spooled).toHaveLength(1);
    const onDisk = readFileSync(join(spoolDir, spooled[0] as string), 'utf8');
    expect(onDisk).not.toContain(secret);
    expect(onDisk).toContain('[REDACTED:secret-assignment]');

    const up = await captureServer();
    try {
      const second = await ward(['exec', '--server', up.url, '--', 'true'], { cwd: ws, home });
      expect(second.code).toBe(0);
      const codes = up.bodies.map((b) =>
        attr(b.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes, WARD.exitCode),
      );
      expect(codes.sort()).toEqual([0, 4]);
      expect(JSON.stringify(up.bodies)).not.toContain(secret);
      expect(readdirSync(spoolDir).filter((f) => f.endsWith('.otlp.json'))).toHaveLength(0);
    } finally {
      up.close();
    }
  });

  it('refuses to run (fail closed) when the sandbox cannot be set up', async () => {
    const r = await ward(['exec', '--workspace', '/', '--', 'touch', join(ws, 'should-not-exist')], {
      cwd: ws,
      home,
    });
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/refusing|nothing was run/);
  });
});
