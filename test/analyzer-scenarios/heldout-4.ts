import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAnalyzer } from '../../analyzer/index.js';
import { startServer } from '../../collector/index.js';
import {
  CI_PERSON,
  createRng,
  type DemoAgent,
  PEOPLE,
  planSession,
  REPOS,
  type SessionTelemetry,
  type Step,
  sendSession,
  sessionTelemetry,
} from '../../demo/index.js';
import type { Severity } from '../../schema/index.js';
import { generateScenarios } from './generate.js';
import { createRunnerTokens } from './runner-tokens.js';

/**
 * The analyzer-heldout-4 set (test/fixtures/analyzer-heldout-4.jsonl): sessions written by hand in the demo's
 * step language, each played by the agent it names, in that agent's native telemetry. `split` is by scenario:
 * `tune` (rules were written against it) and `final` (scored once before and once after the change).
 */
export interface HeldoutSession {
  id: string;
  scenario: string;
  split: 'tune' | 'final';
  attack: boolean;
  agent: DemoAgent;
  repo: number;
  person: number;
  note: string;
  steps: Step[];
}

export interface HeldoutResult {
  id: string;
  scenario: string;
  split: 'tune' | 'final';
  attack: boolean;
  agent: DemoAgent;
  rules: string[];
  /** Each alert's detector, severity and explanation lines. */
  alerts: { rule: string; severity: Severity; factors: string[] }[];
  risk: number;
  /** Wall time from the session's last export to its first alert, ms (null: never alerted). */
  firstAlertMs: number | null;
}

/** The fixture's sessions; `file` for callers bundled elsewhere (bench/ builds into dist/bench). */
export function loadHeldout4(
  file: URL = new URL('../fixtures/analyzer-heldout-4.jsonl', import.meta.url),
): HeldoutSession[] {
  const text = readFileSync(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as HeldoutSession);
}

/**
 * Sends a benign warm-up fleet (novelty and baselines need one) and then every held-out session to a real
 * Ward server with the analyzer running inside it as in `ward serve`, and reads back each session's alerts
 * and risk.
 */
export async function scoreHeldout4(
  sessions: readonly HeldoutSession[],
  o: {
    nowMs?: number;
    warmup?: number;
    /**
     * Score while sessions arrive, as in `ward serve` (default; gives the time to first alert). Off: score once
     * all are stored, in their order, so what novelty has seen before each session is the same every run.
     */
    live?: boolean;
  } = {},
): Promise<HeldoutResult[]> {
  const nowMs = o.nowMs ?? Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'ward-heldout4-'));
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir });
  const firstAlert = new Map<string, number>();
  const { loop } = await createAnalyzer({
    store: server.store,
    onBatch: (r) => {
      const now = Date.now();
      for (const a of r.alerts) if (!firstAlert.has(a.session_id)) firstAlert.set(a.session_id, now);
    },
  });
  try {
    const warm = generateScenarios({ seed: 11, nowMs, perBenign: 0, perAttack: 0, warmup: o.warmup ?? 40 });
    // Each person's sessions through a runner token of their own, as a team's runners send them.
    const runnerToken = createRunnerTokens(server.store);
    const send = async (t: SessionTelemetry) =>
      sendSession(t, { server: server.url, token: await runnerToken(t.plan.person.user) });
    for (const w of warm) await send(w.telemetry);
    await loop.catchUp();
    if (o.live !== false) loop.start();
    const sent = new Map<string, { s: HeldoutSession; at: number }>();
    for (const [i, s] of sessions.entries()) {
      const person = s.agent === 'ward' ? CI_PERSON : (PEOPLE[s.person] ?? PEOPLE[0]!);
      const repo = REPOS[s.repo] ?? REPOS[0]!;
      const rng = createRng((4 ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0);
      const plan = planSession(
        s.agent,
        { id: s.scenario, attack: s.attack, steps: s.steps },
        person,
        repo,
        rng,
        nowMs,
      );
      const t = sessionTelemetry(plan);
      await send(t);
      sent.set(plan.sessionId, { s, at: Date.now() });
    }
    await loop.stop();
    await loop.catchUp();
    const out: HeldoutResult[] = [];
    for (const [sessionId, { s, at }] of sent) {
      const page = await server.store.alerts.list({
        session: sessionId,
        sort: 'time',
        order: 'asc',
        limit: 200,
      });
      const risk = await server.store.analyzer.risk(sessionId);
      const first = firstAlert.get(sessionId);
      out.push({
        id: s.id,
        scenario: s.scenario,
        split: s.split,
        attack: s.attack,
        agent: s.agent,
        rules: [...new Set(page.alerts.map((a) => a.rule_id))].sort(),
        alerts: page.alerts.map((a) => ({
          rule: a.rule_id,
          severity: a.severity,
          factors: a.explanation.map((f) => f.text),
        })),
        risk: risk?.risk ?? 0,
        firstAlertMs: first === undefined ? (page.alerts.length ? 0 : null) : Math.max(0, first - at),
      });
    }
    return out;
  } finally {
    await loop.stop();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Recall over attack sessions and false-alarm sessions over benign ones, for a subset. */
export function summarise(results: readonly HeldoutResult[]) {
  const attacks = results.filter((r) => r.attack);
  const benign = results.filter((r) => !r.attack);
  return {
    attacks: attacks.length,
    detected: attacks.filter((r) => r.rules.length > 0).length,
    benign: benign.length,
    falseAlarms: benign.filter((r) => r.rules.length > 0).length,
  };
}
