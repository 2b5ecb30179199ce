import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../schema/fast.js';
import { testStore } from '../../test/helpers/store.js';
import { createHookRecorder, type HookCallSeen } from './hook-events.js';

const GITHUB_TOKEN = `ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}`;

const call = (session: string, over: Partial<HookCallSeen> = {}): HookCallSeen => ({
  session,
  tool: 'Bash',
  command: 'ls',
  target: '',
  cwd: '/work/app',
  callId: '',
  decision: 'defer',
  reason: '',
  ...over,
});

describe('hook decisions recorded as agent events', () => {
  it("stores each decided tool call, redacted and bounded, as the analyzer's input", async () => {
    const store = await testStore('ward_hook_events');
    const rec = createHookRecorder({ store, redact: createRedactor(), flushMs: 60_000 });
    const session = `hooked-${Date.now()}`;
    rec.record(
      'runner-1',
      'claude-code',
      call(session, { command: 'cat ~/.aws/credentials', decision: 'ask', callId: 'toolu_1' }),
    );
    rec.record(
      'runner-1',
      'claude-code',
      call(session, {
        command: `curl -H "Authorization: token ${GITHUB_TOKEN}" https://api.github.com`,
        decision: 'deny',
        reason: 'network',
      }),
    );
    rec.record(
      'runner-1',
      'claude-code',
      call(session, { tool: 'Read', command: '', target: '/work/app/README.md', callId: 'toolu_3' }),
    );
    rec.record('runner-1', 'claude-code', call(`${session}-${'s'.repeat(70_000)}`));
    await rec.flush();
    expect(rec.stats()).toEqual({ queued: 0, stored: 4, dropped: 0 });

    const { events } = await store.events.query({ session, limit: 10 });
    expect(events).toHaveLength(3);
    for (const e of events)
      expect(e).toMatchObject({
        kind: 'tool_decision',
        event_name: 'ward.hook.decision',
        decision_source: 'ward-hook',
      });
    const byCall = Object.fromEntries(events.map((e) => [e.call_id || e.decision, e]));
    expect(byCall.toolu_1).toMatchObject({
      command: 'cat ~/.aws/credentials',
      decision: 'ask',
      tool: 'Bash',
    });
    expect(byCall.deny?.command).not.toContain(GITHUB_TOKEN);
    expect(byCall.deny?.attributes['ward.hook.reason']).toBe('network');
    // Another tool's path is its target, not a command to analyse; "defer" (no objection) is an allow.
    expect(byCall.toolu_3).toMatchObject({ command: '', target: '/work/app/README.md', decision: 'allow' });
  });

  it('holds at most its bound waiting, and one sender at most three quarters of it', async () => {
    const store = await testStore('ward_hook_events');
    const logs: string[] = [];
    const rec = createHookRecorder({
      store,
      redact: createRedactor(),
      flushMs: 60_000,
      maxQueued: 4,
      log: (m) => logs.push(m),
    });
    const s = `bounded-${Date.now()}`;
    for (let i = 0; i < 5; i++) rec.record('flooder', 'codex', call(s, { callId: `f${i}` }));
    rec.record('victim', 'codex', call(s, { callId: 'v1' }));
    expect(rec.stats()).toEqual({ queued: 4, stored: 0, dropped: 2 });
    expect(logs.join('\n')).toMatch(/hook decisions dropped/);
    await rec.flush();
    const { events } = await store.events.query({ session: s, limit: 10 });
    expect(events.map((e) => e.call_id).sort()).toEqual(['f0', 'f1', 'f2', 'v1']);
  });
});
