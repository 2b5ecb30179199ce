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
import { mapAt, rethrowAt } from './errors.js';
import {
  type PbKeyValue,
  type PbResource,
  type PbScope,
  pbAttributes,
  pbResourceHeader,
  pbScopeHeader,
} from './pb-common.js';
import {
  idToHex,
  utf8,
  type Wire64,
  wireInt64Number,
  wireUint64Decimal,
  wireUint64Number,
} from './wire-values.js';

interface PbExemplar {
  filteredAttributes: PbKeyValue[];
  timeUnixNano: Wire64;
  asDouble: number | null;
  asInt: Wire64 | null;
  spanId: Uint8Array;
  traceId: Uint8Array;
}
interface PbPointBase {
  attributes: PbKeyValue[];
  startTimeUnixNano: Wire64;
  timeUnixNano: Wire64;
  flags: number;
}
interface PbNumberPoint extends PbPointBase {
  asDouble: number | null;
  asInt: Wire64 | null;
  exemplars: PbExemplar[];
}
interface PbHistogramPoint extends PbPointBase {
  count: Wire64;
  sum: number | null;
  bucketCounts: Wire64[];
  explicitBounds: number[];
  exemplars: PbExemplar[];
  min: number | null;
  max: number | null;
}
interface PbBuckets {
  offset: number;
  bucketCounts: Wire64[];
}
interface PbExpHistogramPoint extends PbPointBase {
  count: Wire64;
  sum: number | null;
  scale: number;
  zeroCount: Wire64;
  positive: PbBuckets | null;
  negative: PbBuckets | null;
  exemplars: PbExemplar[];
  min: number | null;
  max: number | null;
}
interface PbSummaryPoint extends PbPointBase {
  count: Wire64;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
}
interface PbMetric {
  name: Uint8Array;
  description: Uint8Array;
  unit: Uint8Array;
  gauge: { dataPoints: PbNumberPoint[] } | null;
  sum: { dataPoints: PbNumberPoint[]; aggregationTemporality: number; isMonotonic: boolean } | null;
  histogram: { dataPoints: PbHistogramPoint[]; aggregationTemporality: number } | null;
  exponentialHistogram: { dataPoints: PbExpHistogramPoint[]; aggregationTemporality: number } | null;
  summary: { dataPoints: PbSummaryPoint[] } | null;
}
interface PbScopeMetrics {
  scope: PbScope | null;
  metrics: PbMetric[];
  schemaUrl: Uint8Array;
}
interface PbResourceMetrics {
  resource: PbResource | null;
  scopeMetrics: PbScopeMetrics[];
  schemaUrl: Uint8Array;
}
export interface PbMetricsRequest {
  resourceMetrics: PbResourceMetrics[];
}

function numbers(list: Wire64[]): number[] {
  const out: number[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = wireUint64Number(list[i]!);
  return out;
}

function exemplars(list: PbExemplar[], c: DecodeContext): OtlpExemplar[] {
  const out: OtlpExemplar[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    try {
      c.field = 'spanId';
      const spanId = idToHex(e.spanId, 8);
      c.field = 'traceId';
      const traceId = idToHex(e.traceId, 16);
      out[i] = {
        filteredAttributes: pbAttributes(e.filteredAttributes, c, 'filteredAttributes'),
        timeUnixNano: wireUint64Decimal(e.timeUnixNano),
        value: e.asDouble ?? (e.asInt === null ? 0 : wireInt64Number(e.asInt)),
        spanId,
        traceId,
      };
    } catch (err) {
      rethrowAt(err, `exemplars[${i}]`, c.field);
    }
  }
  return out;
}

/** Converts each point with `one`, prefixing errors with `dataPoints[i]`. */
function points<P, T>(list: P[], c: DecodeContext, one: (p: P, c: DecodeContext) => T): T[] {
  const out: T[] = mapAt(list, 'dataPoints', c, one);
  return out;
}

function numberPoint(p: PbNumberPoint, c: DecodeContext): OtlpNumberPoint {
  return {
    attributes: pbAttributes(p.attributes, c, 'attributes'),
    startTimeUnixNano: wireUint64Decimal(p.startTimeUnixNano),
    timeUnixNano: wireUint64Decimal(p.timeUnixNano),
    value: p.asDouble ?? (p.asInt === null ? 0 : wireInt64Number(p.asInt)),
    exemplars: exemplars(p.exemplars, c),
    flags: p.flags,
  };
}

function histogramPoint(p: PbHistogramPoint, c: DecodeContext): OtlpHistogramPoint {
  return {
    attributes: pbAttributes(p.attributes, c, 'attributes'),
    startTimeUnixNano: wireUint64Decimal(p.startTimeUnixNano),
    timeUnixNano: wireUint64Decimal(p.timeUnixNano),
    count: wireUint64Number(p.count),
    sum: p.sum ?? 0,
    bucketCounts: numbers(p.bucketCounts),
    explicitBounds: p.explicitBounds.slice(),
    exemplars: exemplars(p.exemplars, c),
    flags: p.flags,
    min: p.min ?? 0,
    max: p.max ?? 0,
  };
}

function buckets(b: PbBuckets | null): { offset: number; bucketCounts: number[] } {
  return b === null
    ? { offset: 0, bucketCounts: [] }
    : { offset: b.offset, bucketCounts: numbers(b.bucketCounts) };
}

function expHistogramPoint(p: PbExpHistogramPoint, c: DecodeContext): OtlpExponentialHistogramPoint {
  return {
    attributes: pbAttributes(p.attributes, c, 'attributes'),
    startTimeUnixNano: wireUint64Decimal(p.startTimeUnixNano),
    timeUnixNano: wireUint64Decimal(p.timeUnixNano),
    count: wireUint64Number(p.count),
    sum: p.sum ?? 0,
    scale: p.scale,
    zeroCount: wireUint64Number(p.zeroCount),
    positive: buckets(p.positive),
    negative: buckets(p.negative),
    flags: p.flags,
    exemplars: exemplars(p.exemplars, c),
    min: p.min ?? 0,
    max: p.max ?? 0,
  };
}

function summaryPoint(p: PbSummaryPoint, c: DecodeContext): OtlpSummaryPoint {
  const q = p.quantileValues;
  const quantileValues: { quantile: number; value: number }[] = new Array(q.length);
  for (let i = 0; i < q.length; i++) quantileValues[i] = { quantile: q[i]!.quantile, value: q[i]!.value };
  return {
    attributes: pbAttributes(p.attributes, c, 'attributes'),
    startTimeUnixNano: wireUint64Decimal(p.startTimeUnixNano),
    timeUnixNano: wireUint64Decimal(p.timeUnixNano),
    count: wireUint64Number(p.count),
    sum: p.sum,
    quantileValues,
    flags: p.flags,
  };
}

function metricData(m: PbMetric, c: DecodeContext): OtlpMetricData {
  // The proto declares data as a oneof; when a malformed message sets several, the first below wins.
  let kind = '';
  try {
    if (m.gauge !== null) {
      kind = 'gauge';
      return { type: 'gauge', points: points(m.gauge.dataPoints, c, numberPoint) };
    }
    if (m.sum !== null) {
      kind = 'sum';
      return {
        type: 'sum',
        points: points(m.sum.dataPoints, c, numberPoint),
        aggregationTemporality: m.sum.aggregationTemporality,
        isMonotonic: m.sum.isMonotonic,
      };
    }
    if (m.histogram !== null) {
      kind = 'histogram';
      const h = m.histogram;
      return {
        type: 'histogram',
        points: points(h.dataPoints, c, histogramPoint),
        aggregationTemporality: h.aggregationTemporality,
      };
    }
    if (m.exponentialHistogram !== null) {
      kind = 'exponentialHistogram';
      const h = m.exponentialHistogram;
      return {
        type: 'exponentialHistogram',
        points: points(h.dataPoints, c, expHistogramPoint),
        aggregationTemporality: h.aggregationTemporality,
      };
    }
    if (m.summary !== null) {
      kind = 'summary';
      return { type: 'summary', points: points(m.summary.dataPoints, c, summaryPoint) };
    }
  } catch (e) {
    rethrowAt(e, kind);
  }
  return { type: 'empty' };
}

function metric(m: PbMetric, c: DecodeContext): OtlpMetric {
  c.field = 'name';
  const name = utf8(m.name);
  c.field = 'description';
  const description = utf8(m.description);
  c.field = 'unit';
  const unit = utf8(m.unit);
  return { name, description, unit, data: metricData(m, c) };
}

function scopeMetrics(s: PbScopeMetrics, c: DecodeContext): OtlpScopeMetrics {
  const metrics = mapAt(s.metrics, 'metrics', c, metric);
  return { ...pbScopeHeader(s, c), metrics };
}

function resourceMetrics(r: PbResourceMetrics, c: DecodeContext): OtlpResourceMetrics {
  const out = mapAt(r.scopeMetrics, 'scopeMetrics', c, scopeMetrics);
  return { ...pbResourceHeader(r, c), scopeMetrics: out };
}

/** Converts a decoded ExportMetricsServiceRequest in one pass. */
export function pbMetricsRequest(m: PbMetricsRequest, c: DecodeContext): OtlpMetricsRequest {
  const out = mapAt(m.resourceMetrics, 'resourceMetrics', c, resourceMetrics);
  return { resourceMetrics: out };
}
