import { createRedactor, type Redactor, valueToString } from '../../schema/fast.js';
import type {
  AgentEvent,
  OtlpLogsRequest,
  OtlpMetricsRequest,
  OtlpSpan,
  OtlpTracesRequest,
} from '../../schema/index.js';
import { resourceInfo } from './agent.js';
import { type BuildContext, buildEvent, type Draft, type RecordBase, type Sender } from './build.js';
import { claudeEventName, normalizeClaudeLog, normalizeClaudeSpan } from './claude-code.js';
import { normalizeCodexLog, normalizeCodexSpan } from './codex.js';
import { createEventIds, type IdPart, idText, sourceKey } from './event-id.js';
import { normalizeGeminiLog, normalizeGeminiSpan } from './gemini-cli.js';
import { normalizeGenAiSpan } from './genai-spans.js';
import { logEventName, normalizeGenericLog } from './generic-logs.js';
import type { LogNormalizer, SpanNormalizer } from './inputs.js';
import { normalizeCodexMetric } from './metrics.js';
import { isSetNanos, nanosDiffMs } from './time.js';
import { normalizeWardSpan } from './ward-spans.js';

/** What normalization needs besides the request. */
export interface NormalizeContext {
  /** Applied to every stored free text (command, target, attribute values, prompts). */
  redact: Redactor;
  /** The token the request came with: stamped on every event, and part of every event id. */
  sender?: Sender | undefined;
}

let defaultRedactor: Redactor | undefined;
function context(ctx: NormalizeContext | undefined): BuildContext {
  defaultRedactor ??= createRedactor();
  const ids = createEventIds();
  const sender = ctx?.sender;
  return {
    redact: ctx?.redact ?? defaultRedactor,
    // With the sender in the id, a copy of a record that another token sends is another row: it can neither
    // replace the first (agent_events keeps one row per time and id) nor put its own token's stamp on it.
    eventId: sender ? (parts) => ids([...parts, `sender\u001f${sender.id}`]) : ids,
    sender,
  };
}

const LOG_NORMALIZERS: Record<string, LogNormalizer> = {
  codex: normalizeCodexLog,
  'claude-code': normalizeClaudeLog,
  'gemini-cli': normalizeGeminiLog,
};
const SPAN_NORMALIZERS: Record<string, SpanNormalizer> = {
  codex: normalizeCodexSpan,
  'claude-code': normalizeClaudeSpan,
  'gemini-cli': normalizeGeminiSpan,
  ward: normalizeWardSpan,
};

/** Agent actions in an OTLP logs request: one or more events per recognised record (see README.md). */
export function normalizeLogs(req: OtlpLogsRequest, ctx?: NormalizeContext): AgentEvent[] {
  const bc = context(ctx);
  const out: AgentEvent[] = [];
  for (const rl of req.resourceLogs) {
    const res = resourceInfo(rl.resource);
    const source = sourceKey(rl.resource.attributes);
    const agentLog = LOG_NORMALIZERS[res.agent];
    for (const sl of rl.scopeLogs) {
      for (const record of sl.logRecords) {
        const attrs = record.attributes;
        let eventName = logEventName(record);
        if (res.agent === 'claude-code') eventName = claudeEventName(record.body, eventName);
        const input = { eventName, record, attrs };
        const drafts = (eventName !== '' ? agentLog?.(input) : null) ?? normalizeGenericLog(input);
        if (drafts.length === 0) continue;
        const rawNanos = isSetNanos(record.timeUnixNano) ? record.timeUnixNano : record.observedTimeUnixNano;
        const base: RecordBase = {
          signal: 'logs',
          rawTable: 'otel_logs',
          rawNanos,
          timeNanos: rawNanos,
          traceId: record.traceId,
          spanId: record.spanId,
          identity: `${eventName}\u001f${record.severityNumber}\u001f${record.severityText}\u001f${valueToString(record.body)}`,
          source,
          attrs,
          res,
        };
        for (const d of drafts) out.push(buildEvent(bc, base, d));
      }
    }
  }
  return out;
}

/**
 * Everything of a span its events are built from besides its attributes, ids and start (which the builder adds):
 * its outcome (status), duration (end), tool (parent), kind and span events. A copy that changes any of them is
 * another event, never a replacement of this one (agent_events keeps one row per time and id).
 */
function spanIdentity(span: OtlpSpan, parent: OtlpSpan | undefined): string {
  const parts: IdPart[] = [
    span.name,
    String(span.kind),
    span.endTimeUnixNano,
    String(span.status.code),
    span.status.message,
    span.parentSpanId,
  ];
  for (const e of span.events) parts.push(e.name, e.timeUnixNano, e.attributes);
  // A child's event takes fields from its parent in the same request (Claude Code's tool name and call id): the
  // same child sent without its parent, or under another, is another event, not a blanked copy of this one.
  parts.push(parent ? parent.name : '', parent ? parent.attributes : {});
  return idText(parts);
}

/** Agent actions in an OTLP traces request. Plain spans without gen_ai.* or a known shape give nothing. */
export function normalizeTraces(req: OtlpTracesRequest, ctx?: NormalizeContext): AgentEvent[] {
  const bc = context(ctx);
  const out: AgentEvent[] = [];
  for (const rs of req.resourceSpans) {
    const res = resourceInfo(rs.resource);
    const source = sourceKey(rs.resource.attributes);
    const agentSpan = SPAN_NORMALIZERS[res.agent];
    const spansById = new Map<string, OtlpSpan>();
    for (const ss of rs.scopeSpans) for (const s of ss.spans) if (s.spanId !== '') spansById.set(s.spanId, s);
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const input = { span, attrs: span.attributes, spansById };
        const drafts: Draft[] = agentSpan?.(input) ?? normalizeGenAiSpan(input);
        if (drafts.length === 0) continue;
        const base: RecordBase = {
          signal: 'traces',
          rawTable: 'otel_traces',
          rawNanos: span.startTimeUnixNano,
          timeNanos: span.startTimeUnixNano,
          traceId: span.traceId,
          spanId: span.spanId,
          identity: spanIdentity(span, spansById.get(span.parentSpanId)),
          source,
          attrs: span.attributes,
          res,
        };
        const spanMs = nanosDiffMs(span.startTimeUnixNano, span.endTimeUnixNano);
        for (const d of drafts) {
          // A span's own duration unless the draft says otherwise (sub-events set null or their own).
          out.push(
            buildEvent(
              bc,
              base,
              d.duration_ms === undefined && d.subKey === undefined ? { ...d, duration_ms: spanMs } : d,
            ),
          );
        }
      }
    }
  }
  return out;
}

/**
 * Agent actions in an OTLP metrics request. Metrics are aggregates, so almost all give nothing; the
 * exception is Codex's outcome=aborted approval metric, the only trace of a cancelled approval besides
 * the exec_command span.
 */
export function normalizeMetrics(req: OtlpMetricsRequest, ctx?: NormalizeContext): AgentEvent[] {
  const bc = context(ctx);
  const out: AgentEvent[] = [];
  for (const rm of req.resourceMetrics) {
    const res = resourceInfo(rm.resource);
    if (res.agent !== 'codex') continue;
    const source = sourceKey(rm.resource.attributes);
    for (const sm of rm.scopeMetrics) {
      for (const metric of sm.metrics) {
        for (const m of normalizeCodexMetric(metric)) {
          const base: RecordBase = {
            signal: 'metrics',
            rawTable: m.rawTable,
            rawNanos: m.point.timeUnixNano,
            timeNanos: m.point.timeUnixNano,
            traceId: '',
            spanId: '',
            // The count is part of what the event says: a copy with another count is another event.
            identity: idText([
              metric.name,
              m.point.startTimeUnixNano,
              String(m.draft.extra?.['metric.occurrences'] ?? ''),
            ]),
            source,
            attrs: m.point.attributes,
            res,
          };
          out.push(buildEvent(bc, base, m.draft));
        }
      }
    }
  }
  return out;
}
