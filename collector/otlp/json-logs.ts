import type {
  OtlpLogRecord,
  OtlpLogsRequest,
  OtlpResourceLogs,
  OtlpScopeLogs,
  OtlpValue,
} from '../../schema/fast.js';
import type { DecodeContext } from './decode-context.js';
import { rethrowAt } from './errors.js';
import {
  type JsonObject,
  jAttributes,
  jEnum,
  jId,
  jList,
  jResourceHeader,
  jRoot,
  jScopeHeader,
  jText,
  jTime,
  jUint32,
  jValue,
  SEVERITY_NUMBER,
} from './json-common.js';

function logRecord(r: JsonObject, c: DecodeContext): OtlpLogRecord {
  c.field = 'timeUnixNano';
  const timeUnixNano = jTime(r.timeUnixNano ?? r.time_unix_nano);
  c.field = 'observedTimeUnixNano';
  const observedTimeUnixNano = jTime(r.observedTimeUnixNano ?? r.observed_time_unix_nano);
  c.field = 'severityNumber';
  const severityNumber = jEnum(r.severityNumber ?? r.severity_number, SEVERITY_NUMBER);
  c.field = 'severityText';
  const severityText = jText(r.severityText ?? r.severity_text, c);
  let body: OtlpValue;
  try {
    body = jValue(r.body, c, 1);
  } catch (e) {
    rethrowAt(e, 'body');
  }
  const attributes = jAttributes(r.attributes, c, 'attributes');
  c.field = 'droppedAttributesCount';
  const droppedAttributesCount = jUint32(r.droppedAttributesCount ?? r.dropped_attributes_count);
  c.field = 'flags';
  const flags = jUint32(r.flags);
  c.field = 'traceId';
  const traceId = jId(r.traceId ?? r.trace_id, 16);
  c.field = 'spanId';
  const spanId = jId(r.spanId ?? r.span_id, 8);
  c.field = 'eventName';
  const eventName = jText(r.eventName ?? r.event_name, c);
  return {
    timeUnixNano,
    observedTimeUnixNano,
    severityNumber,
    severityText,
    body,
    attributes,
    droppedAttributesCount,
    flags,
    traceId,
    spanId,
    eventName,
  };
}

function scopeLogs(s: JsonObject, c: DecodeContext): OtlpScopeLogs {
  return {
    ...jScopeHeader(s, c),
    logRecords: jList(s.logRecords ?? s.log_records, c, 'logRecords', logRecord),
  };
}

function resourceLogs(r: JsonObject, c: DecodeContext): OtlpResourceLogs {
  return {
    ...jResourceHeader(r, c),
    scopeLogs: jList(r.scopeLogs ?? r.scope_logs, c, 'scopeLogs', scopeLogs),
  };
}

/** Converts a parsed OTLP/JSON ExportLogsServiceRequest. */
export function jsonLogsRequest(v: unknown, c: DecodeContext): OtlpLogsRequest {
  const root = jRoot(v);
  return { resourceLogs: jList(root.resourceLogs ?? root.resource_logs, c, 'resourceLogs', resourceLogs) };
}
