import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ASK_RATE, ServerConfig } from '../collector/index.js';
import type { WardEnv } from './env.js';
import { main } from './serve.js';

// Flags refused before anything starts: exit 2 with a message naming the flag, nothing opened.
afterEach(() => {
  vi.restoreAllMocks();
});

async function refused(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  const code = await main(args, {} as WardEnv);
  return { code, err };
}

describe('ward serve --approval-rate', () => {
  it.each([['120'], ['120/'], ['/600'], ['a/b'], ['-1/60'], ['1.5/60'], ['1/60/2']])(
    'refuses %j',
    async (v) => {
      const { code, err } = await refused([`--approval-rate=${v}`]);
      expect(code).toBe(2);
      expect(err).toContain('--approval-rate must be REQUESTS/SECONDS');
    },
  );

  it('the configuration takes a whole rate within bounds only, and defaults to the built-in rate', () => {
    expect(ServerConfig.parse({}).approvalRate).toEqual(DEFAULT_ASK_RATE);
    expect(ServerConfig.parse({ approvalRate: { requests: 5, windowS: 60 } }).approvalRate).toEqual({
      requests: 5,
      windowS: 60,
    });
    for (const approvalRate of [
      { requests: 0, windowS: 60 },
      { requests: 5, windowS: 0 },
      { requests: 5, windowS: 86_401 },
    ])
      expect(ServerConfig.safeParse({ approvalRate }).success).toBe(false);
  });
});
