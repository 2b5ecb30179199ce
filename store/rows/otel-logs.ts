import { valueToString } from '../../schema/fast.js';
import type { OtlpLogsRequest } from '../../schema/index.js';
import { attributesToMap, nanosToDateTime64, serviceName } from './common.js';

/** One otel_logs row (contrib exporter layout). */
export interface OtelLogRow {
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  TraceFlags: number;
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  Body: string;
  ResourceSchemaUrl: string;
  ResourceAttributes: Record<string, string>;
  ScopeSchemaUrl: string;
  ScopeName: string;
  ScopeVersion: string;
  ScopeAttributes: Record<string, string>;
  LogAttributes: Record<string, string>;
  EventName: string;
}

export function logsToRows(req: OtlpLogsRequest): OtelLogRow[] {
  const rows: OtelLogRow[] = [];
  for (const rl of req.resourceLogs) {
    const resourceAttributes = attributesToMap(rl.resource.attributes);
    const service = serviceName(rl.resource);
    for (const sl of rl.scopeLogs) {
      const scopeAttributes = attributesToMap(sl.scope.attributes);
      for (const r of sl.logRecords) {
        // Like the contrib exporter: a record without a time uses its observed time.
        const nanos =
          r.timeUnixNano !== '0' && r.timeUnixNano !== '' ? r.timeUnixNano : r.observedTimeUnixNano;
        rows.push({
          Timestamp: nanosToDateTime64(nanos || '0'),
          TraceId: r.traceId,
          SpanId: r.spanId,
          TraceFlags: r.flags & 0xff,
          SeverityText: r.severityText,
          SeverityNumber: r.severityNumber & 0xff,
          ServiceName: service,
          Body: valueToString(r.body),
          ResourceSchemaUrl: rl.schemaUrl,
          ResourceAttributes: resourceAttributes,
          ScopeSchemaUrl: sl.schemaUrl,
          ScopeName: sl.scope.name,
          ScopeVersion: sl.scope.version,
          ScopeAttributes: scopeAttributes,
          LogAttributes: attributesToMap(r.attributes),
          EventName: r.eventName,
        });
      }
    }
  }
  return rows;
}
