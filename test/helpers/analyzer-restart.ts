import { expect } from 'vitest';
import type { FixtureEvent } from '../../analyzer/detector.js';
import { createAnalyzer } from '../../analyzer/index.js';
import type { Store } from '../../store/index.js';
import { fixtureEvents } from './analyzer.js';

/**
 * What the analyzer replays of a session it does not hold (analyzer/engine.ts: historyCap, 5,000 by default), set
 * smaller for these analyzers: what is tested is a first step older than the replay, not the replay's size, and
 * rebuilding each session from 5,000 events took most of a file's half minute. redteam-session-overflow.test.ts
 * rebuilds one at the default.
 */
export const HISTORY = 300;

/** The agent's own telemetry, model calls newer than the first step: as many as a forgotten session is rebuilt from. */
export const calls = (n: number, t: number): FixtureEvent[] =>
  Array.from({ length: n }, (_, i): FixtureEvent => ({ kind: 'llm_request', t: t + i * 0.01 }));

/** A fresh analyzer (a restart, replaying HISTORY events of a session) scores what is stored: the events it read. */
export async function drain(store: Store): Promise<number> {
  const { loop } = await createAnalyzer({ store, lease: false, analysis: 'inline', historyCap: HISTORY });
  let n = 0;
  for (let read = await loop.runOnce(); read > 0; read = await loop.runOnce()) n += read;
  return n;
}

/** What a case's session was alerted for after the restart. */
export interface AcrossRestart {
  /** Rules of its high and critical alerts, per case. */
  loud: Map<string, string[]>;
  /** Rules of all its alerts, per case. */
  every: Map<string, string[]>;
  /** Each loud alert's explanation, by `case/rule`. */
  texts: Map<string, string>;
}

/**
 * Each case (a session `${prefix}-${id}`) has its first part scored (by an analyzer over `o.firstStore`, the
 * store by default); then `o.beforeRestart`, a restart (a new analyzer), and its second part scored.
 */
export async function acrossRestart(
  store: Store,
  prefix: string,
  cases: Record<string, { before: FixtureEvent[]; after: FixtureEvent[] }>,
  o: { firstStore?: Store; beforeRestart?: () => Promise<void> } = {},
): Promise<AcrossRestart> {
  const baseMs = Date.now() - 3_600_000;
  const events = (id: string, session: FixtureEvent[]) =>
    fixtureEvents(
      { session },
      { session: `${prefix}-${id}`, user: 'dev', repo: `https://git.example/${prefix}/${id}`, baseMs },
    );
  const before = Object.entries(cases).flatMap(([id, c]) => events(id, c.before));
  await store.events.insert(before);
  // The first steps were scored before the restart (else the second analyzer scores the sessions whole).
  expect(await drain(o.firstStore ?? store)).toBeGreaterThanOrEqual(before.length);
  await o.beforeRestart?.();
  await store.events.insert(Object.entries(cases).flatMap(([id, c]) => events(id, c.after)));
  await drain(store);
  const out: AcrossRestart = { loud: new Map(), every: new Map(), texts: new Map() };
  for (const id of Object.keys(cases)) {
    const { alerts } = await store.alerts.list({
      session: `${prefix}-${id}`,
      sort: 'time',
      order: 'asc',
      limit: 50,
    });
    out.every.set(
      id,
      alerts.map((a) => a.rule_id),
    );
    const loud = alerts.filter((a) => a.severity === 'high' || a.severity === 'critical');
    out.loud.set(
      id,
      loud.map((a) => a.rule_id),
    );
    for (const a of loud) out.texts.set(`${id}/${a.rule_id}`, a.explanation.map((x) => x.text).join('\n'));
  }
  return out;
}
