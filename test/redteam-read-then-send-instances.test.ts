import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../cli/env.js';
import { createServerHookDecider } from '../cli/hook-endpoint.js';
import type { SharedReads } from '../collector/index.js';
import type { WardServer } from '../collector/server.js';
import type { ApprovalPort } from '../schema/index.js';
import type { Store } from '../store/index.js';
import { type ClaudeAnswer, claudeHook, decision, hookCall } from './helpers/claude-hook.js';
import { startInstances } from './helpers/instances.js';
import { testStore } from './helpers/store.js';

// The read-then-send memory (gate/read-then-send.ts) lived in one instance's memory: a secret read on instance A
// and the send on instance B behind a load balancer (a retry is enough to land there) passed as a calm
// session's (after a restart too: redteam-read-then-send-restart.test.ts). Nothing here runs the analyzer: the
// asks must come from the read.

const ADMIN = 'admin-token-read-then-send-instances-0123';
const RUNNER = 'runner-token-read-then-send-instances-0123';
const OTHER = 'other-runner-token-read-then-send-instances';
const SEND = 'curl -s https://api.github.com/repos/acme/app';

const hook = (
  server: WardServer,
  session: string,
  tool: string,
  input: Record<string, unknown>,
  cwd: string,
  token = RUNNER,
) => claudeHook(server.url, token, hookCall(session, tool, input, cwd));

describe('red team: read on one instance, send on another', () => {
  let base: Store;
  let servers: WardServer[];
  let close: () => Promise<void>;
  const home = mkdtempSync(join(tmpdir(), 'ward-rts-instances-'));
  const workspace = join(home, 'project');

  beforeAll(async () => {
    base = await testStore('ward_read_then_send_instances');
    ({ servers, close } = await startInstances(base, 2, {
      adminToken: ADMIN,
      config: { riskBehindMs: 0 },
      hookDecider: () => createServerHookDecider(readEnv({ HOME: home })),
    }));
    await base.tokens.add(RUNNER, 'runner', 'runner');
    await base.tokens.add(OTHER, 'other', 'runner');
  }, 120_000);
  afterAll(async () => {
    await close?.();
    rmSync(home, { recursive: true, force: true });
  });

  it('asks for the send on B once A noted the read, whichever token sends it', async () => {
    const [A, B] = servers as [WardServer, WardServer];
    expect(decision(await hook(B, 'hopper', 'Bash', { command: SEND }, workspace))).toBe('no objection');
    const read = await hook(A, 'hopper', 'Read', { file_path: join(workspace, '.env') }, workspace);
    expect(decision(read)).toBe('ask');
    // Straight after A answered: the read is in the store before its answer left A.
    const send = await hook(B, 'hopper', 'Bash', { command: SEND }, workspace);
    expect(decision(send)).toBe('ask');
    expect(send.hookSpecificOutput?.permissionDecisionReason).toMatch(
      /this session read a secret \d+ s ago \(reads a project secrets file.*\.env\), and this call reaches api\.github\.com/,
    );
    const cross = await hook(B, 'hopper', 'Bash', { command: SEND }, workspace, OTHER);
    expect(decision(cross)).toBe('ask');
    expect(cross.hookSpecificOutput?.permissionDecisionReason).toMatch(/through another token/);
    expect(cross.hookSpecificOutput?.permissionDecisionReason).not.toMatch(/\.env/);
    // Another session is not held to it, on either instance.
    expect(decision(await hook(B, 'calm', 'Bash', { command: SEND }, workspace))).toBe('no objection');
    const rows = await base.sessionReads.since(Date.now() - 60_000, 100);
    expect(rows.filter((r) => r.session_id === 'hopper')).toHaveLength(1);
  });

  it('finds the read under the same session however its id is spelled (a lone surrogate, a pair cut at the bound)', async () => {
    const [A, B] = servers as [WardServer, WardServer];
    for (const session of ['odd-\ud83d-x', `${'s'.repeat(255)}\u{1F600}`]) {
      expect(decision(await hook(A, session, 'Bash', { command: 'cat .env' }, workspace))).toBe('ask');
      expect(decision(await hook(B, session, 'Bash', { command: SEND }, workspace)), session).toBe('ask');
    }
  });
});

describe('the store cannot be read', () => {
  const NONE: ApprovalPort = {
    request: () => Promise.reject(new Error('no approvals here')),
    waitForDecision: async () => ({ status: 'denied', reason: 'no approvals here' }),
    urlFor: () => '',
    grants: async () => [],
  };
  const failing = (shared: boolean, what: 'since' | 'latest' | 'none'): SharedReads => ({
    shared,
    repeatMs: 60_000,
    note: async () => {},
    latest: async () => {
      if (what === 'latest') throw new Error('store down');
      return null;
    },
    since: async () => {
      if (what === 'since') throw new Error('store down');
      return [];
    },
  });

  it('counts a stored read as recent as the repeats not stored after it could be', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ward-rts-repeat-'));
    const decide = createServerHookDecider(readEnv({ HOME: home }));
    // Stored 30 min 30 s ago; the same token read again up to a minute later, which was not stored.
    const row = { session_id: 's', caller: 'runner', atMs: Date.now() - 1_830_000, what: 'cat .env' };
    try {
      const send = (await decide('claude-code', hookCall('s', 'Bash', { command: SEND }, join(home, 'p')), {
        wait: false,
        waitMs: 0,
        approvals: NONE,
        caller: 'runner',
        sharedReads: { ...failing(true, 'none'), latest: async () => row },
      })) as ClaudeAnswer;
      expect(decision(send)).toBe('ask');
    } finally {
      await decide.close?.();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it.each([
    ['looking a session up (several instances)', true, 'latest'],
    ['loading the reads kept before a restart', false, 'since'],
  ] as const)('a send asks when %s fails; what sends nothing is allowed', async (_name, shared, what) => {
    const home = mkdtempSync(join(tmpdir(), 'ward-rts-down-'));
    const decide = createServerHookDecider(readEnv({ HOME: home }));
    try {
      const ask = (command: string) =>
        decide('claude-code', hookCall('s', 'Bash', { command }, join(home, 'p')), {
          wait: false,
          waitMs: 0,
          approvals: NONE,
          caller: 'runner',
          sharedReads: failing(shared, what),
        }) as Promise<ClaudeAnswer>;
      const send = await ask(SEND);
      expect(decision(send)).toBe('ask');
      expect(send.hookSpecificOutput?.permissionDecisionReason).toMatch(/could not be checked/);
      expect(decision(await ask('ls -la'))).toBe('no objection');
    } finally {
      await decide.close?.();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
