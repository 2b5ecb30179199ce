import type {
  OtlpExemplar,
  OtlpExponentialHistogramPoint,
  OtlpHistogramPoint,
  OtlpMetric,
  OtlpMetricData,
  OtlpMetricsRequest,
  OtlpNumberPoint,
  OtlpResourceMetrics,
  OtlpScopeMetrics,
  OtlpSummaryPoint,
} from '../../schema/fast.js';
import type { DecodeContext } from './decode-context.js';
import { rethrowAt } from './errors.js';
import {
  AGGREGATION_TEMPORALITY,
  type JsonObject,
  jArray,
  jAttributes,
  jBool,
  jCount,
  jDouble,
  jEnum,
  jId,
  jInt32,
  jInt64Number,
  jList,
  jObject,
  jResourceHeader,
  jRoot,
  jScopeHeader,
  jText,
  jTime,
  jUint32,
} from './json-common.js';

function pointValue(p: JsonObject): number {
  const d = p.asDouble ?? p.as_double;
  if (d !== undefined) return jDouble(d);
  return jInt64Number(p.asInt ?? p.as_int);
}

function exemplar(e: JsonObject, c: DecodeContext): OtlpExemplar {
  const filteredAttributes = jAttributes(
    e.filteredAttributes ?? e.filtered_attributes,
    c,
    'filteredAttributes',
  );
  c.field = 'timeUnixNano';
  const timeUnixNano = jTime(e.timeUnixNano ?? e.time_unix_nano);
  c.field = 'value';
  const value = pointValue(e);
  c.field = 'spanId';
  const spanId = jId(e.spanId ?? e.span_id, 8);
  c.field = 'traceId';
  const traceId = jId(e.traceId ?? e.trace_id, 16);
  return { filteredAttributes, timeUnixNano, value, spanId, traceId };
}

/** Fields every point kind has. */
function pointBase(p: JsonObject, c: DecodeContext) {
  const attributes = jAttributes(p.attributes, c, 'attributes');
  c.field = 'startTimeUnixNano';
  const startTimeUnixNano = jTime(p.startTimeUnixNano ?? p.start_time_unix_nano);
  c.field = 'timeUnixNano';
  const timeUnixNano = jTime(p.timeUnixNano ?? p.time_unix_nano);
  c.field = 'flags';
  const flags = jUint32(p.flags);
  return { attributes, startTimeUnixNano, timeUnixNano, flags };
}

function numberPoint(p: JsonObject, c: DecodeContext): OtlpNumberPoint {
  const base = pointBase(p, c);
  c.field = 'asDouble';
  const value = pointValue(p);
  return { ...base, value, exemplars: jList(p.exemplars, c, 'exemplars', exemplar) };
}

function counts(v: unknown): number[] {
  const list = jArray(v);
  const out: number[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = jCount(list[i]);
  return out;
}

function doubles(v: unknown): number[] {
  const list = jArray(v);
  const out: number[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = jDouble(list[i]);
  return out;
}

function histogramPoint(p: JsonObject, c: DecodeContext): OtlpHistogramPoint {
  const base = pointBase(p, c);
  c.field = 'count';
  const count = jCount(p.count);
  c.field = 'sum';
  const sum = jDouble(p.sum);
  c.field = 'bucketCounts';
  const bucketCounts = counts(p.bucketCounts ?? p.bucket_counts);
  c.field = 'explicitBounds';
  const explicitBounds = doubles(p.explicitBounds ?? p.explicit_bounds);
  c.field = 'min';
  const min = jDouble(p.min);
  c.field = 'max';
  const max = jDouble(p.max);
  const exemplars = jList(p.exemplars, c, 'exemplars', exemplar);
  return { ...base, count, sum, bucketCounts, explicitBounds, exemplars, min, max };
}

function buckets(v: unknown, c: DecodeContext, name: string): { offset: number; bucketCounts: number[] } {
  c.field = name;
  const b = jObject(v);
  if (b === null) return { offset: 0, bucketCounts: [] };
  c.field = `${name}.offset`;
  const offset = jInt32(b.offset);
  c.field = `${name}.bucketCounts`;
  return { offset, bucketCounts: counts(b.bucketCounts ?? b.bucket_counts) };
}

function expHistogramPoint(p: JsonObject, c: DecodeContext): OtlpExponentialHistogramPoint {
  const base = pointBase(p, c);
  c.field = 'count';
  const count = jCount(p.count);
  c.field = 'sum';
  const sum = jDouble(p.sum);
  c.field = 'scale';
  const scale = jInt32(p.scale);
  c.field = 'zeroCount';
  const zeroCount = jCount(p.zeroCount ?? p.zero_count);
  const positive = buckets(p.positive, c, 'positive');
  const negative = buckets(p.negative, c, 'negative');
  c.field = 'min';
  const min = jDouble(p.min);
  c.field = 'max';
  const max = jDouble(p.max);
  const exemplars = jList(p.exemplars, c, 'exemplars', exemplar);
  return { ...base, count, sum, scale, zeroCount, positive, negative, exemplars, min, max };
}

function quantile(q: JsonObject, c: DecodeContext): { quantile: number; value: number } {
  c.field = 'quantile';
  const quantile = jDouble(q.quantile);
  c.field = 'value';
  return { quantile, value: jDouble(q.value) };
}

function summaryPoint(p: JsonObject, c: DecodeContext): OtlpSummaryPoint {
  const base = pointBase(p, c);
  c.field = 'count';
  const count = jCount(p.count);
  c.field = 'sum';
  const sum = jDouble(p.sum);
  const quantileValues = jList(p.quantileValues ?? p.quantile_values, c, 'quantileValues', quantile);
  return { ...base, count, sum, quantileValues };
}

function temporality(d: JsonObject, c: DecodeContext): number {
  c.field = 'aggregationTemporality';
  return jEnum(d.aggregationTemporality ?? d.aggregation_temporality, AGGREGATION_TEMPORALITY);
}

function metricData(m: JsonObject, c: DecodeContext): OtlpMetricData {
  let kind = 'gauge';
  try {
    let d = jObject(m.gauge);
    if (d !== null)
      return { type: 'gauge', points: jList(d.dataPoints ?? d.data_points, c, 'dataPoints', numberPoint) };
    kind = 'sum';
    d = jObject(m.sum);
    if (d !== null) {
      const aggregationTemporality = temporality(d, c);
      c.field = 'isMonotonic';
      const isMonotonic = jBool(d.isMonotonic ?? d.is_monotonic);
      const points = jList(d.dataPoints ?? d.data_points, c, 'dataPoints', numberPoint);
      return { type: 'sum', points, aggregationTemporality, isMonotonic };
    }
    kind = 'histogram';
    d = jObject(m.histogram);
    if (d !== null) {
      const aggregationTemporality = temporality(d, c);
      const points = jList(d.dataPoints ?? d.data_points, c, 'dataPoints', histogramPoint);
      return { type: 'histogram', points, aggregationTemporality };
    }
    kind = 'exponentialHistogram';
    d = jObject(m.exponentialHistogram ?? m.exponential_histogram);
    if (d !== null) {
      const aggregationTemporality = temporality(d, c);
      const points = jList(d.dataPoints ?? d.data_points, c, 'dataPoints', expHistogramPoint);
      return { type: 'exponentialHistogram', points, aggregationTemporality };
    }
    kind = 'summary';
    d = jObject(m.summary);
    if (d !== null)
      return { type: 'summary', points: jList(d.dataPoints ?? d.data_points, c, 'dataPoints', summaryPoint) };
  } catch (e) {
    rethrowAt(e, kind, c.field);
  }
  return { type: 'empty' };
}

function metric(m: JsonObject, c: DecodeContext): OtlpMetric {
  c.field = 'name';
  const name = jText(m.name, c);
  c.field = 'description';
  const description = jText(m.description, c);
  c.field = 'unit';
  const unit = jText(m.unit, c);
  c.field = '';
  return { name, description, unit, data: metricData(m, c) };
}

function scopeMetrics(s: JsonObject, c: DecodeContext): OtlpScopeMetrics {
  return { ...jScopeHeader(s, c), metrics: jList(s.metrics, c, 'metrics', metric) };
}

function resourceMetrics(r: JsonObject, c: DecodeContext): OtlpResourceMetrics {
  return {
    ...jResourceHeader(r, c),
    scopeMetrics: jList(r.scopeMetrics ?? r.scope_metrics, c, 'scopeMetrics', scopeMetrics),
  };
}

/** Converts a parsed OTLP/JSON ExportMetricsServiceRequest. */
export function jsonMetricsRequest(v: unknown, c: DecodeContext): OtlpMetricsRequest {
  const root = jRoot(v);
  return {
    resourceMetrics: jList(
      root.resourceMetrics ?? root.resource_metrics,
      c,
      'resourceMetrics',
      resourceMetrics,
    ),
  };
}
