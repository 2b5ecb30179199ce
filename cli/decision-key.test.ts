import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { insecureServerProblem, pinnedDecisionKey } from './decision-key.js';
import { readEnv } from './env.js';

describe('runner trust in the server', () => {
  it('refuses plain http beyond loopback unless told WARD_INSECURE_NO_TLS=1', () => {
    const env = readEnv({ HOME: tmpdir() });
    expect(insecureServerProblem('http://ward.example:4318', env)).toMatch(
      /plain HTTP.*WARD_INSECURE_NO_TLS/,
    );
    expect(insecureServerProblem('http://10.0.0.5:4318', env)).not.toBeNull();
    expect(insecureServerProblem('not a url', env)).toMatch(/not a URL/);
    for (const ok of [
      'https://ward.example',
      'http://127.0.0.1:4318',
      'http://localhost:4318',
      'http://[::1]:4318',
    ])
      expect(insecureServerProblem(ok, env)).toBeNull();
    expect(
      insecureServerProblem(
        'http://ward.example:4318',
        readEnv({ HOME: tmpdir(), WARD_INSECURE_NO_TLS: '1' }),
      ),
    ).toBeNull();
  });

  it('reads the pinned decision key file, and fails (not skips the check) when it is unreadable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-pin-'));
    writeFileSync(join(dir, 'k.pem'), 'PEM');
    expect(pinnedDecisionKey(readEnv({ HOME: dir }))).toEqual({});
    expect(pinnedDecisionKey(readEnv({ HOME: dir, WARD_DECISION_KEY: join(dir, 'k.pem') }))).toEqual({
      decisionKey: 'PEM',
    });
    expect(() =>
      pinnedDecisionKey(readEnv({ HOME: dir, WARD_DECISION_KEY: join(dir, 'missing.pem') })),
    ).toThrow(/cannot read WARD_DECISION_KEY/);
  });
});
