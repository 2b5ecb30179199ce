import type {
  OtlpResourceSpans,
  OtlpScopeSpans,
  OtlpSpan,
  OtlpSpanEvent,
  OtlpSpanLink,
  OtlpTracesRequest,
} from '../../schema/fast.js';
import { resourceHeader, scopeHeader } from './convert-common.js';
import type { DecodeContext } from './decode-context.js';
import { SPAN_KIND, STATUS_CODE } from './enum-names.js';
import type {
  ResourceSpansMsg,
  ScopeSpansMsg,
  SpanEventMsg,
  SpanLinkMsg,
  SpanMsg,
  SpanStatusMsg,
  TracesRequestMsg,
} from './otlp-messages.js';
import { each, sub } from './walk.js';
import type { WireReader } from './wire-reader.js';

function spanEvent(rd: WireReader, e: SpanEventMsg, c: DecodeContext): OtlpSpanEvent {
  return {
    timeUnixNano: rd.time(e, 'timeUnixNano'),
    name: rd.text(e, 'name', c),
    attributes: rd.attributes(e, 'attributes', c),
  };
}

function spanLink(rd: WireReader, l: SpanLinkMsg, c: DecodeContext): OtlpSpanLink {
  return {
    traceId: rd.id(l, 'traceId', 16),
    spanId: rd.id(l, 'spanId', 8),
    traceState: rd.text(l, 'traceState', c),
    attributes: rd.attributes(l, 'attributes', c),
  };
}

function spanStatus(rd: WireReader, s: SpanStatusMsg, c: DecodeContext): OtlpSpan['status'] {
  return { code: rd.enumOf(s, 'code', STATUS_CODE), message: rd.text(s, 'message', c) };
}

function span(rd: WireReader, s: SpanMsg, c: DecodeContext): OtlpSpan {
  return {
    traceId: rd.id(s, 'traceId', 16),
    spanId: rd.id(s, 'spanId', 8),
    parentSpanId: rd.id(s, 'parentSpanId', 8),
    traceState: rd.text(s, 'traceState', c),
    flags: rd.uint32(s, 'flags'),
    name: rd.text(s, 'name', c),
    kind: rd.enumOf(s, 'kind', SPAN_KIND),
    startTimeUnixNano: rd.time(s, 'startTimeUnixNano'),
    endTimeUnixNano: rd.time(s, 'endTimeUnixNano'),
    attributes: rd.attributes(s, 'attributes', c),
    events: each(rd, s, 'events', c, spanEvent),
    links: each(rd, s, 'links', c, spanLink),
    status: sub(rd, s, 'status', c, spanStatus) ?? { code: 0, message: '' },
  };
}

function scopeSpans(rd: WireReader, s: ScopeSpansMsg, c: DecodeContext): OtlpScopeSpans {
  return { ...scopeHeader(rd, s, c), spans: each(rd, s, 'spans', c, span) };
}

function resourceSpans(rd: WireReader, r: ResourceSpansMsg, c: DecodeContext): OtlpResourceSpans {
  return { ...resourceHeader(rd, r, c), scopeSpans: each(rd, r, 'scopeSpans', c, scopeSpans) };
}

/** Converts an ExportTraceServiceRequest, read through either encoding's reader. */
export function tracesRequest(rd: WireReader, m: TracesRequestMsg, c: DecodeContext): OtlpTracesRequest {
  return { resourceSpans: each(rd, m, 'resourceSpans', c, resourceSpans) };
}
