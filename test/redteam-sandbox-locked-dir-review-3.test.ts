import { spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bwrapWorks } from '../sandbox-runner/sandbox/test-support.js';

/**
 * Review 3 (2026-12-06): a directory the command locks hides what it wrote there, but only from an ordinary
 * user (root reads it anyway), so this runs `ward exec` as uid 65534 when the suite runs as root.
 */
const SETPRIV = '/usr/bin/setpriv';
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0 && existsSync(SETPRIV);

describe.runIf(bwrapWorks() && asRoot)('review 3: a locked directory, as an ordinary user (real CLI)', () => {
  let base: string;
  beforeAll(() => {
    base = mkdtempSync('/var/tmp/ward-review3-nobody-');
    for (const d of ['', 'home', 'ws', 'ws/pkg']) {
      if (d) mkdirSync(join(base, d));
      chownSync(join(base, d), NOBODY, NOBODY);
    }
    writeFileSync(join(base, 'ws/pkg/old.txt'), 'old');
    // A script, as an agent's build step would be. The gate reads what `sh build.sh` runs and would refuse a
    // hook written there, so the directory's name comes from a file it cannot foresee: only the sandbox's report
    // is tested here.
    writeFileSync(join(base, 'ws/name.txt'), '.claude');
    writeFileSync(
      join(base, 'ws/build.sh'),
      'd="pkg/$(cat name.txt)"; mkdir "$d" && echo {} > "$d/settings.json"; chmod 000 pkg\n',
    );
    chownSync(join(base, 'ws/pkg/old.txt'), NOBODY, NOBODY);
  });
  afterAll(() => {
    spawnSync('chmod', ['-R', 'u+rwx', base]);
    spawnSync('rm', ['-rf', base]);
  });

  it('an agent hook written into a directory then locked (chmod 000) is reported, and nothing is faked deleted', () => {
    const ward = join(import.meta.dirname, '../bin/ward.mjs');
    const home = join(base, 'home');
    // No server listens on port 1: the span is spooled, and read from the spool here.
    const r = spawnSync(
      SETPRIV,
      [
        `--reuid=${NOBODY}`,
        `--regid=${NOBODY}`,
        '--clear-groups',
        process.execPath,
        ward,
        'exec',
        '--server',
        'http://127.0.0.1:1',
        '--',
        'sh',
        'build.sh',
      ],
      {
        cwd: join(base, 'ws'),
        encoding: 'utf8',
        timeout: 60_000,
        env: { PATH: '/usr/bin:/bin', HOME: home },
      },
    );
    expect(r.status).toBe(0);
    const spool = join(home, '.ward/spool');
    const files = readdirSync(spool).filter((f) => f.endsWith('.otlp.json'));
    expect(files).toHaveLength(1);
    const body = readFileSync(join(spool, files[0] ?? ''), 'utf8');
    // Before: the snapshot could not list pkg/, so the hook went unseen and pkg/old.txt was reported deleted.
    expect(body).toMatch(/settings\.json|could not read [^"]*\/pkg after the command/);
    expect(body).not.toContain('\\"change\\":\\"deleted\\"');
    expect(r.stderr).toContain('ward: sandbox check_failed: could not read');
  });
});
