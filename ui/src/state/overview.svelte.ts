import type { Api } from '../lib/api.js';
import type { AgentEvent, AlertRecord, Approval, Overview, SessionSummary } from '../lib/types.js';
import { Resource } from './resource.svelte.js';

/** Time ranges the overview offers; every panel uses the same one. */
export const RANGES: Record<string, number> = {
  '1h': 3600_000,
  '6h': 6 * 3600_000,
  '24h': 86400_000,
  '7d': 7 * 86400_000,
};

const VISIT_KEY = 'ward.lastVisit';
const SINCE_KEY = 'ward.visitSince';

/** What changed since the analyst last opened the overview. */
export interface SinceLastVisit {
  since: string;
  alerts: number | null;
  sessions: number;
  decided: number;
}

/**
 * Builds the overview from the events, sessions and approvals APIs when the server has no /api/overview
 * (the analyzer not installed): the same panels, without alert counts or risk.
 */
export function overviewFromBasics(
  events: AgentEvent[],
  sessions: SessionSummary[],
  approvals: Approval[],
): Overview {
  const perMinute = new Map<string, number>();
  for (const e of events) {
    const t = new Date(Math.floor(Date.parse(e.time) / 60_000) * 60_000).toISOString();
    perMinute.set(t, (perMinute.get(t) ?? 0) + 1);
  }
  const count = <K extends string>(values: string[], key: K) => {
    const m = new Map<string, number>();
    for (const v of values) if (v) m.set(v, (m.get(v) ?? 0) + 1);
    return [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([v, n]) => ({ [key]: v, n }) as Record<K, string> & { n: number });
  };
  return {
    events_per_minute: [...perMinute].sort((a, b) => a[0].localeCompare(b[0])).map(([t, n]) => ({ t, n })),
    alerts_by_severity: {},
    pending_approvals: approvals.filter((a) => a.status === 'pending').length,
    riskiest_sessions: [],
    agents: count(
      sessions.map((s) => s.agent),
      'agent',
    ),
    repos: count(
      sessions.map((s) => s.repo),
      'repo',
    ),
  };
}

/** The overview: a few panels over one shared time range, and what changed since the last visit. */
export class OverviewState {
  data = new Resource<Overview>();
  /** True when the panels come from the basic APIs (no analyzer on this server). */
  basic = $state(false);
  range = $state('24h');
  since = $state<SinceLastVisit | null>(null);
  recentSessions = $state.raw<SessionSummary[]>([]);
  /** The loaded time window (ms), for charts. */
  window = $state({ from: 0, to: 0 });

  constructor(
    private readonly api: Api,
    /** Kept across visits (localStorage). */
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'>,
    /** Kept for this tab's visit (sessionStorage). */
    private readonly tab: Pick<Storage, 'getItem' | 'setItem'> = storage,
  ) {}

  async load(q: URLSearchParams): Promise<void> {
    this.range = q.get('range') && RANGES[q.get('range') as string] ? (q.get('range') as string) : '24h';
    const to = new Date();
    const from = new Date(to.getTime() - (RANGES[this.range] ?? RANGES['24h']!));
    const window = { from: from.toISOString(), to: to.toISOString() };
    this.window = { from: from.getTime(), to: to.getTime() };
    const sessionsP = this.api
      .get<{ sessions: SessionSummary[] }>('/sessions', { ...window, limit: 1000 })
      .then((r) => r.sessions)
      .catch(() => [] as SessionSummary[]);
    const result = await this.data.run(() => this.api.get<Overview>('/overview', window));
    const sessions = await sessionsP;
    this.recentSessions = sessions.slice(0, 8);
    if (!result && this.data.missing) {
      this.basic = true;
      await this.data.run(async () => {
        const [events, approvals] = await Promise.all([
          this.api.get<{ events: AgentEvent[] }>('/events', { ...window, limit: 1000 }).then((r) => r.events),
          this.api
            .get<{ approvals: Approval[] }>('/approvals', { status: 'pending', limit: 200 })
            .then((r) => r.approvals)
            .catch(() => [] as Approval[]),
        ]);
        return overviewFromBasics(events, sessions, approvals);
      });
    } else this.basic = false;
    await this.#sinceLastVisit(sessions);
  }

  async #sinceLastVisit(sessions: SessionSummary[]): Promise<void> {
    // A visit is one browser tab's session: its start is remembered for the tab (so reloading the overview
    // keeps showing what changed since the previous visit), and becomes the next visit's "last".
    let last = this.tab.getItem(SINCE_KEY);
    if (last === null) {
      last = this.storage.getItem(VISIT_KEY) ?? '';
      this.tab.setItem(SINCE_KEY, last);
    }
    this.storage.setItem(VISIT_KEY, new Date().toISOString());
    if (!last || Number.isNaN(Date.parse(last))) {
      this.since = null;
      return;
    }
    const alerts = await this.api
      .get<{ alerts: AlertRecord[] }>('/alerts', { from: last, limit: 1000 })
      .then((r) => r.alerts.length)
      .catch(() => null);
    const decided = await this.api
      .get<{ approvals: Approval[] }>('/approvals', { limit: 500 })
      .then((r) => r.approvals.filter((a) => a.decided_at && a.decided_at > last).length)
      .catch(() => 0);
    this.since = {
      since: last,
      alerts,
      sessions: sessions.filter((s) => s.first_time > last).length,
      decided,
    };
  }
}

/**
 * Re-buckets per-minute counts into `buckets` equal slots over [from, to), zeros included, so the chart
 * shows quiet periods as quiet instead of drawing a line across them.
 */
export function bucketize(
  points: { t: string; n: number }[],
  fromMs: number,
  toMs: number,
  buckets = 120,
): { x: number[]; y: number[]; stepS: number } {
  const step = Math.max(60_000, Math.ceil((toMs - fromMs) / buckets / 60_000) * 60_000);
  const start = Math.floor(fromMs / step) * step;
  const n = Math.max(1, Math.ceil((toMs - start) / step));
  const y = new Array<number>(n).fill(0);
  for (const p of points) {
    const i = Math.floor((Date.parse(p.t) - start) / step);
    if (i >= 0 && i < n) y[i] = (y[i] ?? 0) + p.n;
  }
  return { x: y.map((_, i) => (start + i * step) / 1000), y, stepS: step / 1000 };
}
