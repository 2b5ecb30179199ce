import { type OtlpTracesRequest, SPAN_KIND_NAMES, STATUS_CODE_NAMES } from '../../schema/index.js';
import { attributesToMap, nanosToDateTime64, serviceName } from './common.js';

/** One otel_traces row (contrib exporter layout; Nested columns as parallel arrays). */
export interface OtelTraceRow {
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Record<string, string>;
  Duration: string;
  StatusCode: string;
  StatusMessage: string;
  'Events.Timestamp': string[];
  'Events.Name': string[];
  'Events.Attributes': Record<string, string>[];
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.TraceState': string[];
  'Links.Attributes': Record<string, string>[];
}

function durationNanos(start: string, end: string): string {
  try {
    const d = BigInt(end || '0') - BigInt(start || '0');
    return d > 0n ? d.toString() : '0';
  } catch {
    return '0';
  }
}

export function tracesToRows(req: OtlpTracesRequest): OtelTraceRow[] {
  const rows: OtelTraceRow[] = [];
  for (const rs of req.resourceSpans) {
    const resourceAttributes = attributesToMap(rs.resource.attributes);
    const service = serviceName(rs.resource);
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        rows.push({
          Timestamp: nanosToDateTime64(s.startTimeUnixNano || '0'),
          TraceId: s.traceId,
          SpanId: s.spanId,
          ParentSpanId: s.parentSpanId,
          TraceState: s.traceState,
          SpanName: s.name,
          SpanKind: SPAN_KIND_NAMES[s.kind] ?? 'Unspecified',
          ServiceName: service,
          ResourceAttributes: resourceAttributes,
          ScopeName: ss.scope.name,
          ScopeVersion: ss.scope.version,
          SpanAttributes: attributesToMap(s.attributes),
          Duration: durationNanos(s.startTimeUnixNano, s.endTimeUnixNano),
          StatusCode: STATUS_CODE_NAMES[s.status.code] ?? 'Unset',
          StatusMessage: s.status.message,
          'Events.Timestamp': s.events.map((e) => nanosToDateTime64(e.timeUnixNano || '0')),
          'Events.Name': s.events.map((e) => e.name),
          'Events.Attributes': s.events.map((e) => attributesToMap(e.attributes)),
          'Links.TraceId': s.links.map((l) => l.traceId),
          'Links.SpanId': s.links.map((l) => l.spanId),
          'Links.TraceState': s.links.map((l) => l.traceState),
          'Links.Attributes': s.links.map((l) => attributesToMap(l.attributes)),
        });
      }
    }
  }
  return rows;
}
