import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bwrapWorks } from '../sandbox/test-support.js';
import { runDoctorChecks } from './checks.js';

describe.runIf(bwrapWorks())('doctor: home isolation (needs real bubblewrap)', () => {
  const home = mkdtempSync('/var/tmp/ward-doctor-iso-');
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it("probes this user's credential paths from inside the sandbox and finds none readable", async () => {
    mkdirSync(join(home, '.ssh'));
    writeFileSync(join(home, '.ssh/id_ed25519'), 'k');
    writeFileSync(join(home, '.npmrc'), '//registry.npmjs.org/:_authToken=x');
    writeFileSync(join(home, '.vault-token'), 'v');
    const checks = await runDoctorChecks({
      platform: 'linux',
      home,
      processEnv: { PATH: '/usr/bin:/bin', HOME: home },
    });
    expect(checks.find((c) => c.name === 'home isolation')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/none of 3 credential path\(s\)/),
    });
  });
});

describe.runIf(!bwrapWorks())('doctor: home isolation (needs real bubblewrap)', () => {
  it.skip('needs a working /usr/bin/bwrap on Linux', () => {});
});
