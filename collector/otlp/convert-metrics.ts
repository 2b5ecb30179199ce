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
import { resourceHeader, scopeHeader } from './convert-common.js';
import type { DecodeContext } from './decode-context.js';
import { AGGREGATION_TEMPORALITY } from './enum-names.js';
import type {
  BucketsMsg,
  ExemplarMsg,
  ExpHistogramMsg,
  ExpHistogramPointMsg,
  GaugeMsg,
  HistogramMsg,
  HistogramPointMsg,
  MetricMsg,
  MetricsRequestMsg,
  NumberPointMsg,
  QuantileMsg,
  ResourceMetricsMsg,
  ScopeMetricsMsg,
  SumMsg,
  SummaryMsg,
  SummaryPointMsg,
} from './otlp-messages.js';
import { each, sub } from './walk.js';
import type { WireReader } from './wire-reader.js';

/** The `value` oneof of exemplars and number points: asDouble when present, else asInt. */
function pointValue(rd: WireReader, p: ExemplarMsg | NumberPointMsg): number {
  return rd.has(p, 'asDouble') ? rd.double(p, 'asDouble') : rd.int64(p, 'asInt');
}

function exemplar(rd: WireReader, e: ExemplarMsg, c: DecodeContext): OtlpExemplar {
  return {
    filteredAttributes: rd.attributes(e, 'filteredAttributes', c),
    timeUnixNano: rd.time(e, 'timeUnixNano'),
    value: pointValue(rd, e),
    spanId: rd.id(e, 'spanId', 8),
    traceId: rd.id(e, 'traceId', 16),
  };
}

/** What every data point has: its attributes and its start and end times. */
function pointBase(
  rd: WireReader,
  p: NumberPointMsg | HistogramPointMsg | ExpHistogramPointMsg | SummaryPointMsg,
  c: DecodeContext,
) {
  return {
    attributes: rd.attributes(p, 'attributes', c),
    startTimeUnixNano: rd.time(p, 'startTimeUnixNano'),
    timeUnixNano: rd.time(p, 'timeUnixNano'),
  };
}

function numberPoint(rd: WireReader, p: NumberPointMsg, c: DecodeContext): OtlpNumberPoint {
  return {
    ...pointBase(rd, p, c),
    value: pointValue(rd, p),
    exemplars: each(rd, p, 'exemplars', c, exemplar),
    flags: rd.uint32(p, 'flags'),
  };
}

function histogramPoint(rd: WireReader, p: HistogramPointMsg, c: DecodeContext): OtlpHistogramPoint {
  return {
    ...pointBase(rd, p, c),
    count: rd.count(p, 'count'),
    sum: rd.double(p, 'sum'),
    bucketCounts: rd.counts(p, 'bucketCounts'),
    explicitBounds: rd.doubles(p, 'explicitBounds'),
    exemplars: each(rd, p, 'exemplars', c, exemplar),
    flags: rd.uint32(p, 'flags'),
    min: rd.double(p, 'min'),
    max: rd.double(p, 'max'),
  };
}

function buckets(rd: WireReader, b: BucketsMsg): OtlpExponentialHistogramPoint['positive'] {
  return { offset: rd.int32(b, 'offset'), bucketCounts: rd.counts(b, 'bucketCounts') };
}

function expHistogramPoint(
  rd: WireReader,
  p: ExpHistogramPointMsg,
  c: DecodeContext,
): OtlpExponentialHistogramPoint {
  return {
    ...pointBase(rd, p, c),
    count: rd.count(p, 'count'),
    sum: rd.double(p, 'sum'),
    scale: rd.int32(p, 'scale'),
    zeroCount: rd.count(p, 'zeroCount'),
    positive: sub(rd, p, 'positive', c, buckets) ?? { offset: 0, bucketCounts: [] },
    negative: sub(rd, p, 'negative', c, buckets) ?? { offset: 0, bucketCounts: [] },
    flags: rd.uint32(p, 'flags'),
    exemplars: each(rd, p, 'exemplars', c, exemplar),
    min: rd.double(p, 'min'),
    max: rd.double(p, 'max'),
  };
}

function quantile(rd: WireReader, q: QuantileMsg): { quantile: number; value: number } {
  return { quantile: rd.double(q, 'quantile'), value: rd.double(q, 'value') };
}

function summaryPoint(rd: WireReader, p: SummaryPointMsg, c: DecodeContext): OtlpSummaryPoint {
  return {
    ...pointBase(rd, p, c),
    count: rd.count(p, 'count'),
    sum: rd.double(p, 'sum'),
    quantileValues: each(rd, p, 'quantileValues', c, quantile),
    flags: rd.uint32(p, 'flags'),
  };
}

function gauge(rd: WireReader, d: GaugeMsg, c: DecodeContext): OtlpMetricData {
  return { type: 'gauge', points: each(rd, d, 'dataPoints', c, numberPoint) };
}

function sum(rd: WireReader, d: SumMsg, c: DecodeContext): OtlpMetricData {
  return {
    type: 'sum',
    points: each(rd, d, 'dataPoints', c, numberPoint),
    aggregationTemporality: rd.enumOf(d, 'aggregationTemporality', AGGREGATION_TEMPORALITY),
    isMonotonic: rd.bool(d, 'isMonotonic'),
  };
}

function histogram(rd: WireReader, d: HistogramMsg, c: DecodeContext): OtlpMetricData {
  return {
    type: 'histogram',
    points: each(rd, d, 'dataPoints', c, histogramPoint),
    aggregationTemporality: rd.enumOf(d, 'aggregationTemporality', AGGREGATION_TEMPORALITY),
  };
}

function expHistogram(rd: WireReader, d: ExpHistogramMsg, c: DecodeContext): OtlpMetricData {
  return {
    type: 'exponentialHistogram',
    points: each(rd, d, 'dataPoints', c, expHistogramPoint),
    aggregationTemporality: rd.enumOf(d, 'aggregationTemporality', AGGREGATION_TEMPORALITY),
  };
}

function summary(rd: WireReader, d: SummaryMsg, c: DecodeContext): OtlpMetricData {
  return { type: 'summary', points: each(rd, d, 'dataPoints', c, summaryPoint) };
}

function metric(rd: WireReader, m: MetricMsg, c: DecodeContext): OtlpMetric {
  return {
    name: rd.text(m, 'name', c),
    description: rd.text(m, 'description', c),
    unit: rd.text(m, 'unit', c),
    // The proto declares data as a oneof; when a malformed message sets several, the first below wins.
    data: sub(rd, m, 'gauge', c, gauge) ??
      sub(rd, m, 'sum', c, sum) ??
      sub(rd, m, 'histogram', c, histogram) ??
      sub(rd, m, 'exponentialHistogram', c, expHistogram) ??
      sub(rd, m, 'summary', c, summary) ?? { type: 'empty' },
  };
}

function scopeMetrics(rd: WireReader, s: ScopeMetricsMsg, c: DecodeContext): OtlpScopeMetrics {
  return { ...scopeHeader(rd, s, c), metrics: each(rd, s, 'metrics', c, metric) };
}

function resourceMetrics(rd: WireReader, r: ResourceMetricsMsg, c: DecodeContext): OtlpResourceMetrics {
  return { ...resourceHeader(rd, r, c), scopeMetrics: each(rd, r, 'scopeMetrics', c, scopeMetrics) };
}

/** Converts an ExportMetricsServiceRequest, read through either encoding's reader. */
export function metricsRequest(rd: WireReader, m: MetricsRequestMsg, c: DecodeContext): OtlpMetricsRequest {
  return { resourceMetrics: each(rd, m, 'resourceMetrics', c, resourceMetrics) };
}
