import type {
  OtlpLogRecord,
  OtlpLogsRequest,
  OtlpResourceLogs,
  OtlpScopeLogs,
  OtlpValue,
} from '../../schema/fast.js';
import type { DecodeContext } from './decode-context.js';
import { mapAt, rethrowAt } from './errors.js';
import {
  type PbAnyValue,
  type PbKeyValue,
  type PbResource,
  type PbScope,
  pbAttributes,
  pbResourceHeader,
  pbScopeHeader,
  pbValue,
} from './pb-common.js';
import { idToHex, utf8, type Wire64, wireUint64Decimal } from './wire-values.js';

interface PbLogRecord {
  timeUnixNano: Wire64;
  observedTimeUnixNano: Wire64;
  severityNumber: number;
  severityText: Uint8Array;
  body: PbAnyValue | null;
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
  flags: number;
  traceId: Uint8Array;
  spanId: Uint8Array;
  eventName: Uint8Array;
}
interface PbScopeLogs {
  scope: PbScope | null;
  logRecords: PbLogRecord[];
  schemaUrl: Uint8Array;
}
interface PbResourceLogs {
  resource: PbResource | null;
  scopeLogs: PbScopeLogs[];
  schemaUrl: Uint8Array;
}
export interface PbLogsRequest {
  resourceLogs: PbResourceLogs[];
}

function logRecord(r: PbLogRecord, c: DecodeContext): OtlpLogRecord {
  c.field = 'severityText';
  const severityText = utf8(r.severityText);
  c.field = 'traceId';
  const traceId = idToHex(r.traceId, 16);
  c.field = 'spanId';
  const spanId = idToHex(r.spanId, 8);
  c.field = 'eventName';
  const eventName = utf8(r.eventName);
  let body: OtlpValue = null;
  try {
    if (r.body !== null) body = pbValue(r.body, c, 1);
  } catch (e) {
    rethrowAt(e, 'body');
  }
  return {
    timeUnixNano: wireUint64Decimal(r.timeUnixNano),
    observedTimeUnixNano: wireUint64Decimal(r.observedTimeUnixNano),
    severityNumber: r.severityNumber,
    severityText,
    body,
    attributes: pbAttributes(r.attributes, c, 'attributes'),
    droppedAttributesCount: r.droppedAttributesCount,
    flags: r.flags,
    traceId,
    spanId,
    eventName,
  };
}

function scopeLogs(s: PbScopeLogs, c: DecodeContext): OtlpScopeLogs {
  const logRecords = mapAt(s.logRecords, 'logRecords', c, logRecord);
  return { ...pbScopeHeader(s, c), logRecords };
}

function resourceLogs(r: PbResourceLogs, c: DecodeContext): OtlpResourceLogs {
  const out = mapAt(r.scopeLogs, 'scopeLogs', c, scopeLogs);
  return { ...pbResourceHeader(r, c), scopeLogs: out };
}

/** Converts a decoded ExportLogsServiceRequest in one pass. */
export function pbLogsRequest(m: PbLogsRequest, c: DecodeContext): OtlpLogsRequest {
  const out = mapAt(m.resourceLogs, 'resourceLogs', c, resourceLogs);
  return { resourceLogs: out };
}
