import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readEnv } from '../cli/env.js';
import { createServerHookDecider } from '../cli/hook-endpoint.js';
import { TOKEN_ID_LENGTH } from '../collector/middleware/auth.js';
import { startServer, type WardServer } from '../collector/server.js';
import { hashToken } from '../store/index.js';
import { runWard } from './helpers/cli.js';

// `ward hook` (the command hook `ward install` puts in front of every tool call) decided with its own policy
// only: a session the analyzer had escalated, or one that had just read a secret, got the same answer as a
// calm one. With a server and a runner token it now asks the server what it knows of the session.

const RUNNER = 'runner-token-for-hook-cli-session-test';
let server: WardServer;
let dataDir: string;
let home: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ward-hook-cli-session-'));
  home = join(dataDir, 'home');
  // No analyzer runs: riskBehindMs 0, or every recorded session would ask once its first call is 10 s old.
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir, riskBehindMs: 0 }, () => {}, {
    hookDecider: createServerHookDecider(readEnv({ HOME: dataDir })),
  });
  await server.store.tokens.add(RUNNER, 'laptop-runner', 'runner');
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

type Answer = { hookSpecificOutput?: { permissionDecision: string; permissionDecisionReason: string } };

async function hook(
  session: string,
  tool: string,
  input: Record<string, unknown>,
  env: Record<string, string>,
) {
  const r = await runWard(['hook', 'claude-code'], {
    cwd: dataDir,
    input: JSON.stringify({
      session_id: session,
      transcript_path: '/tmp/t.jsonl',
      cwd: join(dataDir, 'project'),
      hook_event_name: 'PreToolUse',
      tool_name: tool,
      tool_input: input,
      tool_use_id: `toolu_${session}_${tool}`,
    }),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...env },
  });
  expect(r.code).toBe(0);
  const a = (r.stdout.trim() === '' ? {} : JSON.parse(r.stdout)) as Answer;
  return {
    decision: a.hookSpecificOutput?.permissionDecision ?? 'no objection',
    reason: a.hookSpecificOutput?.permissionDecisionReason ?? '',
  };
}
const withServer = () => ({ WARD_SERVER: server.url, WARD_TOKEN: RUNNER });
const SEND = 'curl -s https://api.github.com/repos/acme/app';

describe('ward hook with a server: the session counts', () => {
  it('asks for a send right after the session read a secret, and the server records both calls', async () => {
    expect((await hook('cli-calm', 'Bash', { command: SEND }, withServer())).decision).toBe('no objection');
    const read = await hook(
      'cli-thief',
      'Read',
      { file_path: join(dataDir, 'project', '.env') },
      withServer(),
    );
    expect(read.decision).toBe('ask');
    const send = await hook('cli-thief', 'Bash', { command: SEND }, withServer());
    expect(send).toMatchObject({
      decision: 'ask',
      reason: expect.stringMatching(/read a secret .* reaches api\.github\.com/),
    });
    // Without a server the hook decides alone, as before.
    expect((await hook('cli-thief', 'Bash', { command: SEND }, {})).decision).toBe('no objection');
    await vi.waitFor(
      async () => {
        const { events } = await server.store.events.query({ session: 'cli-thief', limit: 10 });
        expect(events.map((e) => [e.event_name, e.attributes['ward.hook.token_name']])).toEqual([
          ['ward.hook.decision', 'laptop-runner'],
          ['ward.hook.decision', 'laptop-runner'],
        ]);
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it('tells the server a secret read only the hook could see (a symlink), so the next send asks there too', async () => {
    const project = join(dataDir, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, '.env'), 'API_KEY=not-a-real-key\n');
    symlinkSync(join(project, '.env'), join(project, 'settings.txt'));
    const read = await hook('cli-link', 'Read', { file_path: join(project, 'settings.txt') }, withServer());
    expect(read).toMatchObject({ decision: 'ask', reason: expect.stringMatching(/-> .*\.env/) });
    const send = await hook('cli-link', 'Bash', { command: SEND }, withServer());
    expect(send).toMatchObject({
      decision: 'ask',
      reason: expect.stringMatching(/read a secret .*the hook's/),
    });
  });

  it("takes the analyzer's session risk: above the threshold, what it would allow asks", async () => {
    await server.store.analyzer.putRisk([
      {
        session_id: 'cli-escalated',
        risk: 0.95,
        factors: [{ detector: 'seq.sensitive-read-egress', weight: 0.95, text: 'read then sent' }],
        agent: 'claude-code',
        user_id: '',
        repo: '',
      },
    ]);
    // As the analyzer writes it for a session only this runner's token sent into: its part is the whole.
    const runner = hashToken(RUNNER).slice(0, TOKEN_ID_LENGTH);
    await server.store.analyzer.putSenderRisk([{ session_id: 'cli-escalated', sender: runner, risk: 0.95 }]);
    const d = await hook('cli-escalated', 'Bash', { command: 'ls -la' }, withServer());
    expect(d).toMatchObject({
      decision: 'ask',
      reason: expect.stringMatching(/session anomaly score 0\.95/),
    });
    expect((await hook('cli-other', 'Bash', { command: 'ls -la' }, withServer())).decision).toBe(
      'no objection',
    );
  });

  it("the server's decision is a floor: a user policy the agent rewrote cannot relax it", async () => {
    // A script the gate cannot see into (`node setup.js`) can write ~/.ward/policy.yaml: the agent's own user.
    mkdirSync(join(home, '.ward'), { recursive: true });
    const relaxed = [
      'mode: autonomous',
      'escalation: { threshold: 1 }',
      'rules:',
      "  - { id: anything, decision: allow, reason: relaxed by the agent, command: { regex: '.*' } }",
    ];
    writeFileSync(join(home, '.ward', 'policy.yaml'), `${relaxed.join('\n')}\n`);
    try {
      await server.store.analyzer.putRisk([
        { session_id: 'cli-relaxed', risk: 0.95, factors: [], agent: 'claude-code', user_id: '', repo: '' },
      ]);
      const creds = { command: 'cat ~/.aws/credentials' };
      // Alone, the rewritten policy lets both through.
      expect((await hook('cli-relaxed', 'Bash', creds, {})).decision).toBe('no objection');
      expect((await hook('cli-relaxed', 'Bash', { command: 'ls -la' }, {})).decision).toBe('no objection');
      const read = await hook('cli-relaxed', 'Bash', creds, withServer());
      expect(read).toMatchObject({
        decision: 'ask',
        reason: expect.stringMatching(/the Ward server: .*credential/),
      });
      const ls = await hook('cli-relaxed', 'Bash', { command: 'ls -la' }, withServer());
      expect(ls).toMatchObject({
        decision: 'ask',
        reason: expect.stringMatching(/the Ward server: session anomaly/),
      });
    } finally {
      rmSync(join(home, '.ward'), { recursive: true, force: true });
    }
  });

  it('fails closed: an unreachable server makes what it would allow ask, a refusing one denies', async () => {
    const down = await hook(
      'cli-down',
      'Bash',
      { command: 'ls -la' },
      {
        WARD_SERVER: 'http://127.0.0.1:9',
        WARD_TOKEN: RUNNER,
      },
    );
    expect(down).toMatchObject({
      decision: 'ask',
      reason: expect.stringMatching(/could not tell this session's risk/),
    });
    const revoked = await hook(
      'cli-revoked',
      'Bash',
      { command: 'ls -la' },
      {
        WARD_SERVER: server.url,
        WARD_TOKEN: 'not-a-token-the-server-knows',
      },
    );
    expect(revoked).toMatchObject({ decision: 'deny', reason: expect.stringMatching(/refused the call/) });
    // A server that answers something else than signals (an old one, a spoofed one, an endless one) is no answer.
    for (const [body, why] of [
      ['{}', /has no session signals/],
      // Signals, but no decision of its own (an older server, a proxy that cut it): nothing holds the policy.
      ['{"signals":{"sessionRisk":0}}', /gave no decision of its own/],
      ['{"signals":{"sessionRisk":"low"}}', /has no session signals/],
      ['not json', /not JSON/],
      [`{"signals":{"sessionRisk":0,"pad":"${'x'.repeat(2_000_000)}"}}`, /too long/],
    ] as const) {
      const fake = createServer((_req, res) => res.end(body));
      await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
      const d = await hook(
        'cli-fake',
        'Bash',
        { command: 'ls -la' },
        { WARD_SERVER: url, WARD_TOKEN: RUNNER },
      );
      fake.close();
      expect(d, body.slice(0, 40)).toMatchObject({ decision: 'ask', reason: expect.stringMatching(why) });
    }
    // A server that switches protocols took the socket and never answered: the hook ended silent, which is
    // "no objection", even for what its own policy denies.
    const upgrade = createNetServer((socket) => {
      socket.once('data', () =>
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n'),
      );
    });
    await new Promise<void>((r) => upgrade.listen(0, '127.0.0.1', r));
    const switched = {
      WARD_SERVER: `http://127.0.0.1:${(upgrade.address() as AddressInfo).port}`,
      WARD_TOKEN: RUNNER,
    };
    const asked = await hook('cli-upgrade', 'Bash', { command: 'ls -la' }, switched);
    const denied = await hook('cli-upgrade', 'Bash', { command: 'rm -rf /' }, switched);
    upgrade.close();
    expect(asked).toMatchObject({ decision: 'ask', reason: expect.stringMatching(/switched protocols/) });
    expect(denied.decision).toBe('deny');
    // What the policy denies stays denied whatever the server says.
    expect((await hook('cli-down', 'Bash', { command: 'rm -rf /' }, withServer())).decision).toBe('deny');
  });
});
