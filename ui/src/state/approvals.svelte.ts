import type { Api } from '../lib/api.js';
import { errorText } from '../lib/api.js';
import type { AgentEvent, Approval, ApprovalDecisionResult, GrantScope, RiskAnswer } from '../lib/types.js';
import { Resource } from './resource.svelte.js';

/** What the analyst decided last, shown until the next decision. */
export interface DecisionNote {
  id: string;
  text: string;
  ok: boolean;
}

/** The approvals queue: pending requests, the selected one's context, and the analyst's decisions. */
export class ApprovalsState {
  queue = new Resource<Approval[]>();
  /** Recently decided (approved, denied, expired), for context. */
  recent = new Resource<Approval[]>();
  selectedId = $state('');
  risk = new Resource<RiskAnswer>();
  actions = new Resource<AgentEvent[]>();
  deciding = $state(false);
  note = $state<DecisionNote | null>(null);
  now = $state(Date.now());

  constructor(private readonly api: Api) {}

  get pending(): Approval[] {
    return (this.queue.data ?? []).filter((a) => a.status === 'pending');
  }

  get selected(): Approval | undefined {
    return this.pending.find((a) => a.id === this.selectedId) ?? this.pending[0];
  }

  async refresh(): Promise<void> {
    await Promise.all([
      this.queue.run(async () =>
        (
          await this.api.get<{ approvals: Approval[] }>('/approvals', { status: 'pending', limit: 200 })
        ).approvals
          .slice()
          .sort((a, b) => a.expires_at.localeCompare(b.expires_at)),
      ),
      this.recent.run(
        async () => (await this.api.get<{ approvals: Approval[] }>('/approvals', { limit: 20 })).approvals,
      ),
    ]);
    if (!this.pending.some((a) => a.id === this.selectedId)) this.select(this.pending[0]?.id ?? '');
  }

  /**
   * Whose session a request names, by the tokens that sent its events (the runner names it itself): `other` when
   * tokens sent it and the requester is not among them (the risk and actions shown are another agent's), `shared`
   * when other tokens sent into it too; `unknown` while not read, or when only tokenless loopback ingest sent it.
   */
  sessionOwner(a: Approval): 'own' | 'other' | 'shared' | 'unknown' {
    const r = this.risk.data;
    const senders = r && r.session_id === a.session_id ? r.senders : undefined;
    if (!senders || senders.length === 0 || !a.requester_id) return 'unknown';
    if (!senders.includes(a.requester_id)) return 'other';
    return senders.length > 1 ? 'shared' : 'own';
  }

  /** Selects a request and loads its session's risk and last actions. */
  select(id: string): void {
    if (id === this.selectedId && this.risk.data) return;
    this.selectedId = id;
    const a = this.pending.find((x) => x.id === id);
    if (!a) return;
    void this.risk.run(() => this.api.get<RiskAnswer>('/risk', { session: a.session_id }));
    void this.actions.run(
      async () =>
        (await this.api.get<{ events: AgentEvent[] }>('/events', { session: a.session_id, limit: 8 })).events,
    );
  }

  /** Moves the selection up or down the queue (keyboard j/k). */
  move(step: number): void {
    const list = this.pending;
    if (list.length === 0) return;
    const at = Math.max(
      0,
      list.findIndex((a) => a.id === this.selected?.id),
    );
    this.select(list[Math.min(list.length - 1, Math.max(0, at + step))]?.id ?? '');
  }

  /** Seconds left before the request times out (and the runner denies on its own). */
  secondsLeft(a: Approval): number {
    return Math.max(0, Math.round((Date.parse(a.expires_at) - this.now) / 1000));
  }

  tick(): void {
    this.now = Date.now();
  }

  async decide(
    id: string,
    decision: 'approve' | 'deny',
    scope: GrantScope,
    reason: string,
  ): Promise<boolean> {
    this.deciding = true;
    try {
      const r = await this.api.post<ApprovalDecisionResult>(`/approvals/${encodeURIComponent(id)}/decision`, {
        decision,
        scope: decision === 'approve' ? scope : 'once',
        reason,
      });
      const grant = r.grant
        ? ` — always allowed for this ${r.grant.scope}: ${r.grant.prefix}`
        : r.no_grant_reason
          ? ` — counts once: ${r.no_grant_reason}`
          : '';
      this.note = { id, ok: true, text: `${decision === 'approve' ? 'Approved' : 'Denied'}${grant}` };
      // Out of the queue at once: the runner already has its answer.
      this.queue.data = (this.queue.data ?? []).filter((a) => a.id !== id);
      this.select(this.pending[0]?.id ?? '');
      void this.refresh();
      return true;
    } catch (err) {
      this.note = { id, ok: false, text: `Could not decide: ${errorText(err)}` };
      void this.refresh();
      return false;
    } finally {
      this.deciding = false;
    }
  }
}
