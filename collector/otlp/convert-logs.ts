import type { OtlpLogRecord, OtlpLogsRequest, OtlpResourceLogs, OtlpScopeLogs } from '../../schema/fast.js';
import { resourceHeader, scopeHeader } from './convert-common.js';
import type { DecodeContext } from './decode-context.js';
import { SEVERITY_NUMBER } from './enum-names.js';
import type { LogRecordMsg, LogsRequestMsg, ResourceLogsMsg, ScopeLogsMsg } from './otlp-messages.js';
import { each } from './walk.js';
import type { WireReader } from './wire-reader.js';

function logRecord(rd: WireReader, r: LogRecordMsg, c: DecodeContext): OtlpLogRecord {
  return {
    timeUnixNano: rd.time(r, 'timeUnixNano'),
    observedTimeUnixNano: rd.time(r, 'observedTimeUnixNano'),
    severityNumber: rd.enumOf(r, 'severityNumber', SEVERITY_NUMBER),
    severityText: rd.text(r, 'severityText', c),
    body: rd.value(r, 'body', c),
    attributes: rd.attributes(r, 'attributes', c),
    droppedAttributesCount: rd.uint32(r, 'droppedAttributesCount'),
    flags: rd.uint32(r, 'flags'),
    traceId: rd.id(r, 'traceId', 16),
    spanId: rd.id(r, 'spanId', 8),
    eventName: rd.text(r, 'eventName', c),
  };
}

function scopeLogs(rd: WireReader, s: ScopeLogsMsg, c: DecodeContext): OtlpScopeLogs {
  return { ...scopeHeader(rd, s, c), logRecords: each(rd, s, 'logRecords', c, logRecord) };
}

function resourceLogs(rd: WireReader, r: ResourceLogsMsg, c: DecodeContext): OtlpResourceLogs {
  return { ...resourceHeader(rd, r, c), scopeLogs: each(rd, r, 'scopeLogs', c, scopeLogs) };
}

/** Converts an ExportLogsServiceRequest, read through either encoding's reader. */
export function logsRequest(rd: WireReader, m: LogsRequestMsg, c: DecodeContext): OtlpLogsRequest {
  return { resourceLogs: each(rd, m, 'resourceLogs', c, resourceLogs) };
}
