import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type WardServer } from '../collector/server.js';
import { defaultSandboxPolicy } from '../gate/index.js';
import { createApprovalClient, createNetworkAsk } from '../sandbox-runner/approvals/index.js';
import { sandboxNetworkSetup, startNetworkProxy } from '../sandbox-runner/network/index.js';
import { type LocalServer, startEchoServer } from '../sandbox-runner/network/test-support.js';
import { createRunner } from '../sandbox-runner/runner.js';
import type { NetworkPort } from '../sandbox-runner/sandbox/network-port.js';
import { bwrapWorks } from '../sandbox-runner/sandbox/test-support.js';
import type { Approval } from '../schema/index.js';

const ROOT = join(import.meta.dirname, '..');
const RUNNER = 'runner-netask-token-0123456789';

// Inside the sandbox: CONNECT through the relay to each target in turn, print "<target> echo|status <code>".
const CONNECT_EACH = `
const net = require('node:net');
async function one(target) {
  return new Promise((done) => {
    const s = net.connect(3128, '127.0.0.1', () => s.write('CONNECT ' + target + ' HTTP/1.1\\r\\n\\r\\n'));
    let buf = '';
    let tunnel = false;
    s.on('data', (d) => {
      buf += d;
      if (!tunnel && buf.includes('\\r\\n\\r\\n')) {
        const status = buf.split(' ')[1];
        if (status !== '200') { console.log(target + ' status ' + status); s.destroy(); return done(); }
        tunnel = true; buf = ''; s.write('ping');
      } else if (tunnel && buf.length >= 4) { console.log(target + ' echo ' + buf); s.end(); done(); }
    });
    s.on('error', (e) => { console.log(target + ' error ' + e.code); done(); });
  });
}
(async () => { for (const t of process.argv.slice(1)) await one(t); })();
`;

let server: WardServer;
let echo: LocalServer;
beforeAll(async () => {
  server = await startServer({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'ward-netask-')),
    store: { database: 'ward_netask_test' },
  });
  await server.store.tokens.add(RUNNER, 'runner-net', 'runner');
  echo = await startEchoServer();
});
afterAll(async () => {
  await echo?.close();
  await server?.close();
});

async function allApprovals(): Promise<Approval[]> {
  const res = await fetch(`${server.url}/api/approvals?limit=1000`, {
    headers: { authorization: `Bearer ${server.adminToken}` },
  });
  return ((await res.json()) as { approvals: Approval[] }).approvals;
}

/** Plays the analyst: decides each pending request for a command in `answers` as soon as it appears. */
function analyst(answers: Record<string, 'approve' | 'deny'>, stop: AbortSignal): Promise<void> {
  return (async () => {
    const done = new Set<string>();
    while (!stop.aborted) {
      for (const a of await allApprovals()) {
        const answer = answers[a.command];
        if (a.status !== 'pending' || !answer || done.has(a.id)) continue;
        done.add(a.id);
        await fetch(`${server.url}/api/approvals/${a.id}/decision`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ decision: answer, reason: `test says ${answer}` }),
        });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
}

describe.runIf(bwrapWorks())(
  'network asks through the approval gate (real proxy, sandbox and server)',
  () => {
    let ws: string;
    let home: string;
    beforeAll(() => {
      ws = mkdtempSync('/tmp/ward-netask-ws-');
      home = mkdtempSync('/var/tmp/ward-netask-home-');
    });
    afterAll(() => {
      rmSync(ws, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    });

    it('allow list passes, deny list is refused unasked, other hosts ask a human who decides', async () => {
      const names: Record<string, string[]> = {
        'ask.test': ['127.0.0.1'],
        'no.test': ['127.0.0.1'],
        'blocked.test': ['127.0.0.1'],
      };
      const resolved: string[] = [];
      // The real proxy, with names resolved by the test (only ever to 127.0.0.1).
      const network: NetworkPort = {
        startNetworkProxy: (opts) =>
          startNetworkProxy({
            ...opts,
            resolve: async (host) => {
              resolved.push(host);
              const found = names[host];
              if (!found) throw new Error(`ENOTFOUND ${host}`);
              return found;
            },
          }),
        sandboxNetworkSetup,
      };
      const messages: string[] = [];
      const ask = createNetworkAsk({
        client: async () => createApprovalClient({ server: server.url, token: RUNNER, pollS: 5 }),
        mode: 'balanced',
        session: 'net-s1',
        agent: 'ward',
        cwd: ws,
        project: ws,
        denyHosts: ['blocked.test', '*.evil.test'],
        waitMs: 20_000,
        stderr: { write: (s: string) => messages.push(s) },
      });
      const runner = createRunner(
        { ...defaultSandboxPolicy(), allowNet: [`127.0.0.1:${echo.port}`, `blocked.test:${echo.port}`] },
        {
          cwd: ws,
          home,
          processEnv: { PATH: '/usr/bin:/bin', HOME: home },
          network,
          denyNetwork: ask.deny,
          decideNetwork: ask.decide,
          decideNetworkTimeoutMs: ask.timeoutMs,
        },
      );
      const p = echo.port;
      const stop = new AbortController();
      const deciding = analyst(
        { [`connect ask.test:${p}`]: 'approve', [`connect no.test:${p}`]: 'deny' },
        stop.signal,
      );
      try {
        const targets = [
          `127.0.0.1:${p}`,
          `blocked.test:${p}`,
          `x.evil.test:${p}`,
          `ask.test:${p}`,
          `ask.test:${p}`,
          `no.test:${p}`,
        ];
        const r = await runner.run([process.execPath, '-e', CONNECT_EACH, ...targets]);
        expect(r.stdout.split('\n')).toEqual([
          `127.0.0.1:${p} echo ping`,
          `blocked.test:${p} status 403`,
          `x.evil.test:${p} status 403`,
          // Approved by the human, then refused anyway: the name resolves to loopback, which only an
          // allow entry naming the host itself may reach (the proxy's check after every approval).
          `ask.test:${p} status 403`,
          `ask.test:${p} status 403`,
          `no.test:${p} status 403`,
          '',
        ]);
        const byHost = new Map(r.networkAttempts.map((a) => [a.host, a]));
        expect(byHost.get('127.0.0.1')).toMatchObject({ decision: 'allow' });
        // The deny list wins over the allowlist entry for the same host, and is never asked about.
        expect(byHost.get('blocked.test')).toMatchObject({
          decision: 'deny',
          reason: "on the policy's deny list (blocked.test)",
        });
        expect(byHost.get('x.evil.test')?.reason).toMatch(/deny list \(\*\.evil\.test\)/);
        expect(byHost.get('ask.test')).toMatchObject({
          decision: 'deny',
          reason: 'resolves to loopback address',
        });
        expect(byHost.get('no.test')).toMatchObject({ decision: 'deny', reason: 'denied by approval' });
        expect(resolved.filter((h) => h === 'no.test' || h === 'blocked.test')).toEqual([]);
      } finally {
        stop.abort();
        await deciding;
        await runner.close();
      }
      const mine = (await allApprovals()).filter((a) => a.session_id === 'net-s1');
      // One request per host and port (the second ask.test connection reused the answer); none for deny-listed hosts.
      expect(mine.map((a) => [a.command, a.status]).sort()).toEqual([
        [`connect ask.test:${p}`, 'approved'],
        [`connect no.test:${p}`, 'denied'],
      ]);
      expect(mine[0]?.reasons[0]).toMatchObject({
        rule_id: 'net.connect-unlisted',
        category: 'network',
        attack_id: 'T1048',
      });
      expect(mine.every((a) => a.grantable === false && a.project === ws)).toBe(true);
      expect(messages.join('')).toMatch(/waiting for approval .* to connect to ask\.test/);
      expect(messages.join('')).toMatch(/refused no\.test:\d+: denied: test says deny/);
    });

    it('ci mode, no server and an unreachable server refuse without waiting, and say so', async () => {
      const said: string[] = [];
      const stderr = { write: (s: string) => said.push(s) };
      const base = { session: 'net-s2', agent: 'ward', cwd: ws, project: ws, denyHosts: [], stderr };
      const ci = createNetworkAsk({
        ...base,
        mode: 'ci',
        client: async () => createApprovalClient({ server: server.url, token: RUNNER }),
      });
      expect(await ci.decide('x.test', 443)).toBe('deny');
      const none = createNetworkAsk({ ...base, mode: 'balanced' });
      expect(await none.decide('x.test', 443)).toBe('deny');
      const down = createNetworkAsk({
        ...base,
        mode: 'balanced',
        client: async () => createApprovalClient({ server: 'http://127.0.0.1:9', maxRetries: 0 }),
      });
      expect(await down.decide('x.test', 443)).toBe('deny');
      expect(said).toEqual([
        'ward: network: refused x.test:443: not on the network allowlist, and ci mode never asks\n',
        'ward: network: refused x.test:443: not on the network allowlist, and no Ward server is configured to ask (--server / WARD_SERVER)\n',
        expect.stringMatching(
          /^ward: network: refused x\.test:443: the approval request failed: cannot reach/,
        ),
      ]);
      expect((await allApprovals()).filter((a) => a.session_id === 'net-s2')).toEqual([]);
    });

    it('ward exec asks the server about an unlisted host; a denial refuses it, and ci mode never asks', async () => {
      const run = (args: string[]) =>
        new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
          const child = spawn(process.execPath, [join(ROOT, 'bin/ward.mjs'), ...args], {
            cwd: ws,
            env: { PATH: '/usr/bin:/bin', HOME: home, WARD_TOKEN: RUNNER },
          });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (b: Buffer) => (stdout += b));
          child.stderr.on('data', (b: Buffer) => (stderr += b));
          child.on('close', (code) => resolve({ code, stdout, stderr }));
          child.stdin.end();
        });
      // The targets are inside the script, not on its command line: the gate would (rightly) ask about a
      // host:port argument itself, and this test is about the proxy asking per connection.
      const scriptFor = (name: string, targets: string[]) => {
        const path = join(ws, `${name}.cjs`);
        writeFileSync(path, CONNECT_EACH.replace('process.argv.slice(1)', JSON.stringify(targets)));
        return path;
      };
      const stop = new AbortController();
      const deciding = analyst({ 'connect unlisted.invalid:443': 'deny' }, stop.signal);
      try {
        // No allowed host at all: --ask-net runs the proxy so that each host can be asked about.
        const asked = await run([
          'exec',
          '--ask-net',
          '--server',
          server.url,
          '--session',
          'net-cli',
          '--',
          process.execPath,
          scriptFor('connect-asked', ['unlisted.invalid:443']),
        ]);
        expect(asked.stdout).toBe('unlisted.invalid:443 status 403\n');
        expect(asked.stderr).toMatch(/waiting for approval .* to connect to unlisted\.invalid:443/);
        expect(asked.stderr).toMatch(/refused unlisted\.invalid:443: denied/);
      } finally {
        stop.abort();
        await deciding;
      }
      const cli = (await allApprovals()).filter((a) => a.session_id === 'net-cli');
      expect(cli.map((a) => [a.command, a.status, a.reasons[0]?.attack_id])).toEqual([
        ['connect unlisted.invalid:443', 'denied', 'T1071'],
      ]);

      const ci = await run([
        'exec',
        '--mode',
        'ci',
        '--server',
        server.url,
        '--session',
        'net-ci',
        '--allow-net',
        `127.0.0.1:${echo.port}`,
        '--',
        process.execPath,
        scriptFor('connect-ci', [`127.0.0.1:${echo.port}`, 'unlisted.invalid:443']),
      ]);
      expect(ci.stdout).toBe(`127.0.0.1:${echo.port} echo ping\nunlisted.invalid:443 status 403\n`);
      expect(ci.stderr).toContain(
        'ward: network: refused unlisted.invalid:443: not on the network allowlist, and ci mode never asks',
      );
      expect((await allApprovals()).filter((a) => a.session_id === 'net-ci')).toEqual([]);
    });
  },
);
