import { type AgentEvent, type EventKind, emptyAgentEvent } from '../../schema/index.js';
import type { OtelLogRow } from '../../store/index.js';
import { rng } from './agent-mix.js';

/** One generated batch: agent events and the raw log rows of those that carry a long tool output. */
export interface SyntheticBatch {
  events: AgentEvent[];
  rawRows: OtelLogRow[];
}

const AGENTS = [
  { agent: 'codex', version: '0.171.0', tool: 'exec_command', share: 0.45 },
  { agent: 'claude-code', version: '2.1.197', tool: 'Bash', share: 0.35 },
  { agent: 'gemini-cli', version: '0.61.0', tool: 'run_shell_command', share: 0.2 },
] as const;

// Kind mix of a coding session (cumulative shares).
const KINDS: [EventKind, number][] = [
  ['prompt', 0.05],
  ['llm_request', 0.25],
  ['tool_decision', 0.35],
  ['tool_call', 0.45],
  ['tool_result', 0.6],
  ['command', 0.75],
  ['file_read', 0.83],
  ['file_write', 0.88],
  ['network', 0.93],
  ['other', 1],
];

const COMMANDS = [
  'ls -la',
  'git status --short',
  'npm test -- --run',
  'cat src/index.ts',
  'rg -n "TODO" src',
  'git diff --stat HEAD~1',
  'curl -sS https://registry.npmjs.org/zod',
  'python3 -m pytest -q tests/test_api.py',
  'sed -n 1,80p README.md',
  'find . -name "*.ts" -newer package.json',
];

/** The session ids the generator makes for `seed`, in order (the query bench looks some of them up). */
export function sessionId(seed: number, index: number): string {
  const r = rng(seed * 1_000_003 + index);
  const h = () =>
    Math.floor(r() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  const a = h() + h() + h() + h();
  return `${a.slice(0, 8)}-${a.slice(8, 12)}-${a.slice(12, 16)}-${a.slice(16, 20)}-${a.slice(20, 32)}`;
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

function kindOf(x: number): EventKind {
  for (const [k, share] of KINDS) if (x < share) return k;
  return 'other';
}

function outputText(r: () => number, n: number): string {
  let s = '';
  while (s.length < n)
    s += `${pick(r, ['-rw-r--r--', 'drwxr-xr-x'])} 1 dev dev ${Math.floor(r() * 99999)} Nov ${1 + Math.floor(r() * 28)} src/${pick(r, ['api', 'db', 'ui', 'lib'])}/${Math.floor(r() * 1e6).toString(36)}.ts\n`;
  return s.slice(0, n);
}

/** 32 hex digits, unique per event number (like the normalizer's hash ids). */
function eventId(r: () => number, n: number): string {
  const hi = Math.floor(r() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
  const mid = Math.floor(r() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
  return `${hi}${mid}${n.toString(16).padStart(16, '0')}`;
}

/** Nanoseconds since the epoch → canonical ISO with nine fraction digits. */
function isoNanos(ns: bigint): string {
  const iso = new Date(Number(ns / 1_000_000n)).toISOString();
  return `${iso.slice(0, 19)}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

function nanosText(ns: bigint): string {
  const s = ns.toString().padStart(19, '0');
  return `${s.slice(0, -9)}.${s.slice(-9)}`;
}

/**
 * Sessions of coding agents, `total` events in all, spread over the `days` before `nowMs`: batches of about
 * `batchEvents` events (whole sessions). A fifth of tool results carry a long output that, as in real ingest,
 * is kept once in its raw log row. Deterministic for a seed.
 */
export function* syntheticBatches(
  seed: number,
  total: number,
  batchEvents: number,
  nowMs: number,
  days = 30,
): Generator<SyntheticBatch> {
  const r = rng(seed);
  const spanMs = days * 86_400_000;
  let made = 0;
  let session = 0;
  let batch: SyntheticBatch = { events: [], rawRows: [] };
  while (made < total) {
    const size = Math.min(total - made, 20 + Math.floor(r() * 380));
    const x = r();
    const a = x < AGENTS[0].share ? AGENTS[0] : x < AGENTS[0].share + AGENTS[1].share ? AGENTS[1] : AGENTS[2];
    const sid = sessionId(seed, session++);
    const user = `dev${Math.floor(r() * 50)}@example.com`;
    const host = `ws-${Math.floor(r() * 30)}`;
    const repo = `github.com/acme/service-${Math.floor(r() * 80)}`;
    const cwd = `/home/dev/src/service-${Math.floor(r() * 80)}`;
    const resource = { 'service.name': a.agent, 'service.version': a.version, 'host.name': host };
    const attrs: Record<string, string> = {
      model: a.agent === 'codex' ? 'gpt-5-codex' : 'local-model',
      'terminal.type': 'xterm-256color',
    };
    // Sessions are in time order, like ingest: later sessions start later.
    let tMs = nowMs - spanMs + Math.floor(((made + r() * size) / total) * spanMs);
    for (let i = 0; i < size; i++) {
      tMs += 1000 + Math.floor(r() * 19_000);
      const ns = BigInt(Math.min(tMs, nowMs - 1000)) * 1_000_000n + BigInt(Math.floor(r() * 1_000_000));
      const kind = kindOf(r());
      const e = emptyAgentEvent();
      e.event_id = eventId(r, made + i);
      e.time = isoNanos(ns);
      e.raw_time = e.time;
      e.raw_table = 'otel_logs';
      e.agent = a.agent;
      e.agent_version = a.version;
      e.session_id = sid;
      e.user_id = user;
      e.host = host;
      e.repo = repo;
      e.cwd = cwd;
      e.kind = kind;
      e.event_name = `${a.agent}.${kind}`;
      e.attributes = {
        model: a.agent === 'codex' ? 'gpt-5-codex' : 'local-model',
        'terminal.type': 'xterm-256color',
      };
      if (kind === 'command' || kind.startsWith('tool_')) {
        e.tool = a.tool;
        e.call_id = `call_${(made + i - (i % 3)).toString(36)}`;
        e.command = `${pick(r, COMMANDS)}${r() < 0.5 ? '' : ` # ${Math.floor(r() * 1000)}`}`;
      }
      if (kind === 'tool_decision') {
        const d = r();
        e.decision = d < 0.9 ? 'allow' : d < 0.95 ? 'deny' : 'ask';
        e.decision_source = d < 0.6 ? 'config' : 'user';
      }
      if (kind === 'tool_result' || kind === 'command') {
        e.exit_code = r() < 0.85 ? 0 : 1;
        e.duration_ms = Math.floor(r() * 5000);
        e.success = e.exit_code === 0;
      }
      if (kind === 'file_read' || kind === 'file_write') e.target = `${cwd}/src/${Math.floor(r() * 500)}.ts`;
      if (kind === 'network') {
        e.target = `${pick(r, ['registry.npmjs.org', 'api.github.com', 'pypi.org', '10.0.0.7'])}:443`;
        e.decision = r() < 0.8 ? 'allow' : 'deny';
        e.bytes_out = Math.floor(r() * 100_000);
      }
      if (kind === 'tool_result' && r() < 0.2) {
        const output = outputText(r, 400 + Math.floor(r() * 3000));
        e.attributes = { ...attrs, output };
        batch.rawRows.push({
          Timestamp: nanosText(ns),
          TraceId: '',
          SpanId: '',
          TraceFlags: 0,
          SeverityText: '',
          SeverityNumber: 0,
          ServiceName: a.agent,
          Body: '',
          ResourceSchemaUrl: '',
          ResourceAttributes: resource,
          ScopeSchemaUrl: '',
          ScopeName: a.agent,
          ScopeVersion: '',
          ScopeAttributes: {},
          LogAttributes: { 'event.name': e.event_name, output, 'session.id': sid },
          EventName: '',
        });
      }
      batch.events.push(e);
    }
    made += size;
    if (batch.events.length >= batchEvents) {
      yield batch;
      batch = { events: [], rawRows: [] };
    }
  }
  if (batch.events.length > 0) yield batch;
}
