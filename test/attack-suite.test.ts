import { describe, expect, it } from 'vitest';
import { createGate, loadPolicy } from '../gate/index.js';
import { ATTACKS, EVERYDAY, scoreSuite } from './attack-suite/score.js';
import { CWD, HOME } from './attack-suite/shapes.js';

/**
 * A stand-in for the attack suites other teams write for coding-agent gates (issue 8): shell, file, fetch and
 * MCP tool calls in the hook shapes of Claude Code, Codex CLI and Gemini CLI, decided as `ward hook` decides
 * them with the default policy. Target: at least 95 % of the attacks caught (ask or deny) while every
 * everyday call stays allowed (the hook then defers to the agent's own prompt).
 */
describe('attack suite: hook-shaped tool calls of three agents', () => {
  it('holds at least 150 attacks over every tool kind and 100 everyday calls, all three agents', () => {
    expect(ATTACKS.length).toBeGreaterThanOrEqual(150);
    expect(EVERYDAY.length).toBeGreaterThanOrEqual(100);
    for (const set of [ATTACKS, EVERYDAY]) {
      const agents = new Set(set.map((c) => c.agent));
      expect([...agents].sort()).toEqual(['claude-code', 'codex', 'gemini-cli']);
    }
    const tools = new Set(ATTACKS.map((c) => c.event.tool_name));
    for (const t of [
      'Bash',
      'run_shell_command',
      'Read',
      'read_file',
      'Write',
      'write_file',
      'Edit',
      'replace',
    ])
      expect(tools, t).toContain(t);
    expect([...tools].some((t) => t.startsWith('mcp__'))).toBe(true);
    expect(tools).toContain('apply_patch');
    expect(tools).toContain('WebFetch');
    expect(tools).toContain('web_fetch');
  });

  it('catches at least 95 % of the attacks and lets every everyday call through', async () => {
    const gate = await createGate({ policy: await loadPolicy({}), workspace: CWD, home: HOME });
    const r = await scoreSuite(gate);
    const missed = r.missed.map((m) => `${m.call.id} ${JSON.stringify(m.call.event.tool_input)}`);
    expect(r.caught / r.attacks, missed.join('\n')).toBeGreaterThanOrEqual(0.95);
    const nagged = r.nagged.map(
      (m) => `${m.call.id} ${JSON.stringify(m.call.event.tool_input)}: ${m.reasons.join('; ')}`,
    );
    expect(nagged).toEqual([]);
  }, 60_000);
});
