import protobuf from 'protobufjs';

/**
 * OTLP v1 messages (common, resource, logs, trace, metrics, collector services) and google.rpc.Status,
 * written for decoding. Wire-compatible with opentelemetry-proto, with three deliberate differences:
 * - string fields are declared `bytes`: protobufjs does not reject invalid UTF-8, so Ward decodes the
 *   bytes itself with a fatal decoder;
 * - AnyValue.array_value / kvlist_value are `bytes` decoded on demand, so nesting depth is bounded by
 *   Ward's converter and not by protobufjs recursion;
 * - oneof members are proto3 `optional`: protobufjs then leaves absent members null, a cheap presence test.
 * Field names become lowerCamelCase when parsed.
 */
const OTLP_PROTO = `
syntax = "proto3";
package ward.otlp;

message AnyValue {
  optional bytes string_value = 1;
  optional bool bool_value = 2;
  optional int64 int_value = 3;
  optional double double_value = 4;
  optional bytes array_value = 5;
  optional bytes kvlist_value = 6;
  optional bytes bytes_value = 7;
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { bytes key = 1; AnyValue value = 2; }
message InstrumentationScope {
  bytes name = 1;
  bytes version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }

message LogRecord {
  fixed64 time_unix_nano = 1;
  fixed64 observed_time_unix_nano = 11;
  int32 severity_number = 2;
  bytes severity_text = 3;
  AnyValue body = 5;
  repeated KeyValue attributes = 6;
  uint32 dropped_attributes_count = 7;
  fixed32 flags = 8;
  bytes trace_id = 9;
  bytes span_id = 10;
  bytes event_name = 12;
}
message ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; bytes schema_url = 3; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; bytes schema_url = 3; }
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }

message SpanEvent {
  fixed64 time_unix_nano = 1;
  bytes name = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message SpanLink {
  bytes trace_id = 1;
  bytes span_id = 2;
  bytes trace_state = 3;
  repeated KeyValue attributes = 4;
  uint32 dropped_attributes_count = 5;
  fixed32 flags = 6;
}
message SpanStatus { bytes message = 2; int32 code = 3; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  bytes trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  bytes name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  repeated SpanEvent events = 11;
  uint32 dropped_events_count = 12;
  repeated SpanLink links = 13;
  uint32 dropped_links_count = 14;
  SpanStatus status = 15;
}
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; bytes schema_url = 3; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; bytes schema_url = 3; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }

message Exemplar {
  repeated KeyValue filtered_attributes = 7;
  fixed64 time_unix_nano = 2;
  optional double as_double = 3;
  optional sfixed64 as_int = 6;
  bytes span_id = 4;
  bytes trace_id = 5;
}
message NumberDataPoint {
  repeated KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  optional double as_double = 4;
  optional sfixed64 as_int = 6;
  repeated Exemplar exemplars = 5;
  uint32 flags = 8;
}
message HistogramDataPoint {
  repeated KeyValue attributes = 9;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  optional double sum = 5;
  repeated fixed64 bucket_counts = 6;
  repeated double explicit_bounds = 7;
  repeated Exemplar exemplars = 8;
  uint32 flags = 10;
  optional double min = 11;
  optional double max = 12;
}
message ExponentialBuckets { sint32 offset = 1; repeated uint64 bucket_counts = 2; }
message ExponentialHistogramDataPoint {
  repeated KeyValue attributes = 1;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  optional double sum = 5;
  sint32 scale = 6;
  fixed64 zero_count = 7;
  ExponentialBuckets positive = 8;
  ExponentialBuckets negative = 9;
  uint32 flags = 10;
  repeated Exemplar exemplars = 11;
  optional double min = 12;
  optional double max = 13;
  double zero_threshold = 14;
}
message ValueAtQuantile { double quantile = 1; double value = 2; }
message SummaryDataPoint {
  repeated KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  double sum = 5;
  repeated ValueAtQuantile quantile_values = 6;
  uint32 flags = 8;
}
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum { repeated NumberDataPoint data_points = 1; int32 aggregation_temporality = 2; bool is_monotonic = 3; }
message Histogram { repeated HistogramDataPoint data_points = 1; int32 aggregation_temporality = 2; }
message ExponentialHistogram {
  repeated ExponentialHistogramDataPoint data_points = 1;
  int32 aggregation_temporality = 2;
}
message Summary { repeated SummaryDataPoint data_points = 1; }
message Metric {
  bytes name = 1;
  bytes description = 2;
  bytes unit = 3;
  optional Gauge gauge = 5;
  optional Sum sum = 7;
  optional Histogram histogram = 9;
  optional ExponentialHistogram exponential_histogram = 10;
  optional Summary summary = 11;
}
message ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2; bytes schema_url = 3; }
message ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; bytes schema_url = 3; }
message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }

message ExportLogsPartialSuccess { int64 rejected_log_records = 1; string error_message = 2; }
message ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message ExportMetricsPartialSuccess { int64 rejected_data_points = 1; string error_message = 2; }
message ExportMetricsServiceResponse { ExportMetricsPartialSuccess partial_success = 1; }

message GoogleAny { string type_url = 1; bytes value = 2; }
message RpcStatus { int32 code = 1; string message = 2; repeated GoogleAny details = 3; }
`;

/** The protobufjs types Ward uses, looked up once. */
export interface OtlpProtoTypes {
  logsRequest: protobuf.Type;
  tracesRequest: protobuf.Type;
  metricsRequest: protobuf.Type;
  arrayValue: protobuf.Type;
  keyValueList: protobuf.Type;
  logsResponse: protobuf.Type;
  tracesResponse: protobuf.Type;
  metricsResponse: protobuf.Type;
  rpcStatus: protobuf.Type;
}

let types: OtlpProtoTypes | undefined;

/** Parses the definitions on first use (keeps CLI start-up free of the protobuf parse). */
export function otlpProtoTypes(): OtlpProtoTypes {
  if (types) return types;
  const root = protobuf.parse(OTLP_PROTO, { keepCase: false }).root;
  const t = (name: string) => root.lookupType(`ward.otlp.${name}`);
  types = {
    logsRequest: t('ExportLogsServiceRequest'),
    tracesRequest: t('ExportTraceServiceRequest'),
    metricsRequest: t('ExportMetricsServiceRequest'),
    arrayValue: t('ArrayValue'),
    keyValueList: t('KeyValueList'),
    logsResponse: t('ExportLogsServiceResponse'),
    tracesResponse: t('ExportTraceServiceResponse'),
    metricsResponse: t('ExportMetricsServiceResponse'),
    rpcStatus: t('RpcStatus'),
  };
  return types;
}
