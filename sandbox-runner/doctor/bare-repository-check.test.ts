import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { bareRepositoryCheck } from './checks.js';

describe('doctor: git bare repositories', () => {
  const home = mkdtempSync('/var/tmp/ward-doctor-home-');
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const deps = { home, processEnv: { PATH: '/usr/bin:/bin' } };

  it('recommends safe.bareRepository=explicit until it is set', () => {
    const before = bareRepositoryCheck(deps);
    expect(before).toMatchObject({ ok: false, severity: 'recommended' });
    expect(before.fix).toContain('safe.bareRepository explicit');
    execFileSync('git', ['config', '--global', 'safe.bareRepository', 'explicit'], {
      env: { ...deps.processEnv, HOME: home },
    });
    expect(bareRepositoryCheck(deps)).toMatchObject({ ok: true });
  });
});
