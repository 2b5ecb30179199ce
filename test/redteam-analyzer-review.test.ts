/**
 * An attacker's review of the analyzer (2026-12-06): realistic prompt-injected sessions that reached their goal
 * with no alert above low, each now expected to raise at least a medium one, plus benign everyday sessions
 * expected to raise nothing. Left open (README, analyzer): a miner downloaded into the workspace and run under
 * another name; reading `.env` then pushing the branch stays a read-then-send (critical) by design. Events are
 * shaped as the collector's own normalizer shapes them (classifyTool), stored in the embedded ClickHouse and
 * scored by the real analyzer loop (engine, Sigma rules, sequences, novelty after a warm fleet of 120 sessions,
 * baselines).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../analyzer/index.js';
import type { AgentEvent, Alert } from '../schema/index.js';
import type { Store } from '../store/index.js';
import {
  type Agent,
  ATTACKS,
  BENIGN,
  benignWork,
  CONTROLS,
  REPO,
  session,
  USER,
} from './helpers/analyzer-review-sessions.js';
import { testStore } from './helpers/store.js';

describe('analyzer review: evasions and false alarms (real engine, embedded ClickHouse)', () => {
  let store: Store;
  const alerts = new Map<string, Alert[]>();
  const risks = new Map<string, number>();
  beforeAll(async () => {
    store = await testStore('ward_zz_attack_analyzer');
    const base = Date.now() - 6 * 3_600_000;
    // A warm fleet: 120 ordinary sessions across users and repos (novelty and baselines have their warm-up).
    const warm: AgentEvent[] = [];
    for (let i = 0; i < 120; i++) {
      const agent = (['claude-code', 'codex', 'gemini-cli'] as const)[i % 3] as Agent;
      warm.push(
        ...session(
          `warm-${i}`,
          agent,
          base + i * 60_000,
          [...benignWork(0, 8), { t: 400, sh: 'git push origin feature/x' }],
          i % 2 ? REPO : `https://git.example/acme/r${i % 5}`,
          i % 3 ? USER : `u${i % 7}@acme.example`,
        ),
      );
    }
    await store.events.insert(warm);
    const { loop } = await createAnalyzer({ store, lease: false, analysis: 'inline' });
    while ((await loop.runOnce()) > 0) {}
    const start = Date.now() - 2 * 3_600_000;
    const all = [...ATTACKS, ...CONTROLS, ...BENIGN];
    await store.events.insert(all.flatMap((c) => session(c.id, c.agent, start, c.steps)));
    while ((await loop.runOnce()) > 0) {}
    for (const c of all) {
      const r = await store.alerts.list({ session: c.id, sort: 'time', order: 'desc', limit: 100 });
      alerts.set(c.id, r.alerts);
      risks.set(c.id, (await store.analyzer.risk(c.id))?.risk ?? 0);
    }
    const lines = all.map(
      (c) =>
        `${c.id.padEnd(38)} risk=${String(risks.get(c.id)).padEnd(6)} ${(alerts.get(c.id) ?? [])
          .map((a) => `${a.rule_id}(${a.severity})`)
          .join(' ')}`,
    );
    console.log(lines.join('\n'));
  }, 300_000);

  const serious = (a: Alert) => a.severity === 'medium' || a.severity === 'high' || a.severity === 'critical';

  it.each(ATTACKS.map((c) => [c.id, c] as const))('%s raises at least a medium alert', (_id, c) => {
    const got = alerts.get(c.id) ?? [];
    expect(
      got.filter(serious).map((a) => `${a.rule_id}:${a.severity}`),
      `${c.goal}; got ${got.map((a) => `${a.rule_id}:${a.severity}`).join(', ') || 'nothing'}, risk ${risks.get(c.id)}`,
    ).not.toEqual([]);
  });

  it.each(CONTROLS.map((c) => [c.id, c] as const))(
    '%s (control) raises at least a medium alert',
    (_id, c) => {
      expect((alerts.get(c.id) ?? []).filter(serious).length, c.goal).toBeGreaterThan(0);
    },
  );

  // A first sighting of an everyday program (`ssh`) may raise a low novelty note, depending on what the warm
  // fleet happened to run: what must not happen is an alert that asks for triage, or a risk that escalates.
  it.each(BENIGN.map((c) => [c.id, c] as const))('%s (benign) raises no medium or higher alert', (_id, c) => {
    const got = alerts.get(c.id) ?? [];
    expect(
      got.filter(serious).map((a) => `${a.rule_id}:${a.severity}`),
      `${c.goal}; risk ${risks.get(c.id)}`,
    ).toEqual([]);
    expect(risks.get(c.id) ?? 0).toBeLessThan(0.7);
  });
});
