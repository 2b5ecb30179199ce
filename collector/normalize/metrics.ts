import type { AgentEvent, OtlpAttributes, OtlpMetric } from '../../schema/index.js';
import type { Draft } from './build.js';
import { normalizeDecision } from './decision.js';
import { str } from './values.js';

interface MetricPoint {
  attributes: OtlpAttributes;
  startTimeUnixNano: string;
  timeUnixNano: string;
}

const RAW_TABLES: Partial<Record<OtlpMetric['data']['type'], AgentEvent['raw_table']>> = {
  sum: 'otel_metrics_sum',
  gauge: 'otel_metrics_gauge',
  histogram: 'otel_metrics_histogram',
};

function points(metric: OtlpMetric): MetricPoint[] {
  const d = metric.data;
  return d.type === 'empty' ? [] : d.points;
}

/** How many times the point counts (a delta sum's value, a histogram's count). */
function occurrences(metric: OtlpMetric, i: number): string {
  const d = metric.data;
  if (d.type === 'sum' || d.type === 'gauge') return String(d.points[i]?.value ?? '');
  if (d.type === 'histogram' || d.type === 'exponentialHistogram' || d.type === 'summary') {
    return String(d.points[i]?.count ?? '');
  }
  return '';
}

/**
 * Codex approval metrics: a point with `outcome=aborted` on an approval/guardian metric, or
 * `codex.approval.requested` with a refusing `approved` value, is a deny the logs never show. Such a
 * point has no session, call or command: all three are named in `missing`.
 */
export function normalizeCodexMetric(
  metric: OtlpMetric,
): { draft: Draft; point: MetricPoint; rawTable: AgentEvent['raw_table'] }[] {
  const name = metric.name;
  if (!/approval|guardian/.test(name)) return [];
  const rawTable = RAW_TABLES[metric.data.type] ?? '';
  const out: { draft: Draft; point: MetricPoint; rawTable: AgentEvent['raw_table'] }[] = [];
  points(metric).forEach((point, i) => {
    const outcome = str(point.attributes, 'outcome');
    const approved = str(point.attributes, 'approved');
    const raw = outcome === 'aborted' ? outcome : approved;
    if (raw === '' || normalizeDecision(raw) !== 'deny') return;
    out.push({
      point,
      rawTable,
      draft: {
        kind: 'tool_decision',
        event_name: name,
        tool: str(point.attributes, 'tool'),
        decision: 'deny',
        decision_source: raw,
        missing: ['session_id', 'call_id', 'command'],
        extra: { 'metric.occurrences': occurrences(metric, i) },
        consumed: ['tool'],
      },
    });
  });
  return out;
}
