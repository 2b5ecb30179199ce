import type { OtlpExemplar, OtlpMetricsRequest } from '../../schema/index.js';
import { attributesToMap, nanosToDateTime64, serviceName } from './common.js';

type Row = Record<string, unknown>;

/** Rows per otel_metrics_* table, keyed by table name. */
export type MetricRows = Record<MetricTable, Row[]>;
export const METRIC_TABLES = [
  'otel_metrics_gauge',
  'otel_metrics_sum',
  'otel_metrics_histogram',
  'otel_metrics_exponential_histogram',
  'otel_metrics_summary',
] as const;
export type MetricTable = (typeof METRIC_TABLES)[number];

function exemplars(ex: OtlpExemplar[]): Row {
  return {
    'Exemplars.FilteredAttributes': ex.map((e) => attributesToMap(e.filteredAttributes)),
    'Exemplars.TimeUnix': ex.map((e) => nanosToDateTime64(e.timeUnixNano || '0')),
    'Exemplars.Value': ex.map((e) => e.value),
    'Exemplars.SpanId': ex.map((e) => e.spanId),
    'Exemplars.TraceId': ex.map((e) => e.traceId),
  };
}

export function metricsToRows(req: OtlpMetricsRequest): MetricRows {
  const out: MetricRows = {
    otel_metrics_gauge: [],
    otel_metrics_sum: [],
    otel_metrics_histogram: [],
    otel_metrics_exponential_histogram: [],
    otel_metrics_summary: [],
  };
  for (const rm of req.resourceMetrics) {
    const resource = {
      ResourceAttributes: attributesToMap(rm.resource.attributes),
      ResourceSchemaUrl: rm.schemaUrl,
      ServiceName: serviceName(rm.resource),
    };
    for (const sm of rm.scopeMetrics) {
      const scope = {
        ScopeName: sm.scope.name,
        ScopeVersion: sm.scope.version,
        ScopeAttributes: attributesToMap(sm.scope.attributes),
        ScopeDroppedAttrCount: sm.scope.droppedAttributesCount,
        ScopeSchemaUrl: sm.schemaUrl,
      };
      for (const m of sm.metrics) {
        const base = {
          ...resource,
          ...scope,
          MetricName: m.name,
          MetricDescription: m.description,
          MetricUnit: m.unit,
        };
        const point = (p: {
          attributes: Parameters<typeof attributesToMap>[0];
          startTimeUnixNano: string;
          timeUnixNano: string;
          flags: number;
        }) => ({
          ...base,
          Attributes: attributesToMap(p.attributes),
          StartTimeUnix: nanosToDateTime64(p.startTimeUnixNano || '0'),
          TimeUnix: nanosToDateTime64(p.timeUnixNano || '0'),
          Flags: p.flags,
        });
        const d = m.data;
        switch (d.type) {
          case 'gauge':
            for (const p of d.points)
              out.otel_metrics_gauge.push({ ...point(p), Value: p.value, ...exemplars(p.exemplars) });
            break;
          case 'sum':
            for (const p of d.points)
              out.otel_metrics_sum.push({
                ...point(p),
                Value: p.value,
                ...exemplars(p.exemplars),
                AggregationTemporality: d.aggregationTemporality,
                IsMonotonic: d.isMonotonic,
              });
            break;
          case 'histogram':
            for (const p of d.points)
              out.otel_metrics_histogram.push({
                ...point(p),
                Count: p.count,
                Sum: p.sum,
                BucketCounts: p.bucketCounts,
                ExplicitBounds: p.explicitBounds,
                ...exemplars(p.exemplars),
                Min: p.min,
                Max: p.max,
                AggregationTemporality: d.aggregationTemporality,
              });
            break;
          case 'exponentialHistogram':
            for (const p of d.points)
              out.otel_metrics_exponential_histogram.push({
                ...point(p),
                Count: p.count,
                Sum: p.sum,
                Scale: p.scale,
                ZeroCount: p.zeroCount,
                PositiveOffset: p.positive.offset,
                PositiveBucketCounts: p.positive.bucketCounts,
                NegativeOffset: p.negative.offset,
                NegativeBucketCounts: p.negative.bucketCounts,
                ...exemplars(p.exemplars),
                Min: p.min,
                Max: p.max,
                AggregationTemporality: d.aggregationTemporality,
              });
            break;
          case 'summary':
            for (const p of d.points)
              out.otel_metrics_summary.push({
                ...point(p),
                Count: p.count,
                Sum: p.sum,
                'ValueAtQuantiles.Quantile': p.quantileValues.map((q) => q.quantile),
                'ValueAtQuantiles.Value': p.quantileValues.map((q) => q.value),
              });
            break;
          case 'empty':
            break;
        }
      }
    }
  }
  return out;
}
