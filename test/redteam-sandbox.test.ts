import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bwrapWorks } from '../sandbox-runner/sandbox/test-support.js';

const ROOT = join(import.meta.dirname, '..');
const WARD = join(ROOT, 'bin/ward.mjs');

/**
 * Red team, inside `ward exec`: the agent looks for Ward's secrets where the operator put the server's data
 * (`ward serve --data /var/tmp/…`, outside the workspace, the home directory and WARD_DATA_DIR). The
 * sandbox binds the system read-only, so without more the admin token and signing keys are readable.
 */
describe.runIf(bwrapWorks())('red team: sandbox (needs real bubblewrap)', () => {
  let base: string;
  let home: string;
  let ws: string;
  beforeAll(() => {
    base = mkdtempSync('/var/tmp/ward-redteam-sbx-');
    home = join(base, 'home');
    ws = join(base, 'ws');
    mkdirSync(home);
    mkdirSync(ws);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const env = () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home });

  it("a server's data dir outside workspace and home is hidden from a later sandbox", async () => {
    const data = join(base, 'srv-data');
    const child = spawn(process.execPath, [WARD, 'serve', '--port', '0', '--data', data], {
      cwd: base,
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((ok, fail) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (/listening on/.test(out)) ok();
        });
        child.once('exit', (code) => fail(new Error(`ward serve exited ${code}`)));
      });
    } finally {
      await new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        child.once('exit', () => ok());
        child.kill('SIGTERM');
      });
    }
    const token = readFileSync(join(data, 'admin-token'), 'utf8').trim();
    expect(token.length).toBeGreaterThan(10);
    // A workspace script whose targets the gate cannot see (it reads the script, not the list the script reads):
    // only the sandbox stands here.
    const script = join(ws, 'look.sh');
    const secrets = ['admin-token', 'audit-signing-key.pem', 'spool.key', 'decision-key.pem'];
    writeFileSync(join(ws, 'paths.txt'), `${secrets.map((f) => join(data, f)).join('\n')}\n${data}\n`);
    writeFileSync(script, '#!/bin/sh\nwhile read -r p; do cat "$p" 2>&1; ls "$p" 2>&1; done < paths.txt\n');
    chmodSync(script, 0o755);
    const r = spawnSync(process.execPath, [WARD, 'exec', '--', './look.sh'], {
      cwd: ws,
      env: env(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).not.toMatch(/refused/);
    expect(r.stdout).not.toContain(token);
    expect(r.stdout).not.toMatch(/PRIVATE KEY/);
    expect(r.stdout).not.toMatch(/clickhouse/);
  });

  /** A git work tree with one commit, a planting script, and the marker the planted command would create. */
  const plantRepo = (name: string, subdir: string) => {
    const repo = join(base, name);
    mkdirSync(repo);
    const git = (...args: string[]) =>
      spawnSync('git', ['-c', 'user.email=a@b', '-c', 'user.name=a', ...args], {
        cwd: repo,
        encoding: 'utf8',
      });
    git('init', '-q');
    writeFileSync(join(repo, 'a'), 'a\n');
    git('add', 'a');
    git('commit', '-qm', 'i');
    const marker = join(base, `${name}-PWNED`);
    // The marker is outside the workspace: only a command run outside the sandbox can create it. The repository
    // comes out of an archive (made here, outside the sandbox), so the gate, which reads the script but not the
    // archive, cannot tell what its config runs: only the sandbox stands here.
    const stage = join(base, `${name}-stage`);
    mkdirSync(join(stage, subdir), { recursive: true });
    const inStage = (...args: string[]) =>
      spawnSync('git', ['-c', 'user.email=a@b', '-c', 'user.name=a', ...args], { cwd: join(stage, subdir) });
    inStage('init', '-q');
    inStage('commit', '-q', '--allow-empty', '-m', 'x');
    inStage('config', 'core.fsmonitor', `touch ${marker}; false`);
    spawnSync('tar', ['-cf', join(repo, 'stage.tar'), '-C', stage, subdir]);
    writeFileSync(
      join(repo, 'plant.sh'),
      `#!/bin/sh\nset -e\ntar -xf stage.tar\n` +
        `git update-index --add --cacheinfo 160000,$(git -C ${subdir} rev-parse HEAD),${subdir}\n`,
    );
    chmodSync(join(repo, 'plant.sh'), 0o755);
    return { repo, marker, git };
  };

  it("a repository planted as a gitlink does not run its fsmonitor on the user's next git status", () => {
    const { repo, marker, git } = plantRepo('plant', 'sub');
    const r = spawnSync(process.execPath, [WARD, 'exec', '--', './plant.sh'], {
      cwd: repo,
      env: env(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toMatch(/git_repository_created/);
    // The user, outside any sandbox, asks git what changed.
    git('status', '--short');
    expect(spawnSync('test', ['-e', marker]).status, 'planted fsmonitor ran outside the sandbox').not.toBe(0);
  });

  // The file snapshot skips node_modules (and stops at 200k entries): the index's gitlinks are checked too.
  it('a repository planted as a gitlink under node_modules does not run on the next git status', () => {
    const { repo, marker, git } = plantRepo('plant-nm', 'node_modules/sub');
    const r = spawnSync(process.execPath, [WARD, 'exec', '--', './plant.sh'], {
      cwd: repo,
      env: env(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toMatch(/node_modules\/sub\/\.git/);
    git('status', '--short');
    expect(spawnSync('test', ['-e', marker]).status, 'planted fsmonitor ran outside the sandbox').not.toBe(0);
  });

  it('an ordinary command in a repository with a real submodule records nothing about it', () => {
    const { repo, git } = plantRepo('plain', 'unused');
    const sub = join(base, 'sub-origin');
    mkdirSync(sub);
    spawnSync('git', ['init', '-q'], { cwd: sub });
    spawnSync(
      'git',
      ['-c', 'user.email=a@b', '-c', 'user.name=a', 'commit', '-q', '--allow-empty', '-m', 's'],
      {
        cwd: sub,
      },
    );
    git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'lib');
    git('commit', '-qm', 'sub');
    const r = spawnSync(process.execPath, [WARD, 'exec', '--', 'git', 'status', '--short'], {
      cwd: repo,
      env: env(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/git_repository_created|git_metadata_changed/);
    expect(spawnSync('test', ['-e', join(repo, 'lib/.git')]).status).toBe(0);
  });
});
