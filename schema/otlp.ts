/**
 * OTLP data as Ward handles it after decoding, whatever the wire format (protobuf or JSON).
 * Parsed at the edge (collector/otlp/) into these plain interfaces: ids are lowercase hex, times are
 * nanoseconds since the epoch as decimal strings (they overflow a double), 64-bit ints that do not fit a
 * double stay decimal strings.
 */

/** An attribute or body value. Bytes arrive base64-encoded as strings. */
export type OtlpValue =
  | string
  | number
  | boolean
  | null
  | OtlpValue[]
  | { readonly [key: string]: OtlpValue };
export type OtlpAttributes = Record<string, OtlpValue>;

/** A value as the raw tables store it (Map(String, String)): strings as is, scalars via String, the rest as JSON. */
export function valueToString(v: OtlpValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export interface OtlpResource {
  attributes: OtlpAttributes;
  droppedAttributesCount: number;
}

export interface OtlpScope {
  name: string;
  version: string;
  attributes: OtlpAttributes;
  droppedAttributesCount: number;
}

export interface OtlpLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: OtlpValue;
  attributes: OtlpAttributes;
  droppedAttributesCount: number;
  flags: number;
  traceId: string;
  spanId: string;
  eventName: string;
}

export interface OtlpScopeLogs {
  scope: OtlpScope;
  schemaUrl: string;
  logRecords: OtlpLogRecord[];
}

export interface OtlpResourceLogs {
  resource: OtlpResource;
  schemaUrl: string;
  scopeLogs: OtlpScopeLogs[];
}

export interface OtlpLogsRequest {
  resourceLogs: OtlpResourceLogs[];
}

export interface OtlpSpanEvent {
  timeUnixNano: string;
  name: string;
  attributes: OtlpAttributes;
}

export interface OtlpSpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: OtlpAttributes;
}

/** Span kinds by their OTLP enum number. */
export const SPAN_KIND_NAMES = [
  'Unspecified',
  'Internal',
  'Server',
  'Client',
  'Producer',
  'Consumer',
] as const;
/** Status codes by their OTLP enum number. */
export const STATUS_CODE_NAMES = ['Unset', 'Ok', 'Error'] as const;

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttributes;
  events: OtlpSpanEvent[];
  links: OtlpSpanLink[];
  status: { code: number; message: string };
}

export interface OtlpScopeSpans {
  scope: OtlpScope;
  schemaUrl: string;
  spans: OtlpSpan[];
}

export interface OtlpResourceSpans {
  resource: OtlpResource;
  schemaUrl: string;
  scopeSpans: OtlpScopeSpans[];
}

export interface OtlpTracesRequest {
  resourceSpans: OtlpResourceSpans[];
}

export interface OtlpExemplar {
  filteredAttributes: OtlpAttributes;
  timeUnixNano: string;
  value: number;
  spanId: string;
  traceId: string;
}

export interface OtlpNumberPoint {
  attributes: OtlpAttributes;
  startTimeUnixNano: string;
  timeUnixNano: string;
  value: number;
  exemplars: OtlpExemplar[];
  flags: number;
}

export interface OtlpHistogramPoint {
  attributes: OtlpAttributes;
  startTimeUnixNano: string;
  timeUnixNano: string;
  count: number;
  sum: number;
  bucketCounts: number[];
  explicitBounds: number[];
  exemplars: OtlpExemplar[];
  flags: number;
  min: number;
  max: number;
}

export interface OtlpExponentialHistogramPoint {
  attributes: OtlpAttributes;
  startTimeUnixNano: string;
  timeUnixNano: string;
  count: number;
  sum: number;
  scale: number;
  zeroCount: number;
  positive: { offset: number; bucketCounts: number[] };
  negative: { offset: number; bucketCounts: number[] };
  flags: number;
  exemplars: OtlpExemplar[];
  min: number;
  max: number;
}

export interface OtlpSummaryPoint {
  attributes: OtlpAttributes;
  startTimeUnixNano: string;
  timeUnixNano: string;
  count: number;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
  flags: number;
}

export type OtlpMetricData =
  | { type: 'gauge'; points: OtlpNumberPoint[] }
  | { type: 'sum'; points: OtlpNumberPoint[]; aggregationTemporality: number; isMonotonic: boolean }
  | { type: 'histogram'; points: OtlpHistogramPoint[]; aggregationTemporality: number }
  | { type: 'exponentialHistogram'; points: OtlpExponentialHistogramPoint[]; aggregationTemporality: number }
  | { type: 'summary'; points: OtlpSummaryPoint[] }
  | { type: 'empty' };

export interface OtlpMetric {
  name: string;
  description: string;
  unit: string;
  data: OtlpMetricData;
}

export interface OtlpScopeMetrics {
  scope: OtlpScope;
  schemaUrl: string;
  metrics: OtlpMetric[];
}

export interface OtlpResourceMetrics {
  resource: OtlpResource;
  schemaUrl: string;
  scopeMetrics: OtlpScopeMetrics[];
}

export interface OtlpMetricsRequest {
  resourceMetrics: OtlpResourceMetrics[];
}

export type OtlpSignal = 'logs' | 'traces' | 'metrics';
