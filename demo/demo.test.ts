import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type WardServer } from '../collector/server.js';
import type { AgentEvent, SessionSummary, SessionTimeline } from '../schema/index.js';
import { buildDemo, type DemoResult, runDemo } from './index.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const SEED = 42;

function wire(seed: number) {
  return JSON.stringify(buildDemo(seed, NOW).map(({ plan, ...t }) => ({ id: plan.sessionId, ...t })));
}

describe('demo plan', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(wire(SEED)).toBe(wire(SEED));
    expect(wire(SEED)).not.toBe(wire(SEED + 1));
  });

  it('spreads sessions over the last hours, never in the future', () => {
    for (const t of buildDemo(SEED, NOW)) {
      expect(t.plan.startMs).toBeGreaterThan(NOW - 6 * 3_600_000);
      expect(t.plan.endMs).toBeLessThan(NOW);
    }
  });
});

describe('ward demo against the real server', () => {
  let server: WardServer;
  let dataDir: string;
  let result: DemoResult;

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    return (await res.json()) as T;
  }

  async function timeline(agent: string, story: string): Promise<AgentEvent[]> {
    const s = result.perSession.find((p) => p.agent === agent && p.story === story);
    if (!s) throw new Error(`no ${agent} ${story} session in the demo`);
    return (await api<SessionTimeline>(`/api/sessions/${encodeURIComponent(s.sessionId)}`)).events;
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ward-demo-'));
    server = await startServer({ host: '127.0.0.1', port: 0, dataDir });
    // Loopback OTLP needs no token: send without one, as an agent on this machine would.
    result = await runDemo({ server: server.url, seed: SEED, nowMs: Date.now() });
  });

  afterAll(async () => {
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('every session was acknowledged and is listed with its agent, user, host and repo', async () => {
    expect(result.sessions).toBe(buildDemo(SEED, NOW).length);
    const { sessions } = await api<{ sessions: SessionSummary[] }>('/api/sessions?limit=1000');
    for (const sent of result.perSession) {
      const s = sessions.find((x) => x.session_id === sent.sessionId);
      expect(s, `${sent.agent} ${sent.story} ${sent.sessionId}`).toBeDefined();
      expect(s?.agent).toBe(sent.agent);
      expect(s?.host).toBe(sent.host);
      expect(s?.repo).toBe(sent.repo);
    }
  });

  it('each agent has sessions with commands and decisions', async () => {
    const { sessions } = await api<{ sessions: SessionSummary[] }>('/api/sessions?limit=1000');
    for (const agent of ['codex', 'claude-code', 'gemini-cli', 'ward']) {
      const mine = sessions.filter((s) => s.agent === agent);
      expect(mine.length, agent).toBeGreaterThanOrEqual(3);
      expect(
        mine.reduce((n, s) => n + s.commands, 0),
        `${agent} commands`,
      ).toBeGreaterThan(0);
      expect(
        mine.reduce((n, s) => n + s.denied, 0),
        `${agent} denials`,
      ).toBeGreaterThan(0);
    }
  });

  it('Codex: the exec command, its exit code from the output, approvals and a cancelled prompt', async () => {
    const events = await timeline('codex', 'download-exec');
    const pipe = events.find((e) => e.kind === 'command' && e.command.includes('install.sh | sh'));
    expect(pipe?.exit_code).toBe(0);
    expect(
      events.some(
        (e) => e.kind === 'tool_decision' && e.decision === 'allow' && e.decision_source === 'User',
      ),
    ).toBe(true);
    const destructive = await timeline('codex', 'destructive');
    expect(
      destructive.some(
        (e) => e.kind === 'tool_decision' && e.decision === 'deny' && e.decision_source === 'aborted',
      ),
    ).toBe(true);
  });

  it('Claude Code: credential read, then an approved upload; a rejected call', async () => {
    const events = await timeline('claude-code', 'credential-exfil');
    const commands = events.filter((e) => e.kind === 'command').map((e) => e.command);
    expect(commands.some((c) => c.includes('.aws/credentials') && c.startsWith('cat'))).toBe(true);
    expect(commands.some((c) => c.includes('curl') && c.includes('paste.example'))).toBe(true);
    expect(events.some((e) => e.kind === 'tool_decision' && e.decision === 'deny')).toBe(true);
  });

  it('Gemini CLI: commands from function_args, a rejected destructive command', async () => {
    const events = await timeline('gemini-cli', 'destructive');
    const rm = events.find((e) => e.command === 'rm -rf ~');
    expect(rm?.kind).toBe('tool_decision');
    expect(rm?.decision).toBe('deny');
  });

  it('Ward runner: gate denials, blocked network and a sandbox violation', async () => {
    const events = await timeline('ward', 'sandboxed-exfil');
    expect(
      events.some(
        (e) => e.kind === 'tool_decision' && e.decision === 'deny' && e.command.startsWith('curl -F'),
      ),
    ).toBe(true);
    expect(
      events.some(
        (e) => e.kind === 'network' && e.target === 'collect.evil.example:443' && e.decision === 'deny',
      ),
    ).toBe(true);
    expect(events.some((e) => e.kind === 'sandbox_violation')).toBe(true);
  });

  it('secrets in tool output are redacted before storage', async () => {
    const { events } = await api<{ events: AgentEvent[] }>('/api/events?text=credentials&limit=1000');
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  });
});
