import { median, medianAbsoluteDeviation } from 'simple-statistics';
import type { AlertFactor } from '../../schema/index.js';
import type { MetricName, SessionMetrics } from '../../store/index.js';
import type { DetectorMeta, FixtureEvent } from '../detector.js';

/** Thresholds as data: deviation cut-offs, warm-up, and per-metric floors below which nothing is unusual. */
const thresholds = {
  robust_z: 4,
  ewma_z: 3,
  ewma_alpha: 0.3,
  min_baseline_sessions: 10,
  floor_commands: 60,
  floor_command_rate: 12,
  floor_failure_rate: 0.7,
  floor_denied_network: 3,
  floor_bytes_out: 5_000_000,
  floor_distinct_binaries: 20,
  floor_approval_denials: 3,
} as const;

/**
 * Metrics that grow with a session's length: a long session of ordinary work runs more commands and more programs
 * than the short ones of its baseline. They are reported beside a deviation in how the session behaves (its rate,
 * failures, blocked connections, bytes sent, refused approvals), never alone.
 */
const LENGTH_METRICS: ReadonlySet<MetricName> = new Set(['commands', 'distinct_binaries']);

const METRIC_TEXT: Record<MetricName, string> = {
  commands: 'commands run',
  command_rate: 'commands per minute',
  failure_rate: 'share of failing commands',
  denied_network: 'blocked network attempts',
  bytes_out: 'bytes sent',
  distinct_binaries: 'distinct programs',
  approval_denials: 'refused approvals',
};

/** A session's metric against one baseline sample: robust z (median/MAD) and EWMA deviation. */
export function deviation(
  x: number,
  sample: readonly number[],
  floor: number,
  alpha: number,
): { median: number; robustZ: number; ewma: number; ewmaZ: number } {
  const med = median([...sample]);
  // A flat baseline (MAD 0) would make any change infinite: the floor sets the smallest meaningful spread.
  const scale = Math.max(1.4826 * medianAbsoluteDeviation([...sample]), floor * 0.25, 1e-9);
  let mean = sample[0] ?? 0;
  let variance = 0;
  for (const v of sample.slice(1)) {
    const d = v - mean;
    mean += alpha * d;
    variance = (1 - alpha) * (variance + alpha * d * d);
  }
  const ewmaScale = Math.max(Math.sqrt(variance), floor * 0.25, 1e-9);
  return { median: med, robustZ: (x - med) / scale, ewma: mean, ewmaZ: (x - mean) / ewmaScale };
}

/** Baseline detector: scores whole sessions (metrics from ClickHouse) against their scope and peer group. */
export interface BaselineDetector extends DetectorMeta {
  kind: 'baseline';
  score(
    current: SessionMetrics,
    scopes: { scope: 'repo' | 'user'; sample: SessionMetrics[] }[],
    peers: SessionMetrics[],
  ): { value: string; factors: AlertFactor[] }[];
}

const round = (n: number) => Math.round(n * 100) / 100;

function quietSessions(n: number): FixtureEvent[][] {
  return Array.from({ length: n }, (_, i) => [
    { kind: 'command' as const, command: 'git status', t: 0 },
    { kind: 'command' as const, command: i % 2 ? 'npm test' : 'npm run lint', t: 20 },
  ]);
}

export const baselineActivity: BaselineDetector = {
  id: 'baseline.session-activity',
  title: 'Session activity far outside its baseline',
  description:
    'A session metric (command rate, failure rate, blocked network attempts, bytes sent, distinct programs, refused approvals) ' +
    'is far above both its repository/user baseline (robust z-score on median/MAD, and EWMA over recent sessions) and its ' +
    "peer group (same agent fleet-wide), after a warm-up. The counts that grow with a session's length (commands, " +
    'distinct programs) are reported only beside a deviation in how it behaves.',
  severity: 'medium',
  attack: ['T1041', 'T1046', 'T1059'],
  falsepositives: [
    'Large refactors or migrations that run many more commands than usual',
    'A broken network making many attempts fail',
  ],
  triage: 'Open the session timeline at the busiest minute: is the extra activity what the prompt asked for?',
  thresholds,
  kind: 'baseline',
  fixtures: {
    positive: {
      history: quietSessions(12),
      session: Array.from({ length: 6 }, (_, i) => ({
        kind: 'network' as const,
        decision: 'deny' as const,
        target: `probe${i}.scan-target.example:443`,
        t: i * 5,
      })),
    },
    negative: {
      history: quietSessions(12),
      session: [
        { kind: 'command', command: 'git status', t: 0 },
        { kind: 'command', command: 'npm test', t: 30 },
      ],
    },
  },
  score(current, scopes, peers) {
    const out: { value: string; factors: AlertFactor[]; length: boolean }[] = [];
    const warm = scopes.find((s) => s.sample.length >= thresholds.min_baseline_sessions);
    if (!warm || peers.length < thresholds.min_baseline_sessions) return out;
    for (const metric of Object.keys(METRIC_TEXT) as MetricName[]) {
      const x = current[metric];
      const floor = thresholds[`floor_${metric}`];
      if (!(x >= floor)) continue;
      const own = deviation(
        x,
        warm.sample.map((m) => m[metric]),
        floor,
        thresholds.ewma_alpha,
      );
      const peer = deviation(
        x,
        peers.map((m) => m[metric]),
        floor,
        thresholds.ewma_alpha,
      );
      if (
        own.robustZ < thresholds.robust_z ||
        own.ewmaZ < thresholds.ewma_z ||
        peer.robustZ < thresholds.robust_z
      )
        continue;
      out.push({
        value: metric,
        length: LENGTH_METRICS.has(metric),
        factors: [
          {
            value: round(x),
            baseline: round(own.median),
            deviation: round(own.robustZ),
            rule: `${this.id}:${metric}`,
            text: `${METRIC_TEXT[metric]}: ${round(x)} against a ${warm.scope} median of ${round(own.median)} (robust z ${round(own.robustZ)}, EWMA ${round(own.ewma)} z ${round(own.ewmaZ)}; ${current.agent} peers z ${round(peer.robustZ)})`,
          },
        ],
      });
    }
    if (out.every((r) => r.length)) return [];
    return out.map(({ value, factors }) => ({ value, factors }));
  },
};
