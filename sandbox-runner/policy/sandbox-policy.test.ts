import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSandboxEnv } from '../sandbox/sandbox-env.js';
import { defaultSandboxPolicy } from './defaults.js';
import { loadSandboxPolicyFile, PolicyError } from './load-policy.js';
import { SandboxPolicy } from './sandbox-policy.js';

describe('sandbox policy', () => {
  it('has one set of defaults (zod and the fast path agree)', () => {
    expect(SandboxPolicy.parse({})).toEqual(defaultSandboxPolicy());
  });

  it('loads the sandbox: section of a YAML file and names bad fields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-policy-'));
    const good = join(dir, 'ward.yaml');
    writeFileSync(good, 'rules: []\nsandbox:\n  allowNet: [registry.npmjs.org]\n  limits: { timeoutS: 5 }\n');
    const p = await loadSandboxPolicyFile(good);
    expect(p.allowNet).toEqual(['registry.npmjs.org']);
    expect(p.limits).toMatchObject({ timeoutS: 5, cpuS: 600 });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ sandbox: { allowNet: ['https://x/y'], limits: { processes: 1 } } }));
    await expect(loadSandboxPolicyFile(bad)).rejects.toThrow(PolicyError);
    await expect(loadSandboxPolicyFile(bad)).rejects.toThrow(
      /sandbox\.allowNet\.0: .*HOST:PORT[\s\S]*sandbox\.limits\.processes/,
    );
  });
});

describe('sandbox environment', () => {
  const parent = {
    PATH: '/bin',
    HOME: '/h',
    LC_ALL: 'C',
    GITHUB_TOKEN: 't',
    AWS_PROFILE: 'p',
    OPENAI_API_KEY: 'k',
    FOO: 'f',
  };
  it('keeps safe names and drops secrets and unknown names', () => {
    expect(buildSandboxEnv(parent, [])).toEqual({ PATH: '/bin', HOME: '/h', LC_ALL: 'C' });
  });
  it('passes a secret only when the policy names it (exactly or by prefix)', () => {
    expect(buildSandboxEnv(parent, ['OPENAI_API_KEY', 'AWS_*'])).toMatchObject({
      OPENAI_API_KEY: 'k',
      AWS_PROFILE: 'p',
    });
  });
});
