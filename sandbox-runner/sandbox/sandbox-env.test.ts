import { describe, expect, it } from 'vitest';
import { buildSandboxEnv } from './sandbox-env.js';

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
