/**
 * npm run eval:analyzer — labelled sessions (test/analyzer-scenarios) in the agents' native shapes through a real
 * Ward server's OTLP endpoint, scored by the analyzer running inside it as in `ward serve`. Prints session-level
 * and per-detector precision/recall, false alerts per 100 benign sessions and p95 event-to-alert time, for the
 * families detectors were tuned on and for the held-out ones.
 * Options: --seed N (default 7), --benign N per benign family (default 15), --attack N per attack family (8),
 * --runner-tokens: each person's sessions sent with a runner token of their own, as a team's runners send them
 * (novelty counts other tokens' sightings only, so with one sender for all it stays silent).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAnalyzer } from '../analyzer/index.js';
import { startServer } from '../collector/index.js';
import { sendSession } from '../demo/index.js';
import type { Alert } from '../schema/index.js';
import { generateScenarios } from '../test/analyzer-scenarios/generate.js';
import { createRunnerTokens } from '../test/analyzer-scenarios/runner-tokens.js';
import { type SentSession, scoreEval } from '../test/analyzer-scenarios/score.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '7' },
    benign: { type: 'string', default: '15' },
    attack: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
    'runner-tokens': { type: 'boolean', default: false },
  },
});

const dataDir = mkdtempSync(join(tmpdir(), 'ward-eval-'));
const server = await startServer({ host: '127.0.0.1', port: 0, dataDir });
const firstAlert = new Map<string, number>();
const { loop } = await createAnalyzer({
  store: server.store,
  onBatch: (r) => {
    const now = Date.now();
    for (const a of r.alerts) if (!firstAlert.has(a.session_id)) firstAlert.set(a.session_id, now);
  },
  log: (m) => process.stderr.write(`${m}\n`),
});
loop.start();

const sessions = generateScenarios({
  seed: Number(values.seed),
  nowMs: Date.now(),
  perBenign: Number(values.benign),
  perAttack: Number(values.attack),
  warmup: 40,
});
process.stderr.write(`sending ${sessions.length} labelled sessions to ${server.url}…\n`);
const runnerToken = createRunnerTokens(server.store);
const people = new Set<string>();
const sent: SentSession[] = [];
let next = 0;
const worker = async () => {
  while (next < sessions.length) {
    const s = sessions[next++];
    if (!s) break;
    const person = s.telemetry.plan.person.user;
    people.add(person);
    const token = values['runner-tokens'] ? await runnerToken(person) : undefined;
    await sendSession(s.telemetry, { server: server.url, ...(token ? { token } : {}) });
    sent.push({
      sessionId: s.telemetry.plan.sessionId,
      family: s.family,
      split: s.split,
      attack: s.attack,
      agent: s.agent,
      sentAtMs: Date.now(),
    });
  }
};
const t0 = Date.now();
await Promise.all(Array.from({ length: 4 }, worker));
const sendMs = Date.now() - t0;
// Let the live loop finish what is stored, then make sure nothing is left.
await loop.stop();
while ((await loop.runOnce()) > 0) {
  // catch up
}

const alerts: Alert[] = [];
for (let cursor: string | null | undefined; ; ) {
  const page = await server.store.alerts.list({
    sort: 'time',
    order: 'asc',
    limit: 1000,
    ...(cursor ? { cursor } : {}),
  });
  alerts.push(...page.alerts);
  cursor = page.next_cursor;
  if (!cursor) break;
}
const report = scoreEval(sent, alerts, firstAlert);
await server.close();
rmSync(dataDir, { recursive: true, force: true });

if (values.json) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  const p = (n: number) => `${(100 * n).toFixed(1)}%`;
  const out = [
    `analyzer eval: ${report.sessions.attack} attack + ${report.sessions.benign} benign sessions (seed ${values.seed}, sent in ${(sendMs / 1000).toFixed(1)} s${values['runner-tokens'] ? `, ${people.size} runner tokens` : ''})`,
    '',
    `session level: recall ${p(report.session.recall)}  precision ${p(report.session.precision)}  false alerts per 100 benign sessions ${report.session.falseAlertsPer100Benign.toFixed(2)}`,
    ...Object.entries(report.bySplit).map(
      ([split, s]) =>
        `  ${(split === 'tune' ? 'in-sample (tune families)' : 'held-out families').padEnd(26)} attack recall ${p(s.attackRecall)} (${s.attacks} attacks)   false alerts per 100 benign ${s.falseAlertsPer100.toFixed(2)} (${s.benign} benign)   p95 ${Math.round(s.p95Ms)} ms`,
    ),
    `event-to-alert (session sent -> first alert): p50 ${report.latency.p50} ms  p95 ${report.latency.p95} ms  max ${report.latency.max} ms (n=${report.latency.n})`,
    '',
    'per detector:            alerts  on attacks  precision  attack coverage',
    ...report.detectors.map(
      (d) =>
        `  ${d.id.padEnd(26)} ${String(d.alerts).padStart(5)} ${String(d.onAttack).padStart(10)} ${p(d.precision).padStart(10)} ${p(d.attackCoverage).padStart(12)}`,
    ),
    '',
    'per family:',
    ...report.families.map(
      (f) =>
        `  ${f.family.padEnd(22)} ${f.split.padEnd(8)} ${f.attack ? 'attack' : 'benign'}  ${f.alerted}/${f.sessions} alerted`,
    ),
    ...(report.missed.length
      ? ['', 'missed attacks:', ...report.missed.map((m) => `  ${m.family} (${m.agent}) ${m.sessionId}`)]
      : []),
    ...(report.falseAlerts.length
      ? [
          '',
          'false alerts:',
          ...report.falseAlerts
            .slice(0, 40)
            .map((f) => `  ${f.family} (${f.agent}) ${f.detector}: ${f.text}`),
        ]
      : []),
    '',
  ];
  process.stdout.write(out.join('\n'));
}
