import { describe, expect, it } from 'vitest';
import type { GateVerdict } from '../approvals/ask-human.js';
import { answerHookCall } from './hook-call.js';

const call = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    hook_event_name: 'PreToolUse',
    session_id: 's',
    cwd: '/work/app',
    tool_name: 'Bash',
    tool_input: { command: 'rm -rf ~' },
    ...fields,
  });
const verdict = (decision: GateVerdict['decision']): GateVerdict => ({
  decision,
  risk: decision === 'deny' ? 0.95 : 0.05,
  reasons: [
    {
      rule_id: 'destroy.rm-home',
      category: 'destructive',
      attack_id: 'T1485',
      detail: 'deletes the home directory',
    },
  ],
  mode: 'balanced',
});
const gateOf = (decision: GateVerdict['decision'], seen: string[] = []) => ({
  loadGate: async (input: { cwd: string }) => {
    seen.push(input.cwd);
    return { decide: () => verdict(decision) };
  },
  wait: false,
});

describe('answerHookCall: one hook call, raw input in, the agent-format answer out', () => {
  it("answers in each agent's format, loading the gate for the call's cwd", async () => {
    const seen: string[] = [];
    expect(await answerHookCall('claude-code', call(), gateOf('deny', seen))).toMatchObject({
      hookSpecificOutput: {
        permissionDecision: 'deny',
        permissionDecisionReason: expect.stringMatching(/^Ward: /),
      },
    });
    expect(seen).toEqual(['/work/app']);
    expect(
      await answerHookCall('gemini-cli', call({ hook_event_name: 'BeforeTool' }), gateOf('deny')),
    ).toMatchObject({ decision: 'deny' });
    // No objection: no output, the agent's own permission system decides.
    expect(await answerHookCall('codex', call(), gateOf('allow'))).toBeNull();
  });

  it('denies malformed input and a gate that cannot load, and ignores other events without loading it', async () => {
    const seen: string[] = [];
    expect(await answerHookCall('codex', 'not json', gateOf('allow', seen))).toMatchObject({
      hookSpecificOutput: { permissionDecision: 'deny' },
    });
    const broken = {
      loadGate: () => Promise.reject(new Error('policy.yaml: mode: invalid')),
      wait: false,
    };
    expect(await answerHookCall('gemini-cli', call(), broken)).toEqual({
      decision: 'deny',
      reason: 'Ward: policy.yaml: mode: invalid',
    });
    expect(
      await answerHookCall('claude-code', call({ hook_event_name: 'PostToolUse' }), gateOf('deny', seen)),
    ).toBeNull();
    expect(seen).toEqual([]);
  });
});
