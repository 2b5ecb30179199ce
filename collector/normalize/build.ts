import { createHash } from 'node:crypto';
import type { Redactor } from '../../schema/fast.js';
import { valueToString } from '../../schema/fast.js';
import type { AgentEvent, Decision, EventKind, OtlpAttributes, OtlpSignal } from '../../schema/index.js';
import { emptyAgentEvent, OTEL, SENDER_ATTRS, TRUNCATED_MARK, WARD } from '../../schema/index.js';
import type { ResourceInfo } from './agent.js';
import type { IdPart } from './event-id.js';
import { isoToNanos, isSetNanos, nanosToIso } from './time.js';

/** Longest stored attribute value, command or target (characters); longer ones are cut and marked. */
export const MAX_VALUE_CHARS = 8192;
/** Most attributes kept per event; the rest are counted in `ward.attributes_dropped`. */
export const MAX_ATTRIBUTES = 128;
/**
 * Longest stored identifier or name (session, user, host, tool, call id, agent, version, event name, decision
 * source); a longer one keeps its start and a digest.
 */
export const MAX_ID_CHARS = 256;
/** Longest stored working directory (PATH_MAX); a longer one is cut and marked. */
export const MAX_CWD_CHARS = 4096;
/** Redaction looks this far past the cut so a secret straddling it is still recognised. */
const REDACT_MARGIN = 4096;

/** What a per-agent normalizer says about one event; the builder adds everything shared. */
export interface Draft {
  kind: EventKind;
  event_name: string;
  tool?: string;
  call_id?: string;
  command?: string;
  target?: string;
  decision?: Decision;
  decision_source?: string;
  exit_code?: number | null;
  duration_ms?: number | null;
  bytes_in?: number | null;
  bytes_out?: number | null;
  success?: boolean | null;
  session_id?: string;
  cwd?: string;
  missing?: readonly string[];
  /** Attribute keys whose values the fields above hold verbatim: left out of `attributes`. */
  consumed?: readonly string[];
  /** More attributes to keep (a span event's own, a log body), after the record's. */
  extra?: OtlpAttributes;
  /** Tells apart several events made from one record (a Ward span's command and its network events). */
  subKey?: string;
  /** Event time when it is not the record's (span events). */
  timeNanos?: string;
}

/** Where an event's raw record lives and what identifies it. */
export interface RecordBase {
  signal: OtlpSignal;
  rawTable: AgentEvent['raw_table'];
  /** The raw row's timestamp (otel_logs: time, or observed time when 0; otel_traces: span start). */
  rawNanos: string;
  /** Best event time; falls back to the event.timestamp attribute, then to rawNanos. */
  timeNanos: string;
  traceId: string;
  spanId: string;
  /** The record's identifying content for the event id (its attributes are added by the builder). */
  identity: string;
  /** Its resource's digest (event-id.ts sourceKey): the same record from another resource is another event. */
  source: string;
  attrs: OtlpAttributes;
  res: ResourceInfo;
}

export interface BuildContext {
  redact: Redactor;
  eventId: (parts: readonly IdPart[]) => string;
  /** The token the request came with (id and name), stamped on every event; none outside the server. */
  sender?: Sender | undefined;
}

/** Who sent a request: its token's id and name, as the server authenticated it. */
export interface Sender {
  id: string;
  name: string;
}

/**
 * What only Ward writes on an event: the sender's stamp and the hook endpoint's record of a decision. A record that
 * carries keys of these names (any runner can send any attributes) has them dropped, so an event sent into another
 * runner's session cannot claim that runner's token or pass for a decision the hook endpoint recorded.
 */
const SERVER_PREFIXES = ['ward.ingest.', 'ward.hook.'];

const SESSION_KEYS = [OTEL.sessionId, 'conversation.id', 'gen_ai.conversation.id', WARD.sessionId];
const USER_KEYS = [OTEL.userId, OTEL.userEmail, OTEL.userName];
const ALWAYS_CONSUMED = [OTEL.eventName, OTEL.eventTimestamp];

function firstKey(attrs: OtlpAttributes, keys: readonly string[]): [string, string] | null {
  for (const k of keys) {
    const v = attrs[k];
    if (v === undefined || v === null) continue;
    const s = valueToString(v);
    if (s !== '') return [k, s];
  }
  return null;
}

/** Cut at `max` characters without splitting a surrogate pair. */
function cut(s: string, max: number): string {
  let end = max;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return s.slice(0, end);
}

/**
 * An identifier within MAX_ID_CHARS: a longer one (no agent sends one; an attacker's 64 Ki `user.id` repeated on
 * every event of a request made every analyzer batch tiny) keeps its start and a digest of the whole, so two
 * long ids stay apart.
 */
export function boundedId(s: string): string {
  if (s.length <= MAX_ID_CHARS) return s;
  const digest = createHash('sha256').update(s).digest('hex').slice(0, 16);
  return `${cut(s, MAX_ID_CHARS - 18)}…#${digest}`;
}

/** A working directory within MAX_CWD_CHARS, cut and marked beyond (no path is longer). */
export function boundedCwd(s: string): string {
  return s.length > MAX_CWD_CHARS ? `${cut(s, MAX_CWD_CHARS)}${TRUNCATED_MARK}` : s;
}

/** Redacted and bounded: what may be stored of a free-text value. */
export function safeText(redact: Redactor, s: string, max = MAX_VALUE_CHARS): string {
  if (s === '') return s;
  const window = s.length > max + REDACT_MARGIN ? s.slice(0, max + REDACT_MARGIN) : s;
  const clean = redact.text(window);
  return clean.length > max || window.length < s.length ? `${cut(clean, max)}${TRUNCATED_MARK}` : clean;
}

function safeAttributes(
  redact: Redactor,
  sources: readonly (OtlpAttributes | undefined)[],
  consumed: ReadonlySet<string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  let dropped = 0;
  for (const attrs of sources) {
    if (!attrs) continue;
    for (const key in attrs) {
      if (consumed.has(key)) continue;
      const v = attrs[key];
      if (v === undefined || v === null) continue;
      if (count >= MAX_ATTRIBUTES) {
        dropped++;
        continue;
      }
      out[key.length > 256 ? key.slice(0, 256) : key] = safeText(redact, valueToString(v));
      count++;
    }
  }
  if (dropped > 0) out['ward.attributes_dropped'] = String(dropped);
  return out;
}

/** Turns a draft into a stored row: shared fields, time, ids, redaction, bounds, `missing`. */
export function buildEvent(ctx: BuildContext, base: RecordBase, d: Draft): AgentEvent {
  const { attrs, res } = base;
  const consumed = new Set<string>(ALWAYS_CONSUMED);
  for (const k of d.consumed ?? []) consumed.add(k);
  const missing = new Set<string>(d.missing ?? []);

  let sessionId = d.session_id ?? '';
  if (sessionId === '') {
    const hit = firstKey(attrs, SESSION_KEYS);
    if (hit) {
      sessionId = hit[1];
      consumed.add(hit[0]);
    } else sessionId = res.sessionId;
  }
  if (sessionId === '') missing.add('session_id');
  let userId = res.userId;
  const user = firstKey(attrs, USER_KEYS);
  if (user) {
    userId = user[1];
    consumed.add(user[0]);
  }
  if (res.versionMissing) missing.add('agent_version');

  let timeNanos = d.timeNanos ?? base.timeNanos;
  if (!isSetNanos(timeNanos)) {
    const ts = attrs[OTEL.eventTimestamp];
    timeNanos = (typeof ts === 'string' ? isoToNanos(ts) : null) ?? base.rawNanos;
  }
  if (!isSetNanos(timeNanos)) missing.add('time');

  const e = emptyAgentEvent();
  e.event_id = ctx.eventId([
    base.signal,
    base.rawTable,
    base.traceId,
    base.spanId,
    base.rawNanos,
    base.identity,
    base.source,
    attrs,
    d.subKey ?? '',
  ]);
  e.time = nanosToIso(timeNanos);
  e.agent = boundedId(res.agent);
  e.agent_version = boundedId(res.agentVersion);
  e.session_id = boundedId(sessionId);
  e.user_id = boundedId(userId);
  e.host = boundedId(res.host);
  // An identifier analysts filter alerts, events and reports by (a filter takes 512 characters at most).
  e.repo = boundedId(safeText(ctx.redact, res.repo));
  e.cwd = boundedCwd(d.cwd ?? res.cwd);
  e.kind = d.kind;
  e.event_name = boundedId(d.event_name);
  e.tool = boundedId(d.tool ?? '');
  e.call_id = boundedId(d.call_id ?? '');
  e.command = safeText(ctx.redact, d.command ?? '');
  e.target = safeText(ctx.redact, d.target ?? '');
  e.decision = d.decision ?? '';
  e.decision_source = boundedId(d.decision_source ?? '');
  e.exit_code = d.exit_code ?? null;
  e.duration_ms = d.duration_ms ?? null;
  e.bytes_in = d.bytes_in ?? null;
  e.bytes_out = d.bytes_out ?? null;
  e.success = d.success ?? null;
  e.trace_id = base.traceId;
  e.span_id = base.spanId;
  e.raw_table = base.rawTable;
  e.raw_time = nanosToIso(base.rawNanos);
  e.attributes = safeAttributes(ctx.redact, [attrs, d.extra], consumed);
  for (const k in e.attributes) if (SERVER_PREFIXES.some((p) => k.startsWith(p))) delete e.attributes[k];
  if (ctx.sender) {
    e.attributes[SENDER_ATTRS.id] = boundedId(ctx.sender.id);
    e.attributes[SENDER_ATTRS.name] = boundedId(ctx.sender.name);
  }
  e.missing = [...missing];
  return e;
}
