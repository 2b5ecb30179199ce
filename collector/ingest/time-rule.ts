import type {
  OtlpExemplar,
  OtlpLogsRequest,
  OtlpMetricsRequest,
  OtlpSignal,
  OtlpTracesRequest,
} from '../../schema/index.js';
import { OTEL } from '../../schema/index.js';
import { isoToNanos } from '../normalize/time.js';

/** How far from the server's clock a record's time may be. */
export interface TimeWindowOptions {
  /** A record stamped later than receive time + this is refused (it would sort above every real event). */
  maxFutureMs: number;
  /** A record older than receive time − this is refused (the retention would drop it at once); 0 = no limit. */
  maxPastMs: number;
}

/** The accepted range for one request, as nanosecond decimal strings without leading zeros. */
export interface TimeWindow {
  receive: string;
  lower: string;
  upper: string;
}

/** What the rule refused, for the OTLP partial success. */
export interface TimeRuleResult {
  rejected: number;
  message: string;
}

export const DEFAULT_TIME_WINDOW: TimeWindowOptions = { maxFutureMs: 24 * 3600_000, maxPastMs: 0 };

const MS = 1_000_000n;

/** The window around `nowMs` (the receive time). */
export function timeWindow(nowMs: number, opts: TimeWindowOptions): TimeWindow {
  const now = BigInt(Math.trunc(nowMs)) * MS;
  const lower = opts.maxPastMs > 0 ? now - BigInt(Math.trunc(opts.maxPastMs)) * MS : 1n;
  return {
    receive: now.toString(),
    lower: (lower > 0n ? lower : 1n).toString(),
    upper: (now + BigInt(Math.trunc(opts.maxFutureMs)) * MS).toString(),
  };
}

function strip(n: string): string {
  let i = 0;
  while (i < n.length - 1 && n.charCodeAt(i) === 48) i++;
  return i === 0 ? n : n.slice(i);
}

/** Numeric order of two digit strings without BigInt (one compare per record on the hot path). */
function cmp(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `nanos` is a set time (not empty, not zero). */
function isSet(nanos: string): boolean {
  if (nanos === '' || nanos === '0') return false;
  return nanos.charCodeAt(0) !== 48 || /[1-9]/.test(nanos);
}

/** Keeps the items `keep` accepts, in place (no new array per scope on the hot path). */
function retain<T>(items: T[], keep: (item: T) => boolean): T[] {
  let w = 0;
  for (let i = 0; i < items.length; i++) {
    const it = items[i] as T;
    if (keep(it)) items[w++] = it;
  }
  items.length = w;
  return items;
}

function attributeTime(v: unknown): string | null {
  return typeof v === 'string' ? isoToNanos(v) : null;
}

type Verdict = 'ok' | 'future' | 'past';

function judge(t: string, w: TimeWindow): Verdict {
  if (cmp(t, w.upper) > 0) return 'future';
  if (cmp(t, w.lower) < 0) return 'past';
  return 'ok';
}

/** A nested time (span end, event, exemplar, point start): kept when inside the window, else `fallback`. */
function nested(t: string, w: TimeWindow, fallback: string): string {
  if (!isSet(t)) return t;
  const s = strip(t);
  return judge(s, w) === 'ok' ? s : fallback;
}

class Tally {
  future = 0;
  past = 0;
  count(v: Verdict): boolean {
    if (v === 'future') this.future++;
    else if (v === 'past') this.past++;
    return v === 'ok';
  }
  result(what: string, w: TimeWindow, opts: TimeWindowOptions): TimeRuleResult {
    const rejected = this.future + this.past;
    if (rejected === 0) return { rejected: 0, message: '' };
    const why: string[] = [];
    if (this.future)
      why.push(`${this.future} stamped more than ${opts.maxFutureMs / 3600_000} h after the server's clock`);
    if (this.past)
      why.push(`${this.past} older than the ${Math.round(opts.maxPastMs / 86_400_000)}-day retention`);
    return {
      rejected,
      message: `${rejected} ${what} rejected: ${why.join(', ')} (receive time ${w.receive})`,
    };
  }
}

function logsRule(req: OtlpLogsRequest, w: TimeWindow, tally: Tally): void {
  for (const rl of req.resourceLogs) {
    for (const sl of rl.scopeLogs) {
      retain(sl.logRecords, (r) => {
        // Missing time → observed time → the event.timestamp attribute (Codex) → receive time.
        const t = isSet(r.timeUnixNano)
          ? strip(r.timeUnixNano)
          : isSet(r.observedTimeUnixNano)
            ? strip(r.observedTimeUnixNano)
            : (attributeTime(r.attributes[OTEL.eventTimestamp]) ?? w.receive);
        r.timeUnixNano = t;
        r.observedTimeUnixNano = nested(r.observedTimeUnixNano, w, t);
        return tally.count(judge(t, w));
      });
    }
  }
}

function tracesRule(req: OtlpTracesRequest, w: TimeWindow, tally: Tally): void {
  for (const rs of req.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      retain(ss.spans, (s) => {
        const t = isSet(s.startTimeUnixNano) ? strip(s.startTimeUnixNano) : w.receive;
        s.startTimeUnixNano = t;
        if (!tally.count(judge(t, w))) return false;
        s.endTimeUnixNano = nested(s.endTimeUnixNano, w, t);
        for (const e of s.events) e.timeUnixNano = nested(e.timeUnixNano, w, t);
        return true;
      });
    }
  }
}

function exemplarsRule(ex: OtlpExemplar[], w: TimeWindow, t: string): void {
  for (const e of ex) e.timeUnixNano = nested(e.timeUnixNano, w, t);
}

function metricsRule(req: OtlpMetricsRequest, w: TimeWindow, tally: Tally): void {
  for (const rm of req.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const d = m.data;
        if (d.type === 'empty') continue;
        const keep = <P extends { timeUnixNano: string; startTimeUnixNano: string }>(p: P): boolean => {
          const t = isSet(p.timeUnixNano) ? strip(p.timeUnixNano) : w.receive;
          p.timeUnixNano = t;
          if (!tally.count(judge(t, w))) return false;
          // A cumulative start may be long ago (process start): only a start in the future is replaced.
          if (isSet(p.startTimeUnixNano) && cmp(strip(p.startTimeUnixNano), t) > 0) p.startTimeUnixNano = t;
          if ('exemplars' in p) exemplarsRule(p.exemplars as OtlpExemplar[], w, t);
          return true;
        };
        switch (d.type) {
          case 'gauge':
          case 'sum':
            retain<(typeof d.points)[number]>(d.points, keep);
            break;
          case 'histogram':
            retain<(typeof d.points)[number]>(d.points, keep);
            break;
          case 'exponentialHistogram':
            retain<(typeof d.points)[number]>(d.points, keep);
            break;
          case 'summary':
            retain<(typeof d.points)[number]>(d.points, keep);
            break;
        }
      }
    }
  }
}

const WHAT: Record<OtlpSignal, string> = {
  logs: 'log record(s)',
  traces: 'span(s)',
  metrics: 'data point(s)',
};

/**
 * Ward's one time rule, for every signal, applied to a decoded request in place before anything is built
 * from it: a missing time becomes the observed time (logs) or the receive time; a record whose time lies
 * beyond the window is removed and counted (OTLP partial success, never a retryable error); nested times
 * (span end, span events, exemplars, a point's start) outside the window are replaced by the record's time.
 * Afterwards every time in the request fits ClickHouse's DateTime64(9) (which ends in 2262).
 */
export function applyTimeRule(
  signal: OtlpSignal,
  req: OtlpLogsRequest | OtlpTracesRequest | OtlpMetricsRequest,
  w: TimeWindow,
  opts: TimeWindowOptions,
): TimeRuleResult {
  const tally = new Tally();
  if (signal === 'logs') logsRule(req as OtlpLogsRequest, w, tally);
  else if (signal === 'traces') tracesRule(req as OtlpTracesRequest, w, tally);
  else metricsRule(req as OtlpMetricsRequest, w, tally);
  return tally.result(WHAT[signal], w, opts);
}
