import type {
  OtlpResourceSpans,
  OtlpScopeSpans,
  OtlpSpan,
  OtlpSpanEvent,
  OtlpSpanLink,
  OtlpTracesRequest,
} from '../../schema/fast.js';
import type { DecodeContext } from './decode-context.js';
import {
  type JsonObject,
  jAttributes,
  jEnum,
  jId,
  jList,
  jObject,
  jResourceHeader,
  jRoot,
  jScopeHeader,
  jText,
  jTime,
  jUint32,
  SPAN_KIND,
  STATUS_CODE,
} from './json-common.js';

function spanEvent(e: JsonObject, c: DecodeContext): OtlpSpanEvent {
  c.field = 'timeUnixNano';
  const timeUnixNano = jTime(e.timeUnixNano ?? e.time_unix_nano);
  c.field = 'name';
  const name = jText(e.name, c);
  return { timeUnixNano, name, attributes: jAttributes(e.attributes, c, 'attributes') };
}

function spanLink(l: JsonObject, c: DecodeContext): OtlpSpanLink {
  c.field = 'traceId';
  const traceId = jId(l.traceId ?? l.trace_id, 16);
  c.field = 'spanId';
  const spanId = jId(l.spanId ?? l.span_id, 8);
  c.field = 'traceState';
  const traceState = jText(l.traceState ?? l.trace_state, c);
  return { traceId, spanId, traceState, attributes: jAttributes(l.attributes, c, 'attributes') };
}

function spanStatus(v: unknown, c: DecodeContext): { code: number; message: string } {
  c.field = 'status';
  const s = jObject(v);
  if (s === null) return { code: 0, message: '' };
  c.field = 'status.code';
  const code = jEnum(s.code, STATUS_CODE);
  c.field = 'status.message';
  return { code, message: jText(s.message, c) };
}

function span(s: JsonObject, c: DecodeContext): OtlpSpan {
  c.field = 'traceId';
  const traceId = jId(s.traceId ?? s.trace_id, 16);
  c.field = 'spanId';
  const spanId = jId(s.spanId ?? s.span_id, 8);
  c.field = 'parentSpanId';
  const parentSpanId = jId(s.parentSpanId ?? s.parent_span_id, 8);
  c.field = 'traceState';
  const traceState = jText(s.traceState ?? s.trace_state, c);
  c.field = 'flags';
  const flags = jUint32(s.flags);
  c.field = 'name';
  const name = jText(s.name, c);
  c.field = 'kind';
  const kind = jEnum(s.kind, SPAN_KIND);
  c.field = 'startTimeUnixNano';
  const startTimeUnixNano = jTime(s.startTimeUnixNano ?? s.start_time_unix_nano);
  c.field = 'endTimeUnixNano';
  const endTimeUnixNano = jTime(s.endTimeUnixNano ?? s.end_time_unix_nano);
  const status = spanStatus(s.status, c);
  return {
    traceId,
    spanId,
    parentSpanId,
    traceState,
    flags,
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    attributes: jAttributes(s.attributes, c, 'attributes'),
    events: jList(s.events, c, 'events', spanEvent),
    links: jList(s.links, c, 'links', spanLink),
    status,
  };
}

function scopeSpans(s: JsonObject, c: DecodeContext): OtlpScopeSpans {
  return { ...jScopeHeader(s, c), spans: jList(s.spans, c, 'spans', span) };
}

function resourceSpans(r: JsonObject, c: DecodeContext): OtlpResourceSpans {
  return {
    ...jResourceHeader(r, c),
    scopeSpans: jList(r.scopeSpans ?? r.scope_spans, c, 'scopeSpans', scopeSpans),
  };
}

/** Converts a parsed OTLP/JSON ExportTraceServiceRequest. */
export function jsonTracesRequest(v: unknown, c: DecodeContext): OtlpTracesRequest {
  const root = jRoot(v);
  return {
    resourceSpans: jList(root.resourceSpans ?? root.resource_spans, c, 'resourceSpans', resourceSpans),
  };
}
