import { describe, expect, it } from 'vitest';
import { defaultSandboxPolicy } from './sandbox-defaults.js';
import { SandboxPolicy } from './sandbox-policy.js';

describe('sandbox policy', () => {
  it('has one set of defaults (zod and the fast path agree)', () => {
    expect(SandboxPolicy.parse({})).toEqual(defaultSandboxPolicy());
  });
});
