import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { WARD } from '../../schema/fast.js';
import type { ApprovalPort, WaitOutcome } from '../../schema/index.js';
import { REFUSED_EXIT } from '../approvals/ask-human.js';
import { bwrapWorks } from '../sandbox/test-support.js';
import type { CommandSpanRecord } from '../telemetry/span-record.js';
import {
  runSandboxCommand,
  type SandboxCommand,
  type SandboxCommandDeps,
  SETUP_FAILED_EXIT,
} from './run-sandbox-command.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'ward-run-cmd-')));
const home = join(root, 'home');
const ws = join(root, 'ws');
const policy = join(root, 'policy.yaml');

beforeAll(() => {
  mkdirSync(home);
  mkdirSync(ws);
  writeFileSync(
    policy,
    [
      'mode: balanced',
      'rules:',
      '  - { id: no-deploys, decision: deny, reason: deploys go through CI, command: { prefix: make deploy } }',
      '  - { id: ask-release, decision: ask, reason: a human signs releases, command: { prefix: touch released } }',
      '',
    ].join('\n'),
  );
});

/** A fake approval port: records requests and answers each wait with `answer` (or throws `fail`). */
function fakeApprovals(answer: WaitOutcome | (() => never), fail?: Error) {
  const requests: Parameters<ApprovalPort['request']>[0][] = [];
  const port: ApprovalPort = {
    async request(input) {
      if (fail) throw fail;
      requests.push(input);
      return { id: `A${requests.length}` };
    },
    async waitForDecision() {
      return typeof answer === 'function' ? answer() : answer;
    },
    urlFor: (id) => `http://ward.test/api/approvals/${id}`,
    grants: async () => [],
  };
  return {
    requests,
    factory: async () => port,
  };
}

function harness(extra: Partial<SandboxCommandDeps> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (b: Buffer) => (out += b));
  stderr.on('data', (b: Buffer) => (err += b));
  const spans: CommandSpanRecord[] = [];
  const deps: SandboxCommandDeps = {
    cwd: ws,
    home,
    processEnv: { PATH: '/usr/bin:/bin', HOME: home },
    stdout,
    stderr,
    reportSpan: async (r) => {
      spans.push(r);
    },
    dataDirs: async () => [join(root, 'data')],
    ...extra,
  };
  return { deps, spans, stdout, out: () => out, err: () => err };
}

const exec = (argv: string[], more: Partial<SandboxCommand> = {}): SandboxCommand => ({
  cmd: 'exec',
  argv,
  policyFile: policy,
  session: 'sess-1',
  ...more,
});

describe('runSandboxCommand, in-process: what the gate and the human decide', () => {
  it('a policy deny is exit 126, nothing runs, and the span says deny by policy and not run', async () => {
    const h = harness();
    const code = await runSandboxCommand(exec(['make', 'deploy']), h.deps);
    expect(code).toBe(REFUSED_EXIT);
    expect(h.err()).toMatch(/refused, nothing was run: denied by policy: .*no-deploys/);
    expect(h.spans).toHaveLength(1);
    const attrs = h.spans[0]?.attributes ?? {};
    expect(attrs[WARD.decision]).toBe('deny');
    expect(attrs[WARD.decisionSource]).toBe('policy');
    expect(attrs[WARD.ran]).toBe(false);
    expect(attrs[WARD.exitCode]).toBe(REFUSED_EXIT);
    expect(attrs[WARD.ruleIds]).toContain('policy.project.no-deploys');
  });

  it('an ask with no approval port is refused, and in ci mode the port is never asked', async () => {
    const none = harness();
    expect(await runSandboxCommand(exec(['touch', 'released']), none.deps)).toBe(REFUSED_EXIT);
    expect(none.err()).toContain('no Ward server is configured');
    expect(existsSync(join(ws, 'released'))).toBe(false);

    const port = fakeApprovals({ status: 'approved', reason: 'ok' });
    const ci = harness({ approvals: port.factory });
    expect(await runSandboxCommand(exec(['touch', 'released'], { mode: 'ci' }), ci.deps)).toBe(REFUSED_EXIT);
    expect(port.requests).toEqual([]);
    expect(ci.spans[0]?.attributes[WARD.decision]).toBe('deny');
    expect(existsSync(join(ws, 'released'))).toBe(false);
  });

  it('an ask whose request fails, or whose wait ends denied or timed out, is refused (fail closed)', async () => {
    const down = fakeApprovals({ status: 'approved', reason: 'never reached' }, new Error('cannot reach'));
    const h1 = harness({ approvals: down.factory });
    expect(await runSandboxCommand(exec(['touch', 'released']), h1.deps)).toBe(REFUSED_EXIT);
    expect(h1.err()).toContain('the request failed: cannot reach');
    expect(h1.spans[0]?.attributes[WARD.decisionSource]).toBe('error');

    const late = fakeApprovals({ status: 'denied', reason: 'no decision within 300 s' });
    const h2 = harness({ approvals: late.factory });
    expect(await runSandboxCommand(exec(['touch', 'released']), h2.deps)).toBe(REFUSED_EXIT);
    expect(h2.spans[0]?.attributes[WARD.decisionSource]).toBe('timeout');
    expect(h2.spans[0]?.attributes[WARD.approvalId]).toBe('A1');

    const broken = fakeApprovals(() => {
      throw new Error('wait exploded');
    });
    const h3 = harness({ approvals: broken.factory });
    expect(await runSandboxCommand(exec(['touch', 'released']), h3.deps)).toBe(REFUSED_EXIT);
    expect(h3.err()).toContain('wait exploded');
    expect(existsSync(join(ws, 'released'))).toBe(false);
  });

  it('a bad policy is exit 125 with the reason, and nothing runs or is reported', async () => {
    const bad = join(root, 'bad.yaml');
    writeFileSync(bad, 'sandbox:\n  limits: { processes: 1 }\n');
    const h = harness();
    expect(await runSandboxCommand(exec(['true'], { policyFile: bad }), h.deps)).toBe(SETUP_FAILED_EXIT);
    expect(h.err()).toMatch(/sandbox\.limits\.processes: .*nothing was run/s);
    expect(h.spans).toEqual([]);
  });
});

describe.runIf(bwrapWorks())('runSandboxCommand, in-process, in a real sandbox (needs bubblewrap)', () => {
  it('an ask a human approves through the port runs, and the span says approved by that human', async () => {
    const port = fakeApprovals({
      status: 'approved',
      reason: 'release day',
      approval: { decided_by: 'alice' } as WaitOutcome['approval'],
    });
    const h = harness({ approvals: port.factory });
    const code = await runSandboxCommand(exec(['touch', 'released'], { agent: 'tester' }), h.deps);
    expect(code).toBe(0);
    expect(existsSync(join(ws, 'released'))).toBe(true);
    expect(port.requests).toEqual([
      expect.objectContaining({
        session_id: 'sess-1',
        agent: 'tester',
        command: 'touch released',
        project: ws,
        reasons: [expect.objectContaining({ rule_id: 'policy.project.ask-release' })],
      }),
    ]);
    expect(h.err()).toContain('waiting for approval A1 at http://ward.test/api/approvals/A1');
    const attrs = h.spans[0]?.attributes ?? {};
    expect(attrs[WARD.decision]).toBe('approved');
    expect(attrs[WARD.decisionSource]).toBe('user:alice');
    expect(attrs[WARD.ran]).toBe(true);
    expect(attrs[WARD.sandboxed]).toBe(true);
  });

  it('an allowed command runs with its output passed through and its exit code returned', async () => {
    const h = harness();
    expect(await runSandboxCommand(exec(['sh', '-c', 'echo hi; exit 3']), h.deps)).toBe(3);
    expect(h.out()).toBe('hi\n');
    expect(h.spans[0]?.attributes[WARD.exitCode]).toBe(3);
    expect(h.spans[0]?.attributes[WARD.decision]).toBe('allow');
  });

  it('a signal stops the command: exit 128+n, and the handlers are removed afterwards', async () => {
    const signals = new EventEmitter();
    const h = harness({ signals });
    const running = runSandboxCommand(exec(['sh', '-c', 'echo started; exec sleep 60']), h.deps);
    // Sent once the command has printed, i.e. is running in the sandbox.
    await new Promise<void>((resolve) => {
      const check = () => h.out().includes('started') && resolve();
      h.stdout.on('data', check);
      check();
    });
    signals.emit('SIGTERM');
    expect(await running).toBe(128 + 15);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('--ask-net asks the port about an unlisted host; a denial refuses the connection', async () => {
    const port = fakeApprovals({ status: 'denied', reason: 'not today' });
    const h = harness({ approvals: port.factory });
    const script = join(ws, 'connect.cjs');
    writeFileSync(
      script,
      `const s = require('node:net').connect(3128, '127.0.0.1', () => s.write('CONNECT unlisted.invalid:443 HTTP/1.1\\r\\n\\r\\n'));
s.on('data', (d) => { console.log('status ' + String(d).split(' ')[1]); s.destroy(); });
s.on('error', (e) => console.log('error ' + e.code));`,
    );
    const code = await runSandboxCommand(exec([process.execPath, script], { askNet: true }), h.deps);
    expect(code).toBe(0);
    expect(h.out()).toBe('status 403\n');
    expect(port.requests).toEqual([
      expect.objectContaining({ command: 'connect unlisted.invalid:443', grantable: false }),
    ]);
    expect(h.err()).toMatch(/refused unlisted\.invalid:443: denied: not today/);
  });
});
