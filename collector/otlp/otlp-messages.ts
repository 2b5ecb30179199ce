/**
 * The OTLP request messages as both encodings deliver them: protobufjs's decoded objects and JSON.parse's
 * objects have the same field names (lowerCamelCase, as in otlp-proto.ts), but a field's value depends on
 * the encoding (bytes or a hex string, a Long or a decimal string, an enum number or its name). So fields
 * are opaque here: the converters read them only through a WireReader (wire-reader.ts), naming the field,
 * and that name is the error path. A misspelt field name does not compile.
 */

declare const WIRE: unique symbol;
declare const OF: unique symbol;

/** A scalar field as its encoding holds it. */
export interface Wire<Kind extends string> {
  readonly [WIRE]: Kind;
}
/** A message-typed field (absent: null). */
export interface Sub<M> extends Wire<'message'> {
  readonly [OF]: M;
}
/** A repeated message field. */
export interface List<M> extends Wire<'repeated'> {
  readonly [OF]: M;
}

export type Str = Wire<'string'>;
/** bytes holding a trace id (16) or span id (8). */
export type Id = Wire<'id'>;
export type U64 = Wire<'uint64'>;
export type I64 = Wire<'int64'>;
export type F64 = Wire<'double'>;
/** A double the proto declares `optional` (presence matters: asDouble vs asInt). */
export type OptF64 = Wire<'optional double'>;
export type U32 = Wire<'uint32'>;
export type I32 = Wire<'int32'>;
export type Enum = Wire<'enum'>;
export type Bool = Wire<'bool'>;
/** An AnyValue field (a body). */
export type AnyValue = Wire<'AnyValue'>;
/** repeated KeyValue (attributes). */
export type KeyValues = Wire<'KeyValue[]'>;
export type U64s = Wire<'uint64[]'>;
export type F64s = Wire<'double[]'>;

/** The names of M's fields whose type is T. */
export type KeyOf<M, T> = { [K in keyof M]-?: M[K] extends T ? K : never }[keyof M] & string;
/** The message type a Sub or List field holds. */
export type Of<F> = F extends Sub<infer S> ? S : F extends List<infer E> ? E : never;

export interface ResourceMsg {
  attributes: KeyValues;
  droppedAttributesCount: U32;
}
export interface ScopeMsg {
  name: Str;
  version: Str;
  attributes: KeyValues;
  droppedAttributesCount: U32;
}
/** What every Resource{Logs,Spans,Metrics} message starts with. */
export interface ResourceHeaderMsg {
  resource: Sub<ResourceMsg>;
  schemaUrl: Str;
}
/** What every Scope{Logs,Spans,Metrics} message starts with. */
export interface ScopeHeaderMsg {
  scope: Sub<ScopeMsg>;
  schemaUrl: Str;
}

export interface LogRecordMsg {
  timeUnixNano: U64;
  observedTimeUnixNano: U64;
  severityNumber: Enum;
  severityText: Str;
  body: AnyValue;
  attributes: KeyValues;
  droppedAttributesCount: U32;
  flags: U32;
  traceId: Id;
  spanId: Id;
  eventName: Str;
}
export interface ScopeLogsMsg extends ScopeHeaderMsg {
  logRecords: List<LogRecordMsg>;
}
export interface ResourceLogsMsg extends ResourceHeaderMsg {
  scopeLogs: List<ScopeLogsMsg>;
}
export interface LogsRequestMsg {
  resourceLogs: List<ResourceLogsMsg>;
}

export interface SpanEventMsg {
  timeUnixNano: U64;
  name: Str;
  attributes: KeyValues;
}
export interface SpanLinkMsg {
  traceId: Id;
  spanId: Id;
  traceState: Str;
  attributes: KeyValues;
}
export interface SpanStatusMsg {
  message: Str;
  code: Enum;
}
export interface SpanMsg {
  traceId: Id;
  spanId: Id;
  traceState: Str;
  parentSpanId: Id;
  flags: U32;
  name: Str;
  kind: Enum;
  startTimeUnixNano: U64;
  endTimeUnixNano: U64;
  attributes: KeyValues;
  events: List<SpanEventMsg>;
  links: List<SpanLinkMsg>;
  status: Sub<SpanStatusMsg>;
}
export interface ScopeSpansMsg extends ScopeHeaderMsg {
  spans: List<SpanMsg>;
}
export interface ResourceSpansMsg extends ResourceHeaderMsg {
  scopeSpans: List<ScopeSpansMsg>;
}
export interface TracesRequestMsg {
  resourceSpans: List<ResourceSpansMsg>;
}

export interface ExemplarMsg {
  filteredAttributes: KeyValues;
  timeUnixNano: U64;
  asDouble: OptF64;
  asInt: I64;
  spanId: Id;
  traceId: Id;
}
/** Fields every data point kind has. */
export interface PointMsg {
  attributes: KeyValues;
  startTimeUnixNano: U64;
  timeUnixNano: U64;
  flags: U32;
}
export interface NumberPointMsg extends PointMsg {
  asDouble: OptF64;
  asInt: I64;
  exemplars: List<ExemplarMsg>;
}
export interface HistogramPointMsg extends PointMsg {
  count: U64;
  sum: F64;
  bucketCounts: U64s;
  explicitBounds: F64s;
  exemplars: List<ExemplarMsg>;
  min: F64;
  max: F64;
}
export interface BucketsMsg {
  offset: I32;
  bucketCounts: U64s;
}
export interface ExpHistogramPointMsg extends PointMsg {
  count: U64;
  sum: F64;
  scale: I32;
  zeroCount: U64;
  positive: Sub<BucketsMsg>;
  negative: Sub<BucketsMsg>;
  exemplars: List<ExemplarMsg>;
  min: F64;
  max: F64;
}
export interface QuantileMsg {
  quantile: F64;
  value: F64;
}
export interface SummaryPointMsg extends PointMsg {
  count: U64;
  sum: F64;
  quantileValues: List<QuantileMsg>;
}
export interface GaugeMsg {
  dataPoints: List<NumberPointMsg>;
}
export interface SumMsg {
  dataPoints: List<NumberPointMsg>;
  aggregationTemporality: Enum;
  isMonotonic: Bool;
}
export interface HistogramMsg {
  dataPoints: List<HistogramPointMsg>;
  aggregationTemporality: Enum;
}
export interface ExpHistogramMsg {
  dataPoints: List<ExpHistogramPointMsg>;
  aggregationTemporality: Enum;
}
export interface SummaryMsg {
  dataPoints: List<SummaryPointMsg>;
}
export interface MetricMsg {
  name: Str;
  description: Str;
  unit: Str;
  gauge: Sub<GaugeMsg>;
  sum: Sub<SumMsg>;
  histogram: Sub<HistogramMsg>;
  exponentialHistogram: Sub<ExpHistogramMsg>;
  summary: Sub<SummaryMsg>;
}
export interface ScopeMetricsMsg extends ScopeHeaderMsg {
  metrics: List<MetricMsg>;
}
export interface ResourceMetricsMsg extends ResourceHeaderMsg {
  scopeMetrics: List<ScopeMetricsMsg>;
}
export interface MetricsRequestMsg {
  resourceMetrics: List<ResourceMetricsMsg>;
}
