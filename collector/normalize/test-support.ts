import type {
  OtlpAttributes,
  OtlpLogRecord,
  OtlpLogsRequest,
  OtlpMetric,
  OtlpMetricsRequest,
  OtlpSpan,
  OtlpTracesRequest,
} from '../../schema/index.js';

/** Small builders for hand-made OTLP requests in the normalizer tests. */

const scope = { name: 'test', version: '', attributes: {}, droppedAttributesCount: 0 };

export function logRecord(attributes: OtlpAttributes, over: Partial<OtlpLogRecord> = {}): OtlpLogRecord {
  return {
    timeUnixNano: '1795731649706526730',
    observedTimeUnixNano: '1795731649706526999',
    severityNumber: 9,
    severityText: 'INFO',
    body: null,
    attributes,
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '7fcae75a9e87d88475aa166e9775031e',
    spanId: '60c424f2a795360d',
    eventName: '',
    ...over,
  };
}

export function logsRequest(resource: OtlpAttributes, records: OtlpLogRecord[]): OtlpLogsRequest {
  return {
    resourceLogs: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [{ scope, schemaUrl: '', logRecords: records }],
      },
    ],
  };
}

let nextSpan = 1;
export function span(name: string, attributes: OtlpAttributes, over: Partial<OtlpSpan> = {}): OtlpSpan {
  const id = (nextSpan++).toString(16).padStart(16, '0');
  return {
    traceId: '9131e915f4f5f84b2b72137fc6940807',
    spanId: id,
    parentSpanId: '',
    traceState: '',
    flags: 0,
    name,
    kind: 1,
    startTimeUnixNano: '1795731650000000000',
    endTimeUnixNano: '1795731650250000000',
    attributes,
    events: [],
    links: [],
    status: { code: 0, message: '' },
    ...over,
  };
}

export function tracesRequest(resource: OtlpAttributes, spans: OtlpSpan[]): OtlpTracesRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [{ scope, schemaUrl: '', spans }],
      },
    ],
  };
}

export function metricsRequest(resource: OtlpAttributes, metrics: OtlpMetric[]): OtlpMetricsRequest {
  return {
    resourceMetrics: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeMetrics: [{ scope, schemaUrl: '', metrics }],
      },
    ],
  };
}

export const CODEX_RESOURCE = {
  'service.name': 'codex_cli_rs',
  'service.version': '0.171.0',
  'host.name': 'vm',
};
export const CLAUDE_RESOURCE = { 'service.name': 'claude-code', 'service.version': '2.1.197' };
export const GEMINI_RESOURCE = {
  'service.name': 'gemini-cli',
  'service.version': 'v20.20.2',
  'process.runtime.version': '20.20.2',
  'session.id': 'gem-session',
};
export const WARD_RESOURCE = { 'service.name': 'ward', 'service.version': '0.1.0', 'host.name': 'box' };
