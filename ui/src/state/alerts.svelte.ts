import type { Api } from '../lib/api.js';
import { errorText } from '../lib/api.js';
import type { AgentEvent, AlertRecord, AlertStatus } from '../lib/types.js';
import { Resource } from './resource.svelte.js';

/** Filters of the alerts queue; each is a URL query parameter (deep links). */
export const ALERT_FILTERS = [
  'status',
  'severity',
  'agent',
  'detector',
  'repo',
  'user',
  'session',
  'from',
  'to',
] as const;
export type AlertFilters = Partial<Record<(typeof ALERT_FILTERS)[number] | 'sort' | 'order', string>>;

const PAGE = 500;
/** Most alerts held in the page at once (the list is virtualized; memory stays bounded). */
export const MAX_ALERTS = 20_000;

/** The alerts queue: filtered, sorted and paged from the server, with selection and triage. */
export class AlertsState {
  list = new Resource<AlertRecord[]>();
  filters = $state<AlertFilters>({});
  cursor = $state<string | null>(null);
  loadingMore = $state(false);
  /** Row the keyboard is on. */
  focus = $state(0);
  /** Rows ticked for a bulk action. */
  selected = $state<Set<string>>(new Set());
  /** The alert open in the flyout. */
  openId = $state('');
  detail = new Resource<{ alert: AlertRecord; events: AgentEvent[] }>();
  /** Alerts that arrived live since the page loaded (highlighted). */
  fresh = $state<Set<string>>(new Set());
  message = $state('');
  busy = $state(false);
  #key = '';

  constructor(private readonly api: Api) {}

  get items(): AlertRecord[] {
    return this.list.data ?? [];
  }

  /** Loads the queue for the URL's filters (again only when they changed). */
  async load(q: URLSearchParams, force = false): Promise<void> {
    const filters: AlertFilters = {};
    for (const k of [...ALERT_FILTERS, 'sort', 'order'] as const) {
      const v = q.get(k);
      if (v) filters[k] = v;
    }
    const key = JSON.stringify(filters);
    const open = q.get('open') ?? '';
    if (open !== this.openId) this.show(open);
    if (key === this.#key && !force) return;
    this.#key = key;
    this.filters = filters;
    this.focus = 0;
    this.selected = new Set();
    await this.list.run(async () => {
      const page = await this.api.get<{ alerts: AlertRecord[]; next_cursor: string | null }>('/alerts', {
        ...filters,
        limit: PAGE,
      });
      this.cursor = page.next_cursor;
      return page.alerts;
    });
  }

  /** The next page, when the list is scrolled near its end. */
  async more(): Promise<void> {
    if (!this.cursor || this.loadingMore || this.items.length >= MAX_ALERTS) return;
    this.loadingMore = true;
    try {
      const page = await this.api.get<{ alerts: AlertRecord[]; next_cursor: string | null }>('/alerts', {
        ...this.filters,
        limit: PAGE,
        cursor: this.cursor,
      });
      this.cursor = page.next_cursor;
      this.list.data = [...this.items, ...page.alerts];
    } catch (err) {
      this.message = `Could not load more: ${errorText(err)}`;
    } finally {
      this.loadingMore = false;
    }
  }

  /** Whether a live alert belongs in the current filtered view. */
  matches(a: AlertRecord): boolean {
    const f = this.filters;
    const eq = (want: string | undefined, got: string | undefined) =>
      !want || want.split(',').includes(got ?? '');
    return (
      eq(f.status, a.status) &&
      eq(f.severity, a.severity) &&
      eq(f.agent, a.agent) &&
      eq(f.repo, a.repo) &&
      eq(f.user, a.user) &&
      eq(f.session, a.session_id) &&
      (!f.detector || (a.detectors ?? [a.rule_id]).includes(f.detector))
    );
  }

  /** A new or changed alert from the live stream. */
  arrived(a: AlertRecord): void {
    if (!a || typeof a.alert_id !== 'string' || !this.list.data) return;
    const rest = this.items.filter((x) => x.alert_id !== a.alert_id);
    const known = rest.length !== this.items.length;
    if (!this.matches(a)) {
      if (known) this.list.data = rest;
      return;
    }
    this.list.data = known ? this.items.map((x) => (x.alert_id === a.alert_id ? a : x)) : [a, ...rest];
    if (!known) this.fresh = new Set([...this.fresh, a.alert_id]);
    if (this.openId === a.alert_id && this.detail.data) this.detail.data = { ...this.detail.data, alert: a };
  }

  show(id: string): void {
    this.openId = id;
    if (!id) return;
    void this.detail.run(() =>
      this.api.get<{ alert: AlertRecord; events: AgentEvent[] }>(`/alerts/${encodeURIComponent(id)}`),
    );
  }

  toggle(id: string): void {
    const next = new Set(this.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.selected = next;
  }

  selectAll(on: boolean): void {
    this.selected = on ? new Set(this.items.map((a) => a.alert_id)) : new Set();
  }

  move(step: number): void {
    this.focus = Math.min(Math.max(0, this.focus + step), Math.max(0, this.items.length - 1));
  }

  async setStatus(id: string, status: AlertStatus, note: string, assignee?: string): Promise<boolean> {
    this.busy = true;
    try {
      const r = await this.api.post<{ alert: AlertRecord }>(`/alerts/${encodeURIComponent(id)}/status`, {
        status,
        ...(note ? { note } : {}),
        ...(assignee !== undefined ? { assignee } : {}),
      });
      this.#replace(r.alert);
      this.message = `${r.alert.title}: ${status.replace('_', ' ')}`;
      return true;
    } catch (err) {
      this.message = `Could not update: ${errorText(err)}`;
      return false;
    } finally {
      this.busy = false;
    }
  }

  async bulk(status: AlertStatus, note: string): Promise<void> {
    const ids = [...this.selected];
    if (ids.length === 0) return;
    this.busy = true;
    try {
      const r = await this.api.post<{ updated: number }>('/alerts/bulk-status', {
        ids,
        status,
        ...(note ? { note } : {}),
      });
      this.message = `${r.updated} alert${r.updated === 1 ? '' : 's'} marked ${status.replace('_', ' ')}`;
      this.selected = new Set();
      await this.load(new URLSearchParams(this.filters as Record<string, string>), true);
    } catch (err) {
      this.message = `Bulk update failed: ${errorText(err)}`;
    } finally {
      this.busy = false;
    }
  }

  #replace(a: AlertRecord) {
    this.list.data = this.items.map((x) => (x.alert_id === a.alert_id ? a : x));
    if (this.detail.data?.alert.alert_id === a.alert_id) this.detail.data = { ...this.detail.data, alert: a };
  }
}
