import type { Api } from '../lib/api.js';
import type { RiskAnswer, SessionSummary } from '../lib/types.js';
import { Resource } from './resource.svelte.js';

/** Filters of the sessions list (URL query). The server filters by agent and time; user, repo, text here. */
export type SessionFilters = Partial<Record<'agent' | 'user' | 'repo' | 'q' | 'from' | 'to', string>>;

/** All sessions by agent, user and repo, each with its risk score when the analyzer serves one. */
export class SessionsState {
  list = new Resource<SessionSummary[]>();
  filters = $state<SessionFilters>({});
  risk = $state<Record<string, number>>({});
  riskAvailable = $state(true);
  focus = $state(0);
  #key = '';

  constructor(private readonly api: Api) {}

  get items(): SessionSummary[] {
    const f = this.filters;
    const has = (v: string, want: string | undefined) =>
      !want || v.toLowerCase().includes(want.toLowerCase());
    return (this.list.data ?? []).filter(
      (s) =>
        has(s.user_id, f.user) &&
        has(s.repo, f.repo) &&
        (!f.q || [s.session_id, s.agent, s.user_id, s.repo, s.host].some((v) => has(v, f.q))),
    );
  }

  async load(q: URLSearchParams): Promise<void> {
    const filters: SessionFilters = {};
    for (const k of ['agent', 'user', 'repo', 'q', 'from', 'to'] as const) {
      const v = q.get(k);
      if (v) filters[k] = v;
    }
    this.filters = filters;
    const key = JSON.stringify([filters.agent, filters.from, filters.to]);
    if (key === this.#key && this.list.data) return;
    this.#key = key;
    const data = await this.list.run(
      async () =>
        (
          await this.api.get<{ sessions: SessionSummary[] }>('/sessions', {
            agent: filters.agent,
            from: filters.from,
            to: filters.to,
            limit: 1000,
          })
        ).sessions,
    );
    if (data) void this.#risks(data.slice(0, 60).map((s) => s.session_id));
  }

  /** Risk per session, a few requests at a time; stops at the first 404 (no analyzer on this server). */
  async #risks(ids: string[]): Promise<void> {
    const queue = ids.filter((id) => !(id in this.risk));
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined && this.riskAvailable; id = queue.shift()) {
        const r = new Resource<RiskAnswer>();
        await r.run(() => this.api.get<RiskAnswer>('/risk', { session: id }));
        if (r.missing) this.riskAvailable = false;
        else if (r.data) this.risk = { ...this.risk, [id]: r.data.risk };
      }
    };
    await Promise.all([worker(), worker(), worker()]);
  }

  move(step: number): void {
    this.focus = Math.min(Math.max(0, this.focus + step), Math.max(0, this.items.length - 1));
  }
}
