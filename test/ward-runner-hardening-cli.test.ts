import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bwrapWorks } from '../sandbox-runner/sandbox/test-support.js';

const ROOT = join(import.meta.dirname, '..');

/** The runner and the server refuse settings that hand the agent (or the network) Ward's own authority. */
describe('ward exec / run / serve refuse unsafe settings', () => {
  let base: string;
  let home: string;
  beforeAll(() => {
    base = mkdtempSync('/var/tmp/ward-cli-hardening-');
    home = join(base, 'home');
    mkdirSync(home);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const ward = (args: string[], cwd = base, extraEnv: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(ROOT, 'bin/ward.mjs'), ...args], {
      cwd,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...extraEnv },
    });

  it.each(['exec', 'run'])(
    'ward %s refuses a plain-http server beyond loopback, before running anything',
    (cmd) => {
      const marker = join(base, `ran-${cmd}`);
      const r = ward([cmd, '--server', 'http://10.0.0.5:4318', '--', 'touch', marker]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(
        /refusing to use http:\/\/10\.0\.0\.5:4318 over plain HTTP.*--insecure-server/s,
      );
      expect(spawnSync('test', ['-e', marker]).status).not.toBe(0);
      const fromEnv = ward([cmd, '--', 'touch', marker], base, { WARD_SERVER: 'http://ward.example.com' });
      expect(fromEnv.status).toBe(2);
    },
  );

  it.runIf(bwrapWorks())('ward exec runs with --insecure-server (needs real bubblewrap)', () => {
    // 0.0.0.0 is not loopback by name; the span export fails fast and is spooled.
    const ws = join(base, 'ws');
    mkdirSync(ws, { recursive: true });
    const r = ward(['exec', '--insecure-server', '--server', 'http://0.0.0.0:1', '--', 'true'], ws);
    expect(r.stderr).not.toMatch(/over plain HTTP/);
    expect(r.status).toBe(0);
  });

  it('ward serve refuses a data dir inside a git work tree unless told', () => {
    const repo = join(base, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    const r = ward(['serve', '--port', '0', '--data', join(repo, 'store')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/refusing data dir .*inside the git work tree/);
  });
});
